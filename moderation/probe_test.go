package moderation

import (
	"os"
	"strings"
	"testing"
)

func TestProbeX(t *testing.T) {
	s := New(Defaults())
	b, _ := os.ReadFile("/tmp/wt9/probe.txt")
	for _, x := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		v := s.Screen(x)
		var k []string
		for _, r := range v.Reasons {
			k = append(k, r.Kind+":"+r.Class)
		}
		t.Logf("%s → %s %v", x, v.Action, k)
	}
}
