package moderation

import (
	"regexp"
	"slices"
	"strings"
)

// Degree-complement hyperbole: in everyday speech 死 and 要命 after a state say "very", not
// "dead": 饿死了, 笑死我了, 热死人了, 累得要命, 想死你们了 (missed you). The classifier learns
// n-grams, and 死 is the strongest n-gram of a cry for help, so a child hungry after PE reads
// like a child who wants to die. calm takes the 死 out of such a complement before the
// classifier reads a sentence, in training as in screening, so that the state (饿, 累, 笑) is
// what it weighs.
//
// The complement stays when a wish or an outcome follows it, for then the death is meant:
// 累死算了, 饿死就饿死吧, 累死我就好了, 饿死了就不用上学了. The rules read the original text
// in any case; only the classifier's view changes.

// hyperboleRe: a state, an optional 得/到/得要, then 死 or 要命, then what may close it.
var hyperboleRe = regexp.MustCompile(`(饿|累|热|困|笑|冷|渴|急|烦|气|吓|吵|臭|挤|晒|冻|辣|美|乐|忙|痛|疼|酸|闷|无聊|羡慕|爱|馋|难吃|好吃|开心|高兴|丑|紧张|尴尬|懒|慢|卡|挤|香|甜|咸|晕|麻|烫|冰)(得要|得|到)?(要)?(死|要命)(我|人|宝宝|你们|你|他|她)?(了|啦|啊|呀|哈)?`)

// missRe: 想死 with a person after it is to miss someone: 想死你们了, 奶奶想死我了.
var missRe = regexp.MustCompile(`想死(你们|你|大家|我|他|她|他们|她们)(了|啦|啊)`)

// meantRe: what after a complement makes the death meant: a wish, a resignation, an outcome.
var meantRe = regexp.MustCompile(`^(算了|就好|就算|最好|多好|也好|得了|拉倒|就|吧|掉|去|好了|也行|也没|才好|才)`)

// englishHyperboleRe: dying of the heat, died laughing, dead boring.
var englishHyperboleRe = regexp.MustCompile(`\b(dying|died|dead|die) (of|from) (the )?(heat|thirst|hunger|boredom|laughter|laughing|cold|embarrassment|cuteness)\b|\b(died|dying|dead) laughing\b|\bdead (boring|tired)\b`)

// calm returns r with the 死 of everyday hyperbole taken out, or r itself when it has none.
func calm(r []rune) []rune {
	hasDeath := slices.Contains(r, '死') || slices.Contains(r, '命')
	hasEnglish := slices.ContainsFunc(r, func(c rune) bool { return c == 'd' })
	if !hasDeath && !hasEnglish {
		return r
	}
	s := string(r)
	out := s
	if hasDeath {
		out = cutComplements(out, hyperboleRe, 4)
		out = cutComplements(out, missRe, -1)
	}
	if hasEnglish && (strings.Contains(out, "dying") || strings.Contains(out, "died") || strings.Contains(out, "dead") || strings.Contains(out, "die")) {
		out = englishHyperboleRe.ReplaceAllStringFunc(out, func(m string) string {
			return strings.NewReplacer("dying", "so", "died", "so", "dead", "so", "die", "so").Replace(m)
		})
	}
	if out == s {
		return r
	}
	return []rune(out)
}

// cutComplements removes the death word of each match of re in s that no wish follows: group
// g of the match (4: 死 or 要命), or, with g < 0, the 死 after 想.
func cutComplements(s string, re *regexp.Regexp, g int) string {
	locs := re.FindAllStringSubmatchIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, loc := range locs {
		if meantRe.MatchString(s[loc[1]:]) {
			continue
		}
		var a, e int
		if g >= 0 {
			a, e = loc[2*g], loc[2*g+1]
		} else {
			a = loc[0] + len("想")
			e = a + len("死")
		}
		b.WriteString(s[last:a])
		last = e
	}
	b.WriteString(s[last:])
	return b.String()
}
