package moderation

import (
	"strconv"
	"strings"
)

// Numbers written as quantities: a phone number told in parts as amounts (一百三十六，三千七百二十，
// 九千零一十五; 壹佰叁拾陆; one hundred and fifty-nine, one thousand two hundred and twenty-one)
// reads to the number detectors as digits (136 3720 9015). A quantity that counts something
// (一百八十四个同学, 两万三千元, 第一百二十) is left as written, and so is a round amount of a million
// or more (三千四百万): no personal number ends in three zeros often enough to hold every large
// amount written in words.

// zhQuantityDigit gives the value of a Chinese numeral digit; zhMultiplier of a multiplier.
var (
	zhQuantityDigit = map[rune]int64{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
		'壹': 1, '贰': 2, '叁': 3, '参': 3, '肆': 4, '伍': 5, '陆': 6, '柒': 7, '捌': 8, '玖': 9}
	zhMultiplier = map[rune]int64{'十': 10, '拾': 10, '百': 100, '佰': 100, '千': 1000, '仟': 1000, '万': 10000, '亿': 100000000}
)

func isZhNumeral(r rune) bool {
	_, d := zhQuantityDigit[r]
	_, m := zhMultiplier[r]
	return d || m
}

// quantities rewrites numbers written as quantities in f as digits, each digit keeping the span
// of the whole quantity.
func quantities(f *folded) *folded {
	zh, latin := false, false
	for _, r := range f.r {
		switch {
		case r == '十' || r == '拾' || r == '百' || r == '佰' || r == '千' || r == '仟' || r == '万' || r == '亿':
			zh = true
		case r >= 'a' && r <= 'z':
			latin = true
		}
	}
	en := latin && (containsWord(f.r, "hundred") || containsWord(f.r, "thousand"))
	py := latin && (containsWord(f.r, "bai") || containsWord(f.r, "qian") || containsWord(f.r, "wan"))
	if !zh && !en && !py {
		return f
	}
	out := newFolded(len(f.r) + 8)
	for i := 0; i < len(f.r); {
		if isZhNumeral(f.r[i]) {
			j := i
			for j < len(f.r) && isZhNumeral(f.r[j]) && j-i < 24 {
				j++
			}
			out.addQuantities(f, i, j, zhSegments(f.r[i:j]))
			i = j
			continue
		}
		if f.r[i] >= 'a' && f.r[i] <= 'z' && (i == 0 || !(f.r[i-1] >= 'a' && f.r[i-1] <= 'z')) {
			if j, segs := enSegments(f.r, i); en && j > i {
				out.addQuantities(f, i, j, segs)
				i = j
				continue
			}
			if j, segs := pinyinSegments(f.r, i); py && j > i {
				out.addQuantities(f, i, j, segs)
				i = j
				continue
			}
		}
		out.add(f.r[i], f.start[i], f.end[i])
		i++
	}
	return out
}

func containsWord(r []rune, w string) bool { return strings.Contains(string(r), w) }

// segment is one quantity or one lone digit in a run of number words: runes a..b of the run,
// with its value, and whether it holds a multiplier (only those are rewritten).
type segment struct {
	a, b  int
	value int64
	multi bool
}

// addQuantities appends runes i..j of f, writing as digits each segment that is a quantity of
// at least 100 and counts nothing.
func (out *folded) addQuantities(f *folded, i, j int, segs []segment) {
	at := i
	for _, s := range segs {
		a, b := i+s.a, i+s.b
		if !s.multi || s.value < 100 || s.value > 999_999_999_999 || s.value >= 1_000_000 && s.value%1000 == 0 || countsBefore(f.r, a) || countsAfter(f.r, b) {
			continue
		}
		for ; at < a; at++ {
			out.add(f.r[at], f.start[at], f.end[at])
		}
		for _, d := range strconv.FormatInt(s.value, 10) {
			out.add(d, f.start[a], f.end[b-1])
		}
		at = b
	}
	for ; at < j; at++ {
		out.add(f.r[at], f.start[at], f.end[at])
	}
}

// countsBefore reports whether an ordinal stands before rune a: 第一百二十.
func countsBefore(r []rune, a int) bool { return a > 0 && r[a-1] == '第' }

// countsAfter reports whether what follows rune b makes the quantity a count or an amount: a
// unit, a measure word, 多 or 余 (一百多), a decimal point.
func countsAfter(r []rune, b int) bool {
	for b < len(r) && r[b] == ' ' {
		b++
	}
	if b >= len(r) {
		return false
	}
	if strings.ContainsRune(measureWords+"多余来下分秒路", r[b]) {
		return true
	}
	if r[b] == '号' {
		// 几百号人 counts people; 东风路一百二十号 numbers a house.
		return b+1 < len(r) && r[b+1] == '人'
	}
	rest := string(r[b:min(len(r), b+4)])
	for _, u := range units {
		if strings.HasPrefix(rest, u) {
			return true
		}
	}
	for _, u := range []string{"people", "kids", "children", "students", "books", "yuan", "metres", "meters", "years", "dollars", "pupils", "trees", "votes", "km", "cm"} {
		if strings.HasPrefix(rest, u[:min(len(u), len(rest))]) && len(rest) >= 2 {
			return true
		}
	}
	return false
}

// zhSegments cuts a run of Chinese numerals into quantities and lone digits: 一八六 is three
// digits, 一百三十六三千七百二十 two quantities, 九亿八千七百六十五万四千三百二十一 one.
func zhSegments(r []rune) []segment {
	var segs []segment
	start := 0
	var yi, wan, small, number int64
	multi, digitLast := false, false
	flush := func(end int) {
		if end > start {
			segs = append(segs, segment{start, end, yi + wan + small + number, multi})
		}
		start, yi, wan, small, number, multi, digitLast = end, 0, 0, 0, 0, false, false
	}
	for i, c := range r {
		if d, ok := zhQuantityDigit[c]; ok {
			if digitLast && d != 0 && number != 0 {
				flush(i) // a digit after a digit: a new number (一八六, 一百三十六三千…)
			}
			if d != 0 || number == 0 {
				number = d
			}
			digitLast = true
			continue
		}
		multi, digitLast = true, false
		switch m := zhMultiplier[c]; m {
		case 100000000:
			yi = (yi + wan + small + number) * m
			wan, small = 0, 0
		case 10000:
			wan = (wan + small + number) * m
			small = 0
		default:
			if number == 0 && m == 10 {
				number = 1 // 十二 is twelve
			}
			small += number * m
		}
		number = 0
	}
	flush(len(r))
	return segs
}

// English number words.
var (
	enOnes = map[string]int64{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
		"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
		"eighteen": 18, "nineteen": 19}
	enTens = map[string]int64{"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
)

// enSegments reads the English number words from rune i of r (words joined by spaces, hyphens
// or "and"): it returns where they end and the quantities they make. A one-word after a
// complete number starts a new one: one hundred and fifty-nine one thousand… is 159, 1….
func enSegments(r []rune, i int) (int, []segment) {
	var segs []segment
	var total, cur int64
	start, end := i, i
	multi, any := false, false
	flush := func() {
		if end > start && any {
			segs = append(segs, segment{start - i, end - i, total + cur, multi})
		}
		total, cur, multi, any = 0, 0, false, false
	}
	at := i
	for at < len(r) {
		j := at
		for j < len(r) && r[j] >= 'a' && r[j] <= 'z' {
			j++
		}
		w := string(r[at:j])
		switch {
		case enOnes[w] > 0:
			// One to nineteen may follow nothing, a hundred or a thousand, and one to nine a
			// round ten (twenty-one); anything else starts a new number.
			if cur%100 != 0 && !(cur%100 >= 20 && cur%10 == 0 && enOnes[w] < 10) {
				flush()
			}
			if !any {
				start = at
			}
			cur += enOnes[w]
			any = true
		case enTens[w] > 0:
			if cur%100 != 0 {
				flush()
			}
			if !any {
				start = at
			}
			cur += enTens[w]
			any = true
		case w == "hundred" && any && cur%100 != 0:
			cur = cur/100*100 + cur%100*100
			multi = true
		case w == "thousand" && any && cur != 0:
			total += cur * 1000
			cur, multi = 0, true
		case w == "and" && multi:
		default:
			flush()
			return end, segs
		}
		if w != "and" {
			end = j
		}
		// Words go on across a space or a hyphen.
		if j < len(r) && (r[j] == ' ' || r[j] == '-') && j+1 < len(r) && r[j+1] >= 'a' && r[j+1] <= 'z' {
			at = j + 1
			continue
		}
		break
	}
	flush()
	return end, segs
}

// pinyinNumerals are the syllables of Chinese numerals, as the numerals.
var pinyinNumerals = map[string]rune{"ling": '零', "yi": '一', "yao": '一', "er": '二', "liang": '两', "san": '三', "si": '四', "wu": '五',
	"liu": '六', "qi": '七', "ba": '八', "jiu": '九', "shi": '十', "bai": '百', "qian": '千', "wan": '万'}

// pinyinSegments reads numerals spelled in pinyin from rune i of r (qi shi wan ling qi bai si
// shi wu), one word a numeral, as zhSegments reads the numerals: it returns where they end and
// the quantities they make, in runes from i.
func pinyinSegments(r []rune, i int) (int, []segment) {
	var numerals []rune
	var starts, ends []int
	at := i
	for at < len(r) {
		j := at
		for j < len(r) && r[j] >= 'a' && r[j] <= 'z' {
			j++
		}
		n, ok := pinyinNumerals[string(r[at:j])]
		if !ok {
			break
		}
		numerals, starts, ends = append(numerals, n), append(starts, at), append(ends, j)
		if j+1 < len(r) && (r[j] == ' ' || r[j] == '-') && r[j+1] >= 'a' && r[j+1] <= 'z' {
			at = j + 1
			continue
		}
		break
	}
	if len(numerals) < 2 {
		return i, nil
	}
	segs := zhSegments(numerals)
	for k, sg := range segs {
		segs[k].a, segs[k].b = starts[sg.a]-i, ends[sg.b-1]-i
	}
	return ends[len(ends)-1], segs
}
