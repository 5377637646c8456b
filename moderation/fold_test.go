package moderation

import (
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold's fast paths give what NFKC, lower case and simplification would.
func TestFoldFastPathsAgreeWithNFKC(t *testing.T) {
	for r := rune(0x3001); r <= 0x303F; r++ {
		checkFold(t, r)
	}
	for r := rune(0xFF01); r <= 0xFF5E; r++ {
		checkFold(t, r)
	}
	for _, r := range "AZaz09中文简體①Ⅻ" {
		checkFold(t, r)
	}
}

func checkFold(t *testing.T, r rune) {
	t.Helper()
	var want []rune
	for _, n := range norm.NFKC.String(string(r)) {
		want = append(want, simplify(unicode.ToLower(n)))
	}
	if got := fold(string(r)).r; string(got) != string(want) {
		t.Errorf("fold(%q) = %q, want %q", r, string(got), string(want))
	}
}

// runesToString is string([]rune) for every kind of rune, invalid ones included.
func TestRunesToString(t *testing.T) {
	rs := []rune{'a', 0x7F, 0x80, 0x7FF, 0x800, '中', 0xD7FF, 0xD800, 0xDFFF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF, 0x110000, -1, marker}
	if got, want := runesToString(rs), string(rs); got != want {
		t.Errorf("runesToString = %q, want %q", got, want)
	}
	if runesToString(nil) != "" {
		t.Error("runesToString(nil) is not empty")
	}
}
