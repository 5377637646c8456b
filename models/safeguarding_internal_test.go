package models

import (
	"testing"

	"tongsheng/moderation"
)

// Masking replaces each finding once, overlapping and touching ones included, and keeps the rest
// of the text as it was.
func TestMask(t *testing.T) {
	r := func(start, end int) moderation.Reason { return moderation.Reason{Start: start, End: end} }
	for _, c := range []struct {
		text  string
		found []moderation.Reason
		want  string
	}{
		{"call 123 now", []moderation.Reason{r(5, 8)}, "call ＊＊＊ now"},
		{"a 12 b 34", []moderation.Reason{r(7, 9), r(2, 4)}, "a ＊＊＊ b ＊＊＊"},
		{"xx123456yy", []moderation.Reason{r(2, 6), r(4, 8)}, "xx＊＊＊yy"},
		{"xx123456yy", []moderation.Reason{r(2, 8), r(3, 5)}, "xx＊＊＊yy"},
		{"1234", []moderation.Reason{r(0, 4)}, "＊＊＊"},
		{"短", []moderation.Reason{r(0, 99)}, "＊＊＊"},
		{"电话13800138000好", []moderation.Reason{r(6, 17)}, "电话＊＊＊好"},
	} {
		if got := mask(c.text, c.found); got != c.want {
			t.Errorf("mask(%q, %v) = %q, want %q", c.text, c.found, got, c.want)
		}
	}
}
