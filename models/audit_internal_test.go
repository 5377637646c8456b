package models

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every action the models write to the audit log is one the log can filter by and put in words:
// a new s.audit call with a new action fails here until AuditActions (and the catalog) name it.
func TestEveryAuditedActionIsListed(t *testing.T) {
	call := regexp.MustCompile(`s\.audit\([^,]+, [^,]+, "([a-z_.]+)"`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			action := m[1]
			if strings.HasSuffix(action, ".") { // a prefix completed at run time, e.g. "consent." + kind
				continue
			}
			seen++
			if !slices.Contains(AuditActions, action) {
				t.Errorf("%s audits %q, which AuditActions does not list", f, action)
			}
		}
	}
	if seen < 20 {
		t.Fatalf("found only %d audited actions: the pattern no longer matches the calls", seen)
	}
}
