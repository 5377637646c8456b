package moderation

import "strings"

// Digits spelled out in Latin letters: English words (one three eight, oh, double five) and
// pinyin syllables, with or without spaces (yao san ba, yaosanba; tone marks are gone after
// fold). Such words are ordinary text too ("one day", "yi" in a name), so a run of them is read
// as digits only when it is long enough to carry a number (three digits or more), or when it
// touches a written digit.

var digitWords = map[string]string{
	"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
	"six": "6", "seven": "7", "eight": "8", "nine": "9",
}

// pinyinDigits are the syllables of digits as said in Mandarin, the phone forms included
// (but not dong, 洞, for 0: in an address it is 栋, a building).
var pinyinDigits = map[string]byte{
	"ling": '0', "yi": '1', "yao": '1', "er": '2', "liang": '2', "san": '3', "si": '4',
	"wu": '5', "liu": '6', "qi": '7', "guai": '7', "ba": '8', "jiu": '9', "gou": '9',
}

// spellDigits returns the digits a Latin word stands for: an English digit word, or a word
// made wholly of pinyin digit syllables (yaosanba → 138). repeat is 2 or 3 for double and
// triple, which multiply the next digit.
func spellDigits(w string) (digits string, repeat int) {
	switch w {
	case "double":
		return "", 2
	case "triple":
		return "", 3
	}
	if d, ok := digitWords[w]; ok {
		return d, 0
	}
	if w == "dong" {
		return "", 0 // alone it is 栋; inside a run of syllables (yaodongsan) it is 0
	}
	// Pinyin syllables or English digit words run together (yaosanba, oneeightfive,
	// onedoubleeightoh), longest first at each position. Double and triple repeat the next
	// digit; oh and o are zero only inside such a run.
	var out []byte
	repeat, english := 1, 0
	for i := 0; i < len(w); {
		piece, d := "", byte(0)
		for n := min(6, len(w)-i); n >= 1; n-- {
			p := w[i : i+n]
			switch {
			case p == "double" || p == "triple":
				piece = p
			case n >= 3 && digitWords[p] != "":
				piece, d = p, digitWords[p][0]
				english++
			case n >= 2 && pinyinDigits[p] != 0:
				piece, d = p, pinyinDigits[p]
			case p == "dong":
				piece, d = p, '0'
			case p == "oh" || p == "o":
				piece, d = p, '0'
			}
			if piece != "" {
				break
			}
		}
		if piece == "" {
			return "", 0
		}
		i += len(piece)
		switch piece {
		case "double":
			repeat = 2
		case "triple":
			repeat = 3
		default:
			for range repeat {
				out = append(out, d)
			}
			repeat = 1
		}
	}
	if english == 0 && strings.ContainsAny(w, "o") && !pinyinOnly(w) {
		return "", 0 // an o that is no zero: only English digit words make it one
	}
	return string(out), 0
}

// spelledDigits rewrites runs of spelled digits in f as digit runes, each keeping the span of
// the word it came from, so that the number detectors see 138… and findings point at the words.
func spelledDigits(f *folded) *folded {
	type word struct {
		a, b   int // rune range in f
		digits string
		repeat int
		keep   int // letters kept as written before the digits: qq in qqyaosanba
	}
	// Find the Latin words and which of them are digits.
	var words []word
	anyDigitWord := false
	for i := 0; i < len(f.r); {
		if !(f.r[i] >= 'a' && f.r[i] <= 'z') {
			i++
			continue
		}
		j := i
		for j < len(f.r) && f.r[j] >= 'a' && f.r[j] <= 'z' {
			j++
		}
		w := string(f.r[i:j])
		d, rep := spellDigits(w)
		keep := 0
		if d == "" && rep == 0 {
			d, keep = spellDigitsAfterCue(w)
		}
		if d != "" || rep > 0 {
			anyDigitWord = true
		}
		words = append(words, word{i, j, d, rep, keep})
		i = j
	}
	// dong inside a run of digit words is 0 (yao-san-wu-liang-dong-liang); alone, or between
	// two lone digits (san dong er dan yuan), it is 栋.
	joined := func(k int) bool { return onlySeparators(f.r[words[k].b:words[k+1].a]) }
	digitWord := func(k int) bool { return k >= 0 && k < len(words) && words[k].digits != "" }
	for k := 1; k+1 < len(words); k++ {
		if words[k].digits != "" || string(f.r[words[k].a:words[k].b]) != "dong" || !digitWord(k-1) || !digitWord(k+1) || !joined(k-1) || !joined(k) {
			continue
		}
		longer := len(words[k-1].digits) > 1 || len(words[k+1].digits) > 1 ||
			digitWord(k-2) && joined(k-2) || digitWord(k+2) && joined(k+1)
		if longer {
			words[k].digits = "0"
		}
	}
	// dong written straight before a digit is 0 (dong27 for 027); straight after one, 栋 (3dong).
	for k := range words {
		w := words[k]
		if w.digits == "" && string(f.r[w.a:w.b]) == "dong" && w.b < len(f.r) && isDigit(f.r[w.b]) && (w.a == 0 || !isDigit(f.r[w.a-1])) {
			words[k].digits = "0"
			anyDigitWord = true
		}
	}
	if !anyDigitWord {
		return f
	}
	// Group digit words that follow each other across separators; keep a group that spells
	// three digits or more or that touches a written digit.
	convert := make([]bool, len(words))
	for k := 0; k < len(words); {
		if words[k].digits == "" && words[k].repeat == 0 {
			k++
			continue
		}
		m, n := k, 0
		for ; m < len(words) && (words[m].digits != "" || words[m].repeat > 0); m++ {
			if m > k && !onlySeparators(f.r[words[m-1].b:words[m].a]) {
				break
			}
			n += len(words[m].digits)
		}
		touches := digitNear(f.r, words[k].a, -1) || digitNear(f.r, words[m-1].b-1, 1)
		if m == k+1 && k > 0 && countWords[string(f.r[words[k-1].a:words[k-1].b])] {
			touches = false // last four 4184: a count of digits, not one
		}
		if n >= 3 || touches && n >= 1 {
			for x := k; x < m; x++ {
				convert[x] = true
			}
		}
		k = m
	}
	out := newFolded(len(f.r))
	at, repeat := 0, 0
	for k, w := range words {
		if !convert[k] {
			continue
		}
		for ; at < w.a+w.keep; at++ {
			out.add(f.r[at], f.start[at], f.end[at])
		}
		repeat = max(repeat, w.repeat)
		// Each digit spans the whole word it was spelled in.
		for _, d := range w.digits {
			for range max(repeat, 1) {
				out.add(d, f.start[w.a+w.keep], f.end[w.b-1])
			}
			repeat = 0
		}
		at = w.b
	}
	for ; at < len(f.r); at++ {
		out.add(f.r[at], f.start[at], f.end[at])
	}
	return out
}

// onlySeparators reports whether r is at most four separators (or nothing): "one... zero".
func onlySeparators(r []rune) bool {
	if separatorCount(r, 0, len(r)) > 4 {
		return false
	}
	for _, c := range r {
		if !isSeparator(c) {
			return false
		}
	}
	return true
}

// pinyinOnly reports whether w parses as pinyin digit syllables alone (no English o).
func pinyinOnly(w string) bool {
	for i := 0; i < len(w); {
		found := false
		for n := min(5, len(w)-i); n >= 2; n-- {
			if pinyinDigits[w[i:i+n]] != 0 || w[i:i+n] == "dong" {
				i += n
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// cuePrefixes are cue words children run into the number they give: qqyaosanba, wx138….
var cuePrefixes = []string{"qq", "wx", "vx", "tel", "dianhua", "shouji", "haoma"}

// spellDigitsAfterCue reads a word made of a cue and spelled digits (qqwuyidongguai…), or of
// seventeen spelled digits and the x of an ID number: it returns the digits, with the x, and
// how many letters of cue stand before them. The digits must be five or more.
func spellDigitsAfterCue(w string) (string, int) {
	keep := 0
	for _, p := range cuePrefixes {
		if strings.HasPrefix(w, p) && len(w) > len(p) {
			keep = len(p)
			break
		}
	}
	rest, x := w[keep:], ""
	if strings.HasSuffix(rest, "x") {
		rest, x = rest[:len(rest)-1], "x"
	}
	if keep == 0 && x == "" {
		return "", 0
	}
	d, _ := spellDigits(rest)
	if len(d) < 5 || x != "" && len(d) != 17 {
		return "", 0
	}
	return d + x, keep
}

// countWords before a lone digit word make it a count: the last four, the first three.
var countWords = map[string]bool{"last": true, "first": true, "next": true, "the": true, "all": true, "top": true, "only": true, "final": true}
