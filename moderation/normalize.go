package moderation

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

//go:embed data/t2s.txt
var t2sTable string

// t2s maps traditional characters to simplified ones, indexed by code point (all are in the
// Basic Multilingual Plane): an array lookup per character, not a map access.
var t2s = func() *[0x10000]rune {
	m := new([0x10000]rune)
	for _, line := range strings.Split(t2sTable, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		from, to, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		f, _ := utf8.DecodeRuneInString(from)
		t, _ := utf8.DecodeRuneInString(to)
		if f < 0x10000 {
			m[f] = t
		}
	}
	return m
}()

// folded is a normalised copy of a text that remembers, for every rune, the byte span of the
// original it came from, so that findings point into what the child wrote.
type folded struct {
	r          []rune
	start, end []int32
}

func newFolded(n int) *folded {
	return &folded{r: make([]rune, 0, n), start: make([]int32, 0, n), end: make([]int32, 0, n)}
}

func (f *folded) add(r rune, start, end int32) {
	f.r = append(f.r, r)
	f.start = append(f.start, start)
	f.end = append(f.end, end)
}

// span returns the original byte span of runes i..j-1.
func (f *folded) span(i, j int) (int, int) {
	if j <= i {
		return int(f.start[i]), int(f.end[i])
	}
	return int(f.start[i]), int(f.end[j-1])
}

// needsNFKC reports whether a rune may change under NFKC; Han and plain ASCII never do, so the
// common case stays cheap.
func needsNFKC(r rune) bool {
	return r >= 0x80 && !(r >= 0x4E00 && r <= 0x9FFF)
}

// fold applies NFKC (full-width and circled forms become plain), lower case and traditional to
// simplified characters. Invalid UTF-8 is dropped.
func fold(text string) *folded {
	f := newFolded(utf8.RuneCountInString(text) + 8) // NFKC rarely lengthens a text by much
	var buf [32]byte
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && w <= 1 {
			i += max(w, 1)
			continue
		}
		switch {
		case r >= 'A' && r <= 'Z':
			f.add(r+'a'-'A', int32(i), int32(i+w))
		case r < 0x80 || r >= 0x4E00 && r <= 0x9FFF && t2s[r] == 0 || r > 0x3000 && r < 0x3036:
			f.add(r, int32(i), int32(i+w)) // ASCII, simplified Han, CJK punctuation: nothing to change
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII: NFKC's answer, without asking it
			nr := r - 0xFEE0
			if nr >= 'A' && nr <= 'Z' {
				nr += 'a' - 'A'
			}
			f.add(nr, int32(i), int32(i+w))
		case r == 'ⓐ' || r == '◎': // circled a and a bullseye stand for @ in an address
			f.add('@', int32(i), int32(i+w))
		case needsNFKC(r):
			for _, nr := range string(norm.NFKC.AppendString(buf[:0], text[i:i+w])) {
				f.add(simplify(plainLatin(unicode.ToLower(nr))), int32(i), int32(i+w))
			}
		default:
			f.add(simplify(unicode.ToLower(r)), int32(i), int32(i+w))
		}
		i += w
	}
	return f
}

// homoglyphs are Cyrillic and Greek letters that look like Latin ones: аt for at.
var homoglyphs = map[rune]rune{'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'х': 'x', 'у': 'y', 'і': 'i', 'ј': 'j',
	'ѕ': 's', 'ԁ': 'd', 'ο': 'o', 'α': 'a', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'τ': 't', 'υ': 'u', 'ρ': 'p'}

// plainLatin turns the decimal digits of every script into ASCII digits (٣, ३, ๓ → 3; NFKC
// already did the full-width and mathematical ones) and drops the tone marks and accents of
// Latin letters (wēi xìn → wei xin), so that numbers and cue words read the same in any dress.
func plainLatin(r rune) rune {
	switch {
	case r < 0xC0:
		return r
	case r >= 0x370 && r <= 0x4FF && homoglyphs[r] != 0:
		return homoglyphs[r]
	case r <= 0x2AF: // Latin-1 Supplement and Latin Extended: ā, ǐ, ü, é…
		for _, d := range norm.NFD.String(string(r)) {
			if d >= 'a' && d <= 'z' {
				return d
			}
			break
		}
	case unicode.IsDigit(r):
		return digitValue(r)
	case r >= 0x2776 && r <= 0x2793: // dingbat circled digits ❶…❿, ➀…➉, ➊…➓
		return '0' + ((r-0x2776)%10+1)%10
	case r >= 0x24F5 && r <= 0x24FE: // double circled ⓵…⓾
		return '0' + (r-0x24F5+1)%10
	case r == 0x24FF || r == 0x24EA: // ⓿, ⓪
		return '0'
	}
	return r
}

// digitValue returns the ASCII digit of a decimal digit of any script. Unicode encodes every
// script's digits as runs of ten, zero first, so the value is the offset within the run.
func digitValue(r rune) rune {
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return '0' + (r-lo)%10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return '0' + (r-lo)%10
		}
	}
	return r
}

func simplify(r rune) rune {
	if r < 0x2E80 || r >= 0x10000 { // no traditional characters outside this range
		return r
	}
	if s := t2s[r]; s != 0 {
		return s
	}
	return r
}

// isNoise is what sits between the characters of a disguised word or number: spaces,
// punctuation, symbols and emoji, and invisible joiners.
func isNoise(r rune) bool {
	if r >= 0x4E00 && r <= 0x9FFF || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
		return false // the common case, decided without Unicode tables
	}
	switch {
	case r == ' ' || r == '\t' || r == '\n' || r == '\r':
		return true
	case r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF || (r >= 0xFE00 && r <= 0xFE0F):
		return true
	case unicode.IsPunct(r) || unicode.IsSymbol(r):
		return true
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r):
		return true
	}
	return false
}

// isSeparator is noise that may sit inside a written number: 138-0013-8000, 138 0013 8000,
// 1.3.8…, emoji between digits. '+' and '@' are not: they begin or carry other things.
// Most brackets are not (〔2021〕1380号 is a year and a document number); parentheses are, for
// an area code: （0577）36322808. The enumeration comma 、 lists numbers (110、119、120).
func isSeparator(r rune) bool {
	switch r {
	case '+', '@', '#', '%', '、', '[', ']', '【', '】', '〔', '〕', '《', '》', '<', '>', '{', '}':
		return false
	}
	return isNoise(r)
}

// wordForm drops noise, so that 傻 * 逼 and 傻-逼 read as 傻逼; a single space is kept between
// two ASCII letters or digits so that Latin words keep their edges.
func wordForm(f *folded) *folded {
	w := newFolded(len(f.r))
	for i, r := range f.r {
		if isNoise(r) {
			if r == ' ' && len(w.r) > 0 && isASCIIAlnum(w.r[len(w.r)-1]) && i+1 < len(f.r) && isASCIIAlnum(f.r[i+1]) {
				w.add(' ', f.start[i], f.end[i])
			}
			continue
		}
		w.add(r, f.start[i], f.end[i])
	}
	return w
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// digitTables gives, per code point, the digit a Chinese numeral (numeral) or a spoken form
// (spoken) stands for, plus one; 0 means none.
var numeral, spokenDigit = digitTable(numerals), digitTable(spoken)

func digitTable(m map[rune]rune) *[0x10000]byte {
	t := new([0x10000]byte)
	for r, d := range m {
		t[r] = byte(d-'0') + 1
	}
	return t
}

// digitOf returns the digit a rune stands for in table t, if any.
func digitOf(t *[0x10000]byte, r rune) (rune, bool) {
	if r < 0x3000 || r >= 0x10000 || t[r] == 0 {
		return 0, false
	}
	return '0' + rune(t[r]-1), true
}

// numerals are Chinese digits, plain and financial (after simplification).
var numerals = map[rune]rune{
	'〇': '0', '零': '0', '一': '1', '二': '2', '三': '3', '四': '4', '五': '5', '六': '6', '七': '7', '八': '8', '九': '9',
	'壹': '1', '贰': '2', '叁': '3', '肆': '4', '伍': '5', '陆': '6', '柒': '7', '捌': '8', '玖': '9',
}

// spoken are the ways digits are read out on the phone (幺 for 1, 拐 for 7, 洞 for 0…) and
// sound-alikes children use to slip numbers past a filter (伞 for 3, 扒 for 8). They are ordinary
// words too, so they count as digits only next to another digit.
var spoken = map[rune]rune{
	'幺': '1', '妖': '1', '腰': '1', '衣': '1', '依': '1', '伊': '1', '医': '1',
	'两': '2', '俩': '2', '尔': '2',
	'伞': '3', '散': '3', '山': '3', '参': '3', // 參, the traditional capital 3, simplifies to 参
	'寺': '4', '似': '4', '死': '4',
	'舞': '5', '午': '5', '捂': '5', '吾': '5',
	'溜': '6', '留': '6', '流': '6',
	'拐': '7', '妻': '7', '漆': '7',
	'扒': '8', '巴': '8', '爸': '8', '叭': '8',
	'勾': '9', '酒': '9', '久': '9',
	'洞': '0', '灵': '0', '铃': '0', '玲': '0', '令': '0',
}

// digitForm turns every way of writing a digit into the digit: Chinese numerals always, spoken
// forms and sound-alikes when they touch a digit (across up to three separators).
func digitForm(f *folded) *folded {
	d := &folded{r: append([]rune(nil), f.r...), start: f.start, end: f.end}
	anySpoken := false
	for i, r := range d.r {
		if n, ok := digitOf(numeral, r); ok {
			if countsSomething(f.r, i) {
				continue // 最后四位, 上一句: a count, not a digit
			}
			d.r[i] = n
		} else if _, ok := digitOf(spokenDigit, r); ok {
			anySpoken = true
		}
	}
	if anySpoken {
		spokenRuns(d.r)
	}
	for changed := anySpoken; changed; {
		changed = false
		for i, r := range d.r {
			n, ok := digitOf(spokenDigit, r)
			if !ok {
				continue
			}
			if digitNear(d.r, i, -1) || digitNear(d.r, i, 1) {
				d.r[i] = n
				changed = true
			}
		}
	}
	return d
}

// minSpokenRun is the fewest spoken forms in a row that are read as digits with no written digit
// beside them: 幺三八 needs the 三, but 幺伞扒 洞洞幺伞 扒洞洞洞 is a phone number read out. Six such
// characters in a row, at most a separator apart, are no ordinary words.
const minSpokenRun = 6

// spokenRuns turns every run of minSpokenRun spoken forms or more into digits, in place.
func spokenRuns(r []rune) {
	for i := 0; i < len(r); {
		if _, ok := digitOf(spokenDigit, r[i]); !ok {
			i++
			continue
		}
		var at []int
		j := i
		for j < len(r) {
			if _, ok := digitOf(spokenDigit, r[j]); ok {
				at = append(at, j)
				j++
				continue
			}
			if isDigit(r[j]) {
				break
			}
			if isSeparator(r[j]) && j+1 < len(r) {
				if _, ok := digitOf(spokenDigit, r[j+1]); ok {
					j++
					continue
				}
			}
			break
		}
		if len(at) >= minSpokenRun {
			for _, k := range at {
				r[k], _ = digitOf(spokenDigit, r[k])
			}
		}
		i = j + 1
	}
}

// leetDigits reads letters written for digits inside a number (l38OOl38OOO, 138 OO13 8OOO): in
// a Latin token that holds a digit and no letters but o, l and i, those are 0, 1 and 1. It
// returns nil when no token changes.
func leetDigits(f *folded) *folded {
	var out *folded
	for i := 0; i < len(f.r); {
		if !isASCIIAlnum(f.r[i]) {
			i++
			continue
		}
		j, digits, other := i, 0, false
		for ; j < len(f.r) && isASCIIAlnum(f.r[j]); j++ {
			switch c := f.r[j]; {
			case isDigit(c):
				digits++
			case c != 'o' && c != 'l' && c != 'i':
				other = true
			}
		}
		if digits > 0 && !other && digits < j-i {
			if out == nil {
				out = &folded{r: append([]rune(nil), f.r...), start: f.start, end: f.end}
			}
			for k := i; k < j; k++ {
				switch out.r[k] {
				case 'o':
					out.r[k] = '0'
				case 'l', 'i':
					out.r[k] = '1'
				}
			}
		}
		i = j
	}
	return out
}

// measureWords after a lone Chinese numeral make it a count (四位, 一句, 两个), not a digit.
const measureWords = "位句个次下些点样起只条张本遍口群种段片块份支把棵朵颗粒杯碗瓶双对辆台盏首幅场节堂"

// countsSomething reports whether the numeral at r[i] stands alone before a measure word.
func countsSomething(r []rune, i int) bool {
	if i+1 >= len(r) || !strings.ContainsRune(measureWords, r[i+1]) {
		return false
	}
	if i > 0 {
		if _, ok := digitOf(numeral, r[i-1]); ok || isDigit(r[i-1]) {
			return false
		}
	}
	return true
}

// digitNear reports whether a digit stands next to position i in direction dir, with at most
// three separators between.
func digitNear(r []rune, i, dir int) bool {
	for j, seps, dots := i+dir, 0, 0; j >= 0 && j < len(r); j += dir {
		switch {
		case isDigit(r[j]):
			return true
		case isSeparator(r[j]) && seps < 3:
			if (r[j] == '.' || r[j] == '…') && r[j-dir] == r[j] && dots < maxEllipsis {
				dots++ // an ellipsis counts once
			} else {
				seps++
				dots = 0
			}
		default:
			return false
		}
	}
	return false
}

// separatorCount counts the separators in r[i:j], an ellipsis (..., …, ……) as one: 131... 0903
// has two between its parts, as 131, 0903 does.
func separatorCount(r []rune, i, j int) int {
	n := 0
	for k := i; k < j; k++ {
		if !ellipsisGoesOn(r, i, k) {
			n++
		}
	}
	return n
}

// maxEllipsis is the longest run of dots read as one ellipsis; a longer run is no ellipsis, and
// each dot counts, so that no search walks a long run of dots.
const maxEllipsis = 6

// ellipsisGoesOn reports whether r[k] continues an ellipsis begun at or after i: the same dot
// as the rune before it, within maxEllipsis of the run's start.
func ellipsisGoesOn(r []rune, i, k int) bool {
	if k <= i || r[k] != '.' && r[k] != '…' {
		return false
	}
	n := 0
	for m := k - 1; m >= i && r[m] == r[k]; m-- {
		if n++; n >= maxEllipsis {
			return false
		}
	}
	return n > 0
}

// joinDigits removes up to three separators between digits: 138-0013-8000 and 1 3 8 0 … become
// one run of digits.
func joinDigits(f *folded) *folded {
	j := newFolded(len(f.r))
	spelledOut := spelledOneByOne(f.r)
	for i := 0; i < len(f.r); i++ {
		r := f.r[i]
		if r == '、' && spelledOut[i] {
			continue
		}
		if len(j.r) > 0 && isDigit(j.r[len(j.r)-1]) && isSeparator(r) {
			k, n := i, 0
			for k < len(f.r) && isSeparator(f.r[k]) && n < 4 {
				if !ellipsisGoesOn(f.r, i, k) {
					n++
				}
				k++
			}
			if n <= 3 && k < len(f.r) && isDigit(f.r[k]) {
				i = k - 1
				continue
			}
		}
		j.add(r, f.start[i], f.end[i])
	}
	return j
}

// spelledOneByOne marks the enumeration commas inside a run of seven or more single digits
// listed one by one (伍、零、零、壹、零、叁、贰…): a number spelled out, not a list. A list counts
// up (1、2、3、4、5、6、7) or holds longer numbers (110、119、120).
func spelledOneByOne(r []rune) map[int]bool {
	var out map[int]bool
	for i := 0; i < len(r); i++ {
		if !isDigit(r[i]) || i > 0 && isDigit(r[i-1]) {
			continue
		}
		// Single digits, each followed by 、 and another single digit.
		n, j, counting := 1, i, true
		for j+2 < len(r) && r[j+1] == '、' && isDigit(r[j+2]) && (j+3 >= len(r) || !isDigit(r[j+3])) {
			if r[j+2] != r[j]+1 {
				counting = false
			}
			j += 2
			n++
		}
		if n >= 7 && !counting && (j+1 >= len(r) || !isDigit(r[j+1])) && (i == 0 || !isDigit(r[i-1])) {
			if out == nil {
				out = map[int]bool{}
			}
			for k := i + 1; k < j; k += 2 {
				out[k] = true
			}
		}
		i = j
	}
	return out
}
