package moderation

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// phraseSet is a list of patterns, each tried only where a literal it cannot match without
// stands in the text. One big alternation runs Go's regexp machine over every clause; split,
// and filtered by one pass of an automaton, only the few patterns that could match are run.
type phraseSet struct {
	id   int
	res  []*regexp.Regexp
	keys [][]string // per pattern: at least one of these occurs in any match
}

// newPhraseSet compiles each top-level alternative of the patterns on its own.
func newPhraseSet(patterns ...string) *phraseSet {
	ps := &phraseSet{}
	for _, p := range patterns {
		for _, alt := range splitAlternatives(p) {
			re := regexp.MustCompile(alt)
			tree, err := syntax.Parse(alt, syntax.Perl)
			if err != nil {
				panic(err)
			}
			keys := mustOneOf(tree.Simplify())
			if len(keys) == 0 {
				panic("moderation: phrase has no literal to look for: " + alt)
			}
			ps.res = append(ps.res, re)
			ps.keys = append(ps.keys, keys)
		}
	}
	return ps
}

// splitAlternatives splits a pattern at its top-level "|".
func splitAlternatives(p string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case '|':
			if depth == 0 {
				out = append(out, p[start:i])
				start = i + 1
			}
		}
	}
	return append(out, p[start:])
}

// mustOneOf returns literals of which every match of re holds at least one, or nil when it
// cannot tell. Of the parts of a sequence it keeps the one with the fewest, longest literals.
func mustOneOf(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{string(re.Rune)}
	case syntax.OpCapture, syntax.OpPlus:
		return mustOneOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return mustOneOf(re.Sub[0])
		}
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 8 {
				return nil
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				out = append(out, string(r))
			}
		}
		if len(out) > 16 {
			return nil
		}
		return out
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			k := mustOneOf(s)
			if k == nil {
				return nil
			}
			out = append(out, k...)
		}
		return out
	case syntax.OpConcat:
		var best []string
		for _, s := range re.Sub {
			k := mustOneOf(s)
			if k != nil && (best == nil || better(k, best)) {
				best = k
			}
		}
		return best
	}
	return nil
}

// better prefers literals that occur more rarely: fewer of them, longer, and no common
// single characters (我, 在, 天).
func better(a, b []string) bool { return rarity(a) < rarity(b) }

const commonRunes = "我你他她它们的了是在有不没就要会想天好真太很都也还又再把被给让和跟同一个这那人说去来上下大小多到得着过对能可以家"

func rarity(ks []string) int {
	n := 0
	for _, k := range ks {
		switch rs := []rune(k); {
		case len(rs) >= 3:
			n++
		case len(rs) == 2:
			n += 2
		case strings.ContainsRune(commonRunes, rs[0]):
			n += 30
		default:
			n += 3
		}
	}
	return n
}

// literalIndex finds, in one pass, which patterns of several phrase sets may match a text,
// and which words of the lexicon's telltale tags it holds.
type literalIndex struct {
	ac   *automaton
	what [][]literalUse // per literal
}

type literalUse struct {
	set, pattern int // set -1: a telltale word of the lexicon
}

func newLiteralIndex(words []string, sets ...*phraseSet) *literalIndex {
	ix := &literalIndex{}
	at := map[string]int{}
	var lits [][]rune
	add := func(lit string, u literalUse) {
		lit = strings.ToLower(lit)
		i, ok := at[lit]
		if !ok {
			i = len(lits)
			at[lit] = i
			lits = append(lits, []rune(lit))
			ix.what = append(ix.what, nil)
		}
		ix.what[i] = append(ix.what[i], u)
	}
	for _, w := range words {
		add(w, literalUse{-1, 0})
	}
	for s, set := range sets {
		for p, keys := range set.keys {
			for _, k := range keys {
				add(k, literalUse{s, p})
			}
		}
	}
	ix.ac = newAutomaton(lits)
	return ix
}
