package moderation

import (
	_ "embed"
	"strings"
)

// The default lists, curated for a children's platform: severe words are blocked, insults and
// bullying held for a person, cries for help held and put first in the queue, and the allow
// list lifts ordinary words that contain a listed one (垃圾桶, 跳楼机).
var (
	//go:embed data/block.txt
	defaultBlock string
	//go:embed data/hold.txt
	defaultHold string
	//go:embed data/allow.txt
	defaultAllow string
	//go:embed data/safeguarding.txt
	defaultSafeguarding string
)

// Defaults returns the embedded word lists.
func Defaults() Lists {
	return Lists{Block: lines(defaultBlock), Hold: lines(defaultHold), Allow: lines(defaultAllow)}
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

type wordKind struct {
	kind string // severe_word, insult, safeguarding, or "" for the allow list
	// A Latin letter at the start (end) of the word must not continue a Latin word: "sb" is
	// not found in "asbestos", but 傻B is found in "SB傻B".
	asciiStart, asciiEnd bool
}

// wordSet is the compiled lists: one automaton over every pattern.
type wordSet struct {
	ac    *automaton
	kinds []wordKind
	size  int // patterns
}

// NormaliseWord is the form a listed word is matched in: folded like the texts it is matched
// against, so that lists may be written in traditional or full-width characters.
func NormaliseWord(w string) string {
	return string(wordForm(fold(w)).r)
}

func compile(l Lists) *wordSet {
	ws := &wordSet{}
	seen := map[string]bool{}
	var patterns [][]rune
	add := func(words []string, kind string) {
		for _, w := range words {
			n := wordForm(fold(w)).r
			if len(n) == 0 || seen[kind+"\x00"+string(n)] {
				continue
			}
			seen[kind+"\x00"+string(n)] = true
			patterns = append(patterns, n)
			ws.kinds = append(ws.kinds, wordKind{kind: kind, asciiStart: isASCIIAlnum(n[0]), asciiEnd: isASCIIAlnum(n[len(n)-1])})
		}
	}
	add(l.Block, "severe_word")
	add(l.Hold, "insult")
	add(lines(defaultSafeguarding), "safeguarding")
	add(l.Allow, "")
	ws.size = len(patterns)
	ws.ac = newAutomaton(patterns)
	return ws
}

// match finds the listed words in the word form of a text, leaving out those inside an
// allowed word and Latin words that are only part of a longer word.
func (ws *wordSet) match(w *folded) []Reason {
	if ws.size == 0 || len(w.r) == 0 {
		return nil
	}
	r := w.r
	type hit struct {
		kind       string
		start, end int
	}
	var hits, allowed []hit
	ws.ac.each(r, func(word int32, a, b int) {
		k := ws.kinds[word]
		if k.asciiStart && a > 0 && isASCIIAlnum(r[a-1]) || k.asciiEnd && b < len(r) && isASCIIAlnum(r[b]) {
			return
		}
		if k.kind == "" {
			allowed = append(allowed, hit{"", a, b})
		} else {
			hits = append(hits, hit{k.kind, a, b})
		}
	})
	var out []Reason
next:
	for _, h := range hits {
		for _, al := range allowed {
			if al.start <= h.start && h.end <= al.end {
				continue next
			}
		}
		kind := h.kind
		if kind != "severe_word" {
			kind = holdPrefix + kind
		}
		start, end := w.span(h.start, h.end)
		out = append(out, Reason{Kind: kind, Start: start, End: end})
	}
	return out
}
