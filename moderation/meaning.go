package moderation

import (
	_ "embed"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// Meaning: what formats and word lists cannot catch. A cry for help ("I want to jump off the
// roof", "Dad hits me with a belt") and bullying without a swear word (threats, body shaming,
// exclusion, contempt) are recognised by who speaks to whom about what: the text is cut into
// sentences and clauses, each clause is segmented into words (gse, on a compact dictionary),
// every word is tagged from a lexicon (data/meaning.txt: persons, relations, negation,
// hypotheticals and safeguards, wishes, methods, harm, the body), and rules read the tags in
// order. Phrases too specific to need tags are patterns over the clause.
//
// Only sentences holding a telltale character are read this way, so that ordinary proposals
// cost a table look-up per character.

// Classes of meaning findings: the first two are safeguarding, the rest bullying (insult).
const (
	ClassSelfHarm    = "self_harm"
	ClassAbuse       = "abuse"
	ClassThreat      = "threat"
	ClassBodyShaming = "body_shaming"
	ClassExclusion   = "exclusion"
	ClassContempt    = "contempt"
)

// BullyingClasses are the classes of an insult that meaning reads.
var BullyingClasses = []string{ClassThreat, ClassBodyShaming, ClassExclusion, ClassContempt}

//go:embed data/meaning.txt
var meaningLexicon string

// data/zh_words.txt: the most frequent words of gse's Chinese dictionary (Apache-2.0, itself
// drawn from jieba's, MIT), one "word frequency part-of-speech" a line. The whole dictionary
// takes 195 MB and 4 s to load; this part takes about 12 MB and a fraction of a second.
//
//go:embed data/zh_words.txt
var zhWords string

type tag uint32

const (
	tP1 tag = 1 << iota
	tP2
	tP3
	tKin
	tNeg
	tIf
	tGuard
	tFiction
	tDesire
	tDie
	tMethod
	tSelf
	tHarm
	tSexual
	tPassive
	tInstrument
	tBody
	tBodyNoun
	tDegree
	tThing
	tRisk
	tGame
	tBodyPart
	tBodyBad
	tPositive
	tContempt
	tExclV
	tGroup
	tThreatV
	tOutcome
	tGate
)

var tagNames = map[string]tag{
	"P1": tP1, "P2": tP2, "P3": tP3, "KIN": tKin, "NEG": tNeg, "IF": tIf, "GUARD": tGuard, "FICTION": tFiction,
	"DESIRE": tDesire, "DIE": tDie, "METHOD": tMethod, "SELF": tSelf, "HARM": tHarm, "SEXUAL": tSexual,
	"PASSIVE": tPassive, "INSTRUMENT": tInstrument, "BODY": tBody, "BODYNOUN": tBodyNoun, "DEGREE": tDegree,
	"THING": tThing, "RISK": tRisk, "GAME": tGame, "BODYPART": tBodyPart, "BODYBAD": tBodyBad, "POSITIVE": tPositive,
	"CONTEMPT": tContempt, "EXCLV": tExclV, "GROUP": tGroup, "THREATV": tThreatV, "OUTCOME": tOutcome, "GATE": tGate,
}

// meaningModel is the segmenter and the lexicon, loaded once on first use.
type meaningModel struct {
	seg   gse.Segmenter
	tags  map[string]tag
	index *literalIndex
	clf   *classifier
}

// telltale tags: a sentence is read only if it holds a word with one of these, or a literal of
// a phrase.
const telltale = tDie | tMethod | tHarm | tSexual | tBody | tBodyNoun | tBodyPart | tContempt | tThreatV | tOutcome | tGate

var (
	modelOnce sync.Once
	model     *meaningModel
)

func loadModel() *meaningModel {
	modelOnce.Do(func() { model = buildModel() })
	return model
}

// buildModel reads the lexicon and the dictionary and trains the classifier; about 19 MB and a
// few hundred milliseconds.
func buildModel() *meaningModel { return buildModelWith(meaningTrain) }

// buildModelWith builds the model with the classifier trained on train (class<TAB>text lines).
func buildModelWith(train string) *meaningModel {
	m := &meaningModel{tags: map[string]tag{}}
	m.seg.SkipLog = true
	m.seg.NotLoadHMM = true
	var dict strings.Builder
	dict.WriteString(zhWords)
	for _, line := range strings.Split(meaningLexicon, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		t, ok := tagNames[fields[0]]
		if !ok {
			panic("moderation: unknown tag in data/meaning.txt: " + fields[0])
		}
		for _, w := range fields[1:] {
			w = string(fold(w).r)
			m.tags[w] |= t
			if !isASCIIAlnum(rune(w[0])) && utf8.RuneCountInString(w) > 1 {
				// A lexicon word is a word to the segmenter too, so that it is not cut apart.
				dict.WriteString("\n" + w + " 3000 n")
			}
		}
	}
	var words []string
	for w, t := range m.tags {
		if t&telltale != 0 {
			words = append(words, w)
		}
	}
	sort.Strings(words)
	m.index = newLiteralIndex(words, phraseSets...)
	m.clf = trainClassifier(train)
	if err := m.seg.LoadDictStr(dict.String()); err != nil {
		panic("moderation: load dictionary: " + err.Error())
	}
	return m
}

// WarmUp loads the segmenter's dictionary now rather than on the first screening that needs it.
func WarmUp() { loadModel() }

// sentenceEnd and clauseEnd split a text; both are kept in the clause they close.
func sentenceEnd(r rune) bool {
	switch r {
	case '。', '！', '？', '!', '?', '；', ';', '\n', '…':
		return true
	}
	return false
}

func clauseEnd(r rune) bool {
	switch r {
	case '，', ',', '、', '：', ':':
		return true
	}
	return sentenceEnd(r)
}

type word struct {
	w    string
	tags tag
}

// clause is one clause's text and words, with the rune range it covers in the folded text.
type clause struct {
	s     string
	words []word
	a, b  int
}

// meaning finds cries for help and bullying in the folded text, sentence by sentence: the
// rules where a telltale word or phrase stands, and the classifier everywhere else.
//
// words is the word form of the whole text; each sentence's part of it is what the
// classifier reads.
func meaning(m *meaningModel, base, words *folded) (found []Reason) {
	type hit struct {
		at   int
		uses []literalUse
	}
	var hits []hit
	m.index.ac.each(base.r, func(lit int32, a, _ int) {
		hits = append(hits, hit{a, m.index.what[lit]})
	})
	slices.SortFunc(hits, func(x, y hit) int { return x.at - y.at })
	scratch := gramScratches.Get().(*gramScratch)
	defer gramScratches.Put(scratch)
	for a, h := 0, 0; a < len(base.r); {
		b := a
		for b < len(base.r) && !sentenceEnd(base.r[b]) {
			b++
		}
		if b < len(base.r) {
			b++
		}
		first := h
		for h < len(hits) && hits[h].at < b {
			h++
		}
		var here []Reason
		if h > first {
			var cands []candidate
			telltaleWord := false
			for _, x := range hits[first:h] {
				for _, u := range x.uses {
					if u.set >= 0 {
						cands = append(cands, candidate{x.at, u.set, u.pattern})
					} else {
						telltaleWord = true
					}
				}
			}
			// Without a telltale word only a phrase can match: segment only if one does.
			if telltaleWord || anyPhraseMatches(base.r[a:b], cands) {
				here = readSentence(m, base, a, b, cands)
			}
		}
		lo, hi := base.start[a], base.end[b-1]
		i, _ := slices.BinarySearch(words.start, lo)
		j, _ := slices.BinarySearch(words.start, hi)
		sentence := &folded{r: words.r[i:j]}
		var class string
		var margin float32
		class, margin = m.clf.classify(calm(sentence.r), scratch)
		if len(here) == 0 && margin > marginFor(class)+shortMargin(class, len(sentence.r)) && len(sentence.r) >= minClassified &&
			!lessonWithoutChild(class, base.r[a:b]) && !kindlyMeant(class, base.r) && !movingOn(class, base.r) && !goodbyeToThing(class, base.r) {
			start, end := base.span(a, b-1)
			here = append(here, Reason{Kind: kindOfClass(class), Class: class, Start: start, End: end})
		}
		found = append(found, here...)
		a = b
	}
	return found
}

// minClassified is the fewest characters the classifier judges alone: one or two words say
// too little; short cries for help (想死) are the rules' and the built-in list's to find.
const minClassified = 4

// A short sentence gives the classifier few n-grams, and one or two rare ones can decide it
// (秋千坏了, 会员登录下载): under shortLen characters, the low margin for cries for help grows by
// shortPenalty per character missing. Chosen by cross-validation within the development data,
// where 0.5 held every cry for help that 0 held, and the plans' headings stopped being held.
// Bullying's margin is high enough already.
const (
	shortPenalty float32 = 0.5
	shortLen             = 12
)

func shortMargin(class string, n int) float32 {
	if class != ClassSelfHarm && class != ClassAbuse {
		return 0
	}
	return shortPenalty * float32(max(0, shortLen-n))
}

// gramScratches hold the n-gram hashes of a sentence between screenings.
var gramScratches = sync.Pool{New: func() any { return &gramScratch{buf: make([]uint64, 0, 1024)} }}

// kindOfClass is the reason kind a meaning class holds with.
func kindOfClass(class string) string {
	if class == ClassSelfHarm || class == ClassAbuse {
		return holdPrefix + KindSafeguarding
	}
	return holdPrefix + KindInsult
}

func anyPhraseMatches(sentence []rune, cands []candidate) bool {
	s := string(sentence)
	for i, c := range cands {
		if slices.ContainsFunc(cands[:i], func(d candidate) bool { return d.set == c.set && d.pattern == c.pattern }) {
			continue // tried already, for another of its literals
		}
		if phraseSets[c.set].res[c.pattern].MatchString(s) {
			return true
		}
	}
	return false
}

// candidate is a phrase pattern worth trying because a literal of it stands at rune at.
type candidate struct {
	at, set, pattern int
}

// readSentence applies the rules to the sentence held in runes a..b of the folded text.
func readSentence(m *meaningModel, base *folded, a, b int, cands []candidate) []Reason {
	var clauses []clause
	for i := a; i < b; {
		j := i
		for j < b && !clauseEnd(base.r[j]) {
			j++
		}
		if j < b {
			j++
		}
		c := clause{s: string(base.r[i:j]), a: i, b: j}
		for _, s := range m.seg.Segment([]byte(c.s)) {
			w := strings.TrimSpace(s.Token().Text())
			if w == "" || isNoise([]rune(w)[0]) {
				continue
			}
			c.words = append(c.words, word{w, m.tags[w]})
		}
		clauses = append(clauses, c)
		i = j
	}
	var sentenceTags tag
	for _, c := range clauses {
		for _, w := range c.words {
			sentenceTags |= w.tags
		}
	}
	var out []Reason
	text := string(base.r[a:b])
	// Advice, a surprise, a game or an invitation anywhere in a short text colours all of it:
	// 你等着！下次下棋我一定赢你！
	whole := text
	if len(base.r) <= 200 {
		whole = string(base.r)
	}
	teaching, benign, friendly := teachingRe.MatchString(whole), benignRe.MatchString(whole), friendlyRe.MatchString(whole)
	if gameRe.MatchString(whole) {
		sentenceTags |= tGame
	}
	for k, c := range clauses {
		ctx := readCtx{c: c, text: text, whole: whole, isTeaching: teaching, isBenign: benign, isFriendly: friendly, sentence: sentenceTags}
		for _, cd := range cands {
			if cd.at >= c.a && cd.at < c.b {
				ctx.cands = append(ctx.cands, cd)
			}
		}
		if k > 0 {
			ctx.prev = &clauses[k-1]
		}
		for _, rule := range rules {
			if rule.find(&ctx) {
				class := rule.class
				if class != ClassSelfHarm && class != ClassAbuse && quotedToWarn(base.r[a:c.b], c.a-a) {
					break // 不要再说“你这么胖”这种话: the words quoted to warn against them
				}
				if class != ClassSelfHarm && class != ClassAbuse && (conductForOthers(&ctx) || quotedAndJudged(base.r, quoteIn(base.r, c.a, c.b))) {
					break // 不要笑话别人胖; 有人说“…”，我觉得这样不对: a rule of conduct, a report judged
				}
				if class != ClassSelfHarm && class != ClassAbuse && doneByHousehold(&ctx) {
					class = ClassAbuse // 后妈不让我进家门: shut out by a parent, not by classmates
				}
				start, end := base.span(c.a, c.b-1)
				out = append(out, Reason{Kind: kindOfClass(class), Class: class, Start: start, End: end})
				break
			}
		}
	}
	return out
}

type readCtx struct {
	c     clause
	text  string // the whole sentence
	whole string // the whole text, when short; else the sentence
	// What the whole sentence is about, read once: advice or a rule, a surprise or a move.
	isTeaching, isBenign bool
	// Friends teasing: a name or a joke between best friends, with a kindness beside it.
	isFriendly bool
	cands      []candidate
	prev       *clause // the clause before, in the same sentence
	sentence   tag     // every tag of the sentence
}

func (x *readCtx) has(t tag) bool { return x.sentence&t != 0 }

// teaching reports whether the sentence passes on advice or a rule (老师说…要告诉大人, 安全课,
// 主题是“不取外号”): it speaks about harm to prevent it.
func (x *readCtx) teaching() bool { return x.isTeaching }

// benign reports whether the sentence is about a surprise, a move or a game ending: 别告诉妈妈，
// 我们在准备生日惊喜; goodbye everyone, I'm moving.
func (x *readCtx) benign() bool { return x.isBenign }

// askingRe: a question or a request (能不能让小朋友进去) leaves nobody out.
var askingRe = regexp.MustCompile(`能不能|可不可以|可以让|能让|建议让|希望让|\b(can|could) (we|you|they|kids)\b`)

var (
	teachingRe = regexp.MustCompile(`老师(说|教|讲|告诉我们)|班主任说|学校规定|安全课|班会|主题是|(要|一定要|马上|赶紧|应该)(告诉|报告)(大人|老师|家长|爸爸妈妈|爸妈|班主任)|千万不要|不取外号|防欺凌|\b(teacher said|we learned|safety class)\b`)
	benignRe   = regexp.MustCompile(`惊喜|礼物|生日|母亲节|父亲节|教师节|搬家|毕业|转学|一起(去|玩|吃|买)|请你(吃|喝)|开玩笑|\b(surprise|gift|birthday|moving|move to|graduat|keep posting|see you|just kidding|jk)\b`)
	// friendlyRe: teasing between friends (她老叫我小胖子，我也叫她小瘦猴; 你这个笨蛋，我借你), which
	// mocks no one; it does not excuse a threat or a cry for help.
	friendlyRe = regexp.MustCompile(`最好的朋友|好朋友|好闺蜜|好哥们|我也叫(他|她)|我借你|借给你|我帮你|请我吃|原谅你|我们都笑|一起笑|为(他|她)鼓掌|\b(my best friend|best friends?|bestie|love you|jk|just kidding|i call (him|her)|we (both )?laugh)\b`)
	// reachRe: a thing too high or too far for children to reach.
	reachRe = regexp.MustCompile(`够不着|够不到|碰不到|踩不到|坐不上|爬不上|太高了|\b(can'?t reach|too high|too tall for)\b`)
	gameRe  = regexp.MustCompile(`下棋|比赛|游戏|捉迷藏|抓小偷|过家家|狼人杀|扮演|木头人|躲避球|老鹰捉小鸡|打雪仗|运动会|体育课|赢|输了|\b(game|match|chess|tag|hide and seek|dodgeball)\b`)
)

// sentenceHas reports whether the clause or the one before holds any of the strings.
func (x *readCtx) sentenceHas(subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(x.c.s, sub) || x.prev != nil && strings.Contains(x.prev.s, sub) {
			return true
		}
	}
	return false
}

func hasWord(ws []word, ws2 ...string) bool {
	for _, w := range ws {
		if slices.Contains(ws2, w.w) {
			return true
		}
	}
	return false
}

// hasSelf reports whether the clause speaks of the self as an object: 自己, myself.
func hasSelf(ws []word) bool { return hasWord(ws, "自己", "我自己", "myself") }

// phrase returns where the first pattern of ps that matches the clause matches, or nil.
func (x *readCtx) phrase(ps *phraseSet) []int {
	for _, cd := range x.cands {
		if cd.set == ps.id {
			if loc := ps.res[cd.pattern].FindStringIndex(x.c.s); loc != nil {
				return loc
			}
		}
	}
	return nil
}

// clauseTags is the union of the tags of the clause's words.
func (x *readCtx) clauseTags() tag {
	var t tag
	for _, w := range x.c.words {
		t |= w.tags
	}
	return t
}

type rule struct {
	class string
	find  func(*readCtx) bool
}

// rules in order: safeguarding first, so that a clause that is both ("I'll hurt myself")
// reaches an adult as a cry for help.
var rules = []rule{
	{ClassSelfHarm, selfHarm},
	{ClassAbuse, abuse},
	{ClassThreat, threat},
	{ClassBodyShaming, bodyShaming},
	{ClassExclusion, exclusion},
	{ClassContempt, contempt},
}

// hyperbole are words after which 死 means "very": 笑死了, 累得要死, 想死你了 (miss you).
var hyperbole = map[string]bool{}

func init() {
	for _, w := range strings.Fields("笑 热 累 饿 烦 吓 困 气 冷 急 忙 痛 疼 无聊 闷 羡慕 美 乐 高兴 开心 渴 馋 臭 挤 吵 晒 冻 懒 丑 忙 难吃 好吃 得 得要 要 笑死 累死 热死 饿死 烦死 吓死 困死 气死 冷死 渴死 晒死 冻死 难受") {
		hyperbole[w] = true
	}
}

// phraseSets are the rules' phrase patterns, numbered by their place here.
var phraseSets []*phraseSet

func re(patterns ...string) *phraseSet {
	ps := newPhraseSet(patterns...)
	ps.id = len(phraseSets)
	phraseSets = append(phraseSets, ps)
	return ps
}

// Self-harm: a wish to die or not to live, a plan with a method, self-injury, hopelessness
// and goodbyes, in words or as a phrase.
var selfHarmPhrase = re(
	`不想活|活不下去|活着(真|好|太|都)?(没|没有)(意思|意义|劲)|活着(真|好|太|有什么)?(累|意思|用)|活够了|不如死了|死了(算了|就好了|最好|一了百了)`,
	`不想再活|没有活下去|不想(活|待)在这个世界|想(要)?(永远)?消失|消失(就好了|算了)|我(就|只)?是(一)?个?多余的|多余的人|我(是|就是)?(个)?(累赘|拖累|负担|废物)`,
	`没有我.{0,10}(更|会|就)(好|开心|快乐|轻松|幸福)|没(有)?人(会)?(在乎|在意|关心|需要|发现)我|没人会(发现|注意到|想我)|(活着|生活).{0,4}(太|好|真)?(痛苦|绝望)`,
	`撑不下去|坚持不下去|想结束(这一切|一切|生命|自己)|结束(我|自己)的?生命|离开这个世界|遗书|永别|再也(见不到|看不到)我|最后一次(跟|和|给)你们`,
	`(割|划|刺|烫|掐|抓|咬)(了|伤|破)?(几下|好几下|一下)?(自己|我的?(手腕|手臂|胳膊|大腿|手|腿))|伤害自己|惩罚自己|弄伤自己|(打|捶)自己|(头|脑袋)(往|撞)墙|撞墙`,
	`(吃|吞)(了|下)?(一大把|很多|好多|一瓶|一把|一整瓶|一盒|整瓶)(的)?(药|安眠药|药片)|(想|要|打算|准备|真想|好想|决定).{0,8}(楼顶|天台|顶楼|窗户|窗台|阳台|桥上|悬崖|高楼|楼上|几楼|层楼).{0,6}跳|从.{0,6}(楼顶|天台|顶楼|窗户|阳台|桥上|楼上|几楼|层楼)跳下去`,
	`(没有|没|不)(被)?(出生|生下来|来到这个世界)(就好了|多好|该多好)|要是.{0,6}没(有)?(出生|被生下来)|(存在|活[着著]).{0,6}(错误|多余|浪费|没意义|没有意义|添麻烦|负担|累赘)|浪费(空气|粮食)`,
	`永远(晚安|再见)|不会再回来了?|以后(不用|不必|别)再管我|谁(也|都)找不到我|再也不会(烦|麻烦)你们|用不着了|遗言|最后一(次|篇|条)(日记|留言)`,
	`攒.{0,6}药|药.{0,8}攒|(一次|一起)(吃|吞)(完|光|掉)|不会(再)?醒(了|来)?|再也不(用)?醒|一觉不醒|永远睡`,
	`(这样|那样|然后)?就(可以|能)[^，,。]{0,6}(死掉|死了|去死|不用再?活)|我(死了|不在了|消失了|走了)(以后|之后)?.{0,6}(就|才|都|会)(会)?(开心|高兴|快乐|轻松|好过|解脱|清静|满意|幸福)|(死|死掉|饿死|消失|不在了|走了)(了)?(就好了|算了|最好|多好)|(只要|等|如果|要是)我(死了|不在了|消失)|我要是死了|不如(早点)?结束|(人生|生命|生活).{0,6}(没有意义|没意义|没意思)|不想再(撑|继续|坚持|活|醒|醒来)|活[着著](好|真|太)?累|又(划|割)(了|伤)`,
	`\bbu\s*xiang\s*huo|\bxiang\s*si\b|\bzi\s*sha\b|\bkms\b|think(ing)? about (dying|death|killing myself|ending)|(saving|stockpiling|hoarding|collecting)( up)? pills|take them all at once|\bend it( all)?\b|my goodbye|goodbye (everyone|forever|world)|not (to )?survive|won'?t (wake up|be here|be around)|walk into (the )?traffic|can'?t (do this|go on|take (it|this)) anymore|(pointless|no point|meaningless).{0,12}(life|living)|(life|living).{0,12}(pointless|no point|meaningless)|(till|until) (it|they) bleeds?|\bi deserve (it|to die|pain|to hurt)`,
	`(恨|讨厌|厌恶)(死)?(我)?自己|撑不住|不(要|想)(再)?醒|(跟|和|向)(这个)?世界(说)?(再见|告别)|去天堂(找|见)?|想(去)?陪(去世|死去)?的?(奶奶|爷爷|外婆|外公|妈妈|爸爸)`,
	// A plan told by its place and its end: in front of a train, lying in the road, into the
	// river and not out again; a funeral or a will; the last time anyone sees the child.
	`(想|总想|真想|好想|老想|就想).{0,6}(冲到|冲向|躺在|躺到)(马路|火车|汽车|车|铁轨|轨道|地铁)|(想|总想|真想|好想|老想|就想).{0,6}(冲到|冲向|冲进|躺在|躺到|走到|跳到|站到)(马路|火车|汽车|车|铁轨|轨道|地铁)(中间|前面|下面|底下)|让车.{0,4}(压|撞|碾)(过去|死|我)|(走|跳|冲)进(去|河里|湖里|海里|江里).{0,4}再也不(出来|回来|上来)|我的(葬礼|遗嘱)|写(了|好)?遗嘱|最后一次(看到|见到|听到)我`,
	`\b(keep|kept|been|started|start|stop|stopped|can'?t stop|cant stop)\s+cut+ing\s*($|[.!,?]|again\b|myself\b|my\b|so\b|when\b)|\bcut+ing\s+(again|my (arms?|legs?|wrists?|skin|thighs?))\b|\b(jump|jumped|jumping|letting go)\s+(from|out of|off)\s+(the |my |a |our )?(roof|window|bridge|building|balcony|\d+\w*\s+floor)|\blog(ging)? off (from )?life|\b(step|stepping|walk|walking|jump|jumping|run|running)\s+in front of (a|the) (bus|car|train|truck|lorry)`,
	`\b(saving|stockpiling|hoarding)\s+(it|them|my (medicine|meds|pills|tablets))\s*up|\b(hurt|cut|burn|burned|burnt|scratch|scratched|hit)\w*\s+my\s+\w+\s+on purpose|\b(the world|everyone|everybody|they|my family)\b.{0,24}\b(better|happier)\s+(off\s+)?without me|\b(why|what'?s the point)\b.{0,16}\b(keep|go on|continue|carry on)\s+living|\breason to (keep )?(live|living)\b|\bwish (a|the) (car|bus|truck|train) (would|will|could) hit me|\bpainless (way|ways|death)|\bcarv\w*\s.{0,24}into my (arm|leg|skin|wrist)|\bmy (funeral|will)\b.{0,20}\b(play|give|song|read)|\bwrote a (will|goodbye letter|suicide note)`,
	`\bi hate myself|wish i could (disappear|die|sleep forever|vanish)|nobody (cares|loves|wants) (about )?me|i'?m (just )?a burden|better off dead|i should (just )?die|(sleep|disappear) forever|self.?harm|\bunalive`,
	`\b(cut|cutting|scratch|scratching|burn|burning|punch|punching) (my|myself)\b|\bwant(s|ed)? to die|wanna die|kill (myself|me)\b|end (my|it) (life|all)|suicid|(hurt|hurting|cut|cutting|harm|harming) myself|better off without me|no (reason|point) (to live|in living)|(don'?t|do not) want to (live|be alive|exist|wake up)|wish i (was|were) (dead|never born)|nobody would (notice|care|miss)|hate my life|(jump|jumping) off|not worth living|disappear forever`,
)

func selfHarm(x *readCtx) bool {
	if x.has(tFiction) || x.teaching() || x.benign() {
		return false
	}
	ct := x.clauseTags()
	if loc := x.phrase(selfHarmPhrase); loc != nil && !guardedBefore(x.c.s, loc[0]) && ct&tP2 == 0 && !vanishesFor(x.c.s, loc) && !everydayCut(x.c.s, loc) &&
		!frustratedInto(x.c.s, loc) && !farewellToThing(x.text, x.c.s[loc[0]:loc[1]]) && !endsInsideWord(x.c.s, loc) && !idiomKillMe(x.c.s, loc) {
		return true
	}
	ws := x.c.words
	// Self-injury: the self, and a hurt done to it (用圆规扎自己, 把自己的腿划破).
	if hasSelf(ws) && (ct&tHarm != 0 || hasWord(ws, "扎", "划破", "弄伤", "伤", "割破", "划开")) && ct&tP2 == 0 && !x.has(tRisk|tGuard) {
		return true
	}
	// A jump from a height: 跳下去 with a roof, a bridge, a window in the sentence.
	if hasWord(ws, "跳下去", "跳下", "跳楼", "跳河", "跳桥", "跳江", "跳湖", "跳海") && x.sentenceHas("楼", "天台", "桥", "窗", "阳台", "悬崖", "顶", "层", "河", "江", "湖") && !x.has(tGuard) && (x.has(tP1) || x.has(tDesire)) {
		return true
	}
	for i, w := range ws {
		if w.tags&tDie == 0 && w.tags&tMethod == 0 {
			continue
		}
		if w.tags&tDie != 0 && isHyperbole(ws, i) {
			continue
		}
		if (w.w == "消失" || w.w == "disappear") && i+1 < len(ws) && vanishRe.MatchString(wordsText(ws[i+1:min(len(ws), i+4)])) {
			continue // 消失在被窝里, disappear under my blanket
		}
		if placeMethods[w.w] && !x.has(tDie) && !heightCueRe.MatchString(x.text) {
			continue // I wish the park had a roof: a place, with no going up to it or off it
		}
		// A wish or plan before it, not negated, and not said of "you" (那你去死 is contempt).
		for j := i - 1; j >= 0 && j >= i-5; j-- {
			if ws[j].tags&tDesire == 0 && !(ws[j].tags&tDie != 0 && j == i-1) {
				continue
			}
			if j > 0 && ws[j-1].tags&tNeg != 0 {
				break // 不想死: not a wish to die
			}
			if subject(ws, j)&tP2 != 0 {
				break
			}
			if x.has(tGuard) && !x.has(tP1) {
				break // 防止有人想不开: a safeguard
			}
			return true
		}
		// 我自杀, 我想不开: the strongest words need no wish.
		if w.tags&tDie != 0 && strongDie[w.w] && (i == 0 || ws[i-1].tags&tNeg == 0) && x.clauseTags()&tP2 == 0 && !x.has(tGuard) {
			return true
		}
	}
	return false
}

// placeMethods are the places of a fall; heightCueRe the going up, standing or falling that
// make one a method.
var (
	placeMethods = map[string]bool{"楼顶": true, "天台": true, "顶楼": true, "窗户": true, "bridge": true, "roof": true}
	heightCueRe  = regexp.MustCompile(`跳|站|爬|上去|去|翻|掉|摔|坐在|往下|\b(?:jump|jumping|stand|standing|climb|climbing|fall|falling|go|going|went|up|edge|off|over)\b`)
)

var strongDie = map[string]bool{"自杀": true, "轻生": true, "寻死": true, "自尽": true, "紫砂": true, "自鲨": true, "想不开": true,
	"结束生命": true, "离开这个世界": true, "suicide": true, "suicidal": true}

// isHyperbole reports whether 死 at ws[i] means "very" (笑死了) or "miss" (想死你了).
func isHyperbole(ws []word, i int) bool {
	w := ws[i].w
	if strings.HasSuffix(w, "死") && hyperbole[w] {
		return true
	}
	if i > 0 && hyperbole[ws[i-1].w] {
		return true
	}
	if i+1 < len(ws) && ws[i+1].tags&tP2 != 0 {
		return true // 想死你了
	}
	if (w == "想死" || w == "死" && i > 0 && ws[i-1].w == "想") && i+2 < len(ws) && ws[i+1].w == "我" && (ws[i+2].w == "了" || ws[i+2].w == "啦") {
		return true // 奶奶，想死我了: missed so much
	}
	if i > 0 && strings.HasSuffix(ws[i-1].w, "得") {
		return true // 累得要死
	}
	return false
}

// subject returns the tags of who does the verb at ws[i]: the nearest person before it,
// across adverbs and wishes.
func subject(ws []word, i int) tag {
	for j := i - 1; j >= 0; j-- {
		if t := ws[j].tags & (tP1 | tP2 | tP3 | tKin); t != 0 {
			return t
		}
	}
	return 0
}

// guardedBefore reports whether a safeguard or hypothetical stands shortly before byte at of
// s: 防止…, 如果有人…, 不要….
var guardWords = []string{"防止", "避免", "以免", "预防", "防", "禁止", "不要", "别", "如果", "要是", "万一", "不能", "反对", "制止", "提醒", "教育", "不许", "不准",
	"不觉得", "不是", "才不", "不再", "已经不", "没有"}

func guardedBefore(s string, at int) bool {
	head := s[:at]
	if strings.HasSuffix(head, "不") || strings.HasSuffix(head, "没") {
		return true // 不是被打的: the phrase denied
	}
	if n := utf8.RuneCountInString(head); n > 8 {
		head = string([]rune(head)[n-8:])
	}
	for _, g := range guardWords {
		if strings.Contains(head, g) {
			return true
		}
	}
	return false
}

// Abuse: a child telling that an adult or older child hurts them or someone at home, touches
// them, locks them up, leaves them without food, or asks them to keep it secret.
var abusePhrase = re(
	`不(让|许|准)我告诉(别人|任何人|妈妈|爸爸|老师|家里人|别的人)|不许(我)?(告诉|说出去)|(这是|是)(我们|我俩)(之间|两个人)?的(小)?秘密`,
	`把我(一个人)?(关|锁|丢|扔)在|不给我(饭|吃饭|吃的|饭吃)|没(有)?人给我(做|煮)?饭|(好|好几|两|三|几)天(都)?没(人管|吃饭|饭吃|人回家)|一个人在家(好几天|几天|两天|三天)`,
	`(赶|轰)出(家门|家)|(用|拿)(烟头|开水|皮带|棍子|衣架|鞭子|尺子|拖鞋).{0,4}(烫|打|抽|浇|揍)|身上(都是|全是|好多|很多)(伤|青|紫|疤)|打得.{0,4}(流血|出血|青|紫|肿|起不来|好疼|很疼)`,
	`不敢回家|怕回家|看我洗澡|拍我(的)?(裸|光|没穿)|摸我(的)?(下面|屁股|胸|身体|隐私|大腿|私处)|(偷偷|晚上|半夜|趁).{0,10}(摸|亲|脱)我|(脱|扒)(了)?我的?(衣服|裤子)|(让|逼|要|强迫)我(脱|摸|亲|看他)`,
	`进我(的)?房间.{0,10}(摸|亲|脱)|(天天|每天|经常|总是|老是|又|一直)(挨打|被打|挨揍|被揍)|挨打|挨揍|(抢|要|拿)我(的)?钱.{0,8}(打|揍|踢)|(打|揍|踢)我.{0,8}(抢|要|拿)我(的)?钱`,
	`(几|好几|两|三|四|五|六|七|八|九|十|\d+)(天|个星期|星期|周|个月)(都)?没(人)?(回来|回家|管我|给我饭)|没(有)?(吃的|饭吃|东西吃)了?|只能吃剩|不(让|给)我吃饭|冰箱.{0,4}没(吃的|东西)`,
	`是.{0,6}(打|揍|掐|烫|踢)的|往死里打|(按|摁)在.{0,8}(打|揍)|(逼|强迫)我(喝|吃|跪|舔|脱|做)|(让|罚)我(跪|蹲|站)在|(烟头|打火机|开水|热水).{0,8}(烫|烧|按|浇)|烧我|电我|不给(钱)?就.{0,2}(打|揍)`,
	`(不能|不许|不准|不要|别)告诉(爸妈|爸爸|妈妈|别人|任何人|老师|家里)|给我看.{0,4}(身体|下面|隐私|那里)|让我跟他走|单独.{0,12}(锁|亲|抱|摸|脱)|(抱|亲)我.{0,10}(不能|不许|别)告诉`,
	`(家|房)[^，,。]{0,4}门[^，,。]{0,6}从外面锁|屁股(上)?的伤.{0,6}(没法|不能|不敢)坐|(说|骂)我是.{0,5}(赔钱货|狗|废物|野种|垃圾|多余|累赘|没人要)|不要我了|不准(我)?回家`,
	`(我|我们家|我家|俺|俺家).{0,10}(家暴|虐待|性侵|猥亵)|(经常|总是|天天|每天|又|老是|一直)(打|揍|踢|掐|扇|抽)我|被(侵犯|猥亵|性侵|虐待)`,
	// Lured, marked, starved or shamed: a stranger's car, bruises hidden, nobody home for days,
	// a video held over the child, messages to be deleted.
	`(一直|总是|老是|非要|非让我|逼我|天天).{0,2}(要|发|给)(我的)?(地址|住址|家庭住址|照片|自拍|裸照)|不(发|给).{0,6}就.{0,6}(发|传|贴)(到|在)|被.{0,6}(围着|按着|堵着|拖到).{0,3}(打|揍|踢)|(不要|别)让(家里人|爸妈|爸爸|妈妈|大人)(进来|知道|看到)|(拉|带|抱)我上.{0,4}车|(让|叫|要)我.{0,6}一个人去找(他|她)|让我(一定)?(要)?保密|罚(站|跪).{0,10}(到天亮|一整夜|一晚上|一夜|到半夜|门外)|跪(搓衣板|键盘|碎玻璃)|(衣服下面|衣服底下|衣服里面)(都是|全是|好多|很多)(伤|青|紫|疤|淤青)`,
	`\b(hits|beats|kicks|slaps|punches|burns|chokes)\s+me\s+(every|all the time|when|again|with)|\bnobody('s| has| had)?\s+(been|came|come)\s+home\s+for|\bkicked out of (my|the) (house|home)|\b(marks|bruises)\s+on my\s+(neck|arms?|legs?|back|face)|\b(video|photos?|pictures?|pics?)\s+of me\b.{0,40}\b(money|or they will|or he will|post it)|\b(makes|made|tells|told|asks|asked)\s+me\s+(to\s+)?delete\s+(our|the|his|her)\s+(chats?|messages|texts)|\b(asking|asks|asked|wants|keeps asking)\s+me\s+to\s+(go|get|come)\s+(to|in|into)\s+(his|her|a)\s+(car|van|house|hotel|room|flat)|\bwatch(es|ed)?\s+me\s+(shower|bath|change|undress)|\bnot allowed to (tell|eat with)|\bnobody (has )?(cooked|made food) for me|\bscared when (my )?(dad|mum|mom|father|mother|stepdad)\s+(drinks|gets drunk)`,
	`not to tell|(if|when) i tell (anyone|someone|my)|(makes|made) me (sit on|touch|take off|undress)|sits? on his lap|\b(dad|mom|mum|father|mother|stepdad|stepfather|stepmom|uncle|teacher|coach|brother|he|she)('s)?\s+(always\s+|often\s+|keeps\s+)?(hits|beats|kicks|slaps|punches|burns|locks|touches|hit|beat|kicked|slapped|punched|burned|locked|touched|hurts|hurt)\s+(me|my)\b`,
	`touch(es|ed)? me (there|down|when|at night)|keep (it|this) (a )?secret|lock(s|ed)? me (in|out|up)|(won'?t|doesn'?t|don'?t) (feed me|let me eat|give me food)|(scared|afraid) to go home|beat(s)? me up|hit(s)? me with`,
)

func abuse(x *readCtx) bool {
	if x.has(tFiction) || x.teaching() || x.benign() || x.has(tGame) {
		return false
	}
	if loc := x.phrase(abusePhrase); loc != nil && !guardedBefore(x.c.s, loc[0]) && !x.has(tIf) && !preventionTopicRe.MatchString(x.c.s) &&
		!beatenAtAGame(x.c.s, loc) {
		return true
	}
	if x.has(tIf) || x.has(tGuard) || x.has(tGame) {
		return false // 如果爸爸妈妈打你，要告诉老师: advice
	}
	ws := x.c.words
	kinBefore := x.prev != nil && hasTag(x.prev.words, tKin)
	for i, w := range ws {
		if w.tags&(tHarm|tSexual) == 0 || w.tags&tSexual != 0 && w.tags&tHarm == 0 && w.w != "摸" {
			continue
		}
		if w.w == "抓" && i+1 < len(ws) && ws[i+1].w == "到" {
			continue // 被老师抓到: caught at something, not grabbed
		}
		if strings.HasPrefix(w.w, "beat") && i+2 < len(ws) && (ws[i+2].w == "at" || ws[i+2].w == "in") {
			continue // my brother beat me at Mario Kart: a win
		}
		if i > 0 && ws[i-1].tags&tNeg != 0 || negatedBetween(ws, 0, i) {
			continue
		}
		// 我被爸爸打了, 我又被打了: passive, with the child or an adult named; not by a ball,
		// an insect or hot water (被球砸到, 被蚊子咬, 被开水烫).
		for j := i - 1; j >= 0 && j >= i-3; j-- {
			if ws[j].tags&tPassive != 0 && ws[j].w != "让" && ws[j].w != "给" && (hasTag(ws[:j], tP1|tP3) || hasTag(ws, tKin)) &&
				!thingDoesIt(ws[j+1:i]) && !(j+1 == i && thingBefore(x)) && !(j+1 == i && thingVerbs[w.w] && thingHurt(x)) &&
				!(generalGroup(ws[:j]) && !physical[w.w]) {
				return true
			}
		}
		// 打我电话, 打了我的电话: a call.
		if w.w == "打" && calledNear(ws, i) {
			continue
		}
		// 爸爸打我, 妈妈用衣架打我, 爸爸把我关在门外: an adult does it to a child or to someone at home.
		// 他们几个把我按在厕所里打: anyone but the child, doing it to the child.
		if (p1ObjectAfter(ws, i) || hasBaMe(ws[:i])) && subject(ws, i)&(tP3|tKin) != 0 && w.tags&tHarm != 0 {
			return true
		}
		if !(hasTag(ws[:i], tKin) || kinBefore) {
			continue
		}
		if objectAfter(ws, i) || hasBa(ws[:i]) {
			return true
		}
	}
	return false
}

func hasTag(ws []word, t tag) bool {
	for _, w := range ws {
		if w.tags&t != 0 {
			return true
		}
	}
	return false
}

func negatedBetween(ws []word, a, b int) bool {
	for _, w := range ws[a:b] {
		if w.tags&tNeg != 0 {
			return true
		}
	}
	return false
}

// objectAfter reports whether a person is the object of the verb at ws[i]: within the next
// three words.
func objectAfter(ws []word, i int) bool {
	for j := i + 1; j < len(ws) && j <= i+3; j++ {
		if ws[j].tags&(tP1|tP3|tKin) != 0 {
			return true
		}
	}
	return false
}

// p1ObjectAfter reports whether the child (我) follows the verb at ws[i] at once.
func p1ObjectAfter(ws []word, i int) bool {
	return i+1 < len(ws) && (ws[i+1].w == "我" || ws[i+1].w == "me")
}

// hasBaMe reports whether 把我 or 将我 comes before.
func hasBaMe(ws []word) bool {
	for j, w := range ws {
		if (w.w == "把" || w.w == "将" || w.w == "堵") && j+1 < len(ws) && ws[j+1].w == "我" {
			return true
		}
	}
	return false
}

// hasBa reports whether 把 or 将 puts a person before the verb: 把我关在门外.
func hasBa(ws []word) bool {
	for j, w := range ws {
		if (w.w == "把" || w.w == "将") && j+1 < len(ws) && ws[j+1].tags&(tP1|tP3|tKin) != 0 {
			return true
		}
	}
	return false
}

// Threats: to hurt someone, to wait for them, to spoil their things, to shame them.
var threatPhrase = re(
	// Menace without a blow named: a debt kept, a secret read aloud, a place known, alone, or else.
	`我知道你家(住)?(在)?哪|这笔账.{0,6}(记|算)|(记下了|记住了).{0,6}(慢慢算|等着)|(你|他|她)的[^。！？!?]{0,16}(念|读)给(全班|大家)|(明天|下周|马上|我就|我要|我会|就要)[^，,。]{0,6}(念|读)给(全班|大家)|\bni\s*deng\s*zhe\b|\b(wo\s*)?(da|zou)\s*(si\s*)?ni\b`,
	`\bcome alone\s*[.!]*$|\bor else\b|you'?re next\b|won'?t see it coming|\bi dare you\s*[.!]*$|make your life (hell|miserable)|if you know what'?s good for you|don'?t blame me|\bi'?ll (come )?find you|\brip your\b|\bi know where you live\b|won'?t have (a|any) \w+ left|give you a (real )?reason to cry`,
	`你(给我)?等着|等着瞧|放学(后|以后|了)?(你)?(别走|等着|等你|给我等着|走着瞧)|(门口|后门|校门|厕所|操场|公园|楼下|巷子).{0,4}等(着|你)|让你好看|有你好看|给你(点)?颜色|你(就)?完(了|蛋了)|你死定了`,
	`(弄|打|揍|掐|踢)死你|收拾你|教训(教训)?你|废了你|(撕|扔|砸|弄坏|烧|剪)(了|掉|烂)?你的|把你的.{0,8}(撕|扔|砸|弄坏|烧|藏|剪)|(发|传|贴)(到|在)(群|网上|班级群|朋友圈)|曝光你`,
	`(再|要是|敢|如果你).{0,12}(就|我就|我们就)(打|揍|踢|扇|收拾|弄|让你|叫人|找人|掐)|小心(点|我)(打|揍|收拾)?你?|(找|叫)(人|哥哥|几个人).{0,4}(打|揍|收拾)你|(打|揍|踢|扇|掐)(你|死你|烂你|扁你|哭你)`,
	`你就(等着|知道|完了|死定了|别想)|有你(好受|好看|受)的|让你(后悔|好看|好受|哭个够|知道)|信不信我|(堵|截|拦)你|跟着你回家|一直跟着你|(一个人|单独)来|小心你的|你给我小心|别想(进|出|回|好过|上)|待不下去|下场|好果子吃`,
	`\bi('ll| will| am going to|'m gonna| gonna| am gonna) (beat|hit|punch|kick|hurt|get|find|smash|break)\b|you('re| are) dead|watch your back|(wait|waiting) (for you )?after school|meet me after school|you('ll| will) regret|beat you up|(i'll|i will) (tell everyone|post)`,
)

func threat(x *readCtx) bool {
	if x.has(tGame) || x.has(tFiction) || x.teaching() || x.benign() {
		return false
	}
	if apologyRe.MatchString(x.whole) && !strings.Contains(x.c.s, "就") {
		return false // 对不起，我把你的花瓶打碎了: sorry for what was done, not a threat
	}
	loc := x.phrase(threatPhrase)
	if loc != nil && caution(x.c.s, loc, x.text) {
		return false
	}
	if loc == nil || guardedBefore(x.c.s, loc[0]) {
		return threatByWords(x) && !kindly(x)
	}
	// 如果有人打你，要告诉老师: advice, unless the speaker threatens (如果你再说，我就打你).
	if (x.has(tIf) || x.has(tGuard)) && !x.has(tP1) && !strings.Contains(x.c.s, "就") {
		return false
	}
	if x.has(tFiction) {
		return false
	}
	// 把作业拍照发到班级群里: a post threatens only when it is of someone (你的, 他的照片).
	if postRe.MatchString(x.c.s[loc[0]:loc[1]]) && !x.has(tP2|tP3) {
		return false
	}
	return !kindly(x)
}

// kindly reports whether the words of a threat lead to a kindness, with no harm beside it.
func kindly(x *readCtx) bool { return !x.has(tHarm|tThreatV) && kindRe.MatchString(x.whole) }

// postRe: to post to a group or online.
var postRe = regexp.MustCompile(`^(?:发|传|贴)(?:到|在)`)

// kindRe: a kindness or a help that the words of a threat lead to (你等着，我马上把资料发给你;
// 在公园后门等你，带上风筝; 我会用零花钱赔给你): a promise, not a threat.
var kindRe = regexp.MustCompile(`(?:发|送|借|赔|还|带|拿|寄)给你|给你(?:带|送|买)|帮(?:你|我们|大家)(?:搬|拿|做|修|带|找)|一定能通过|一起(?:玩|回家|加油|笑)|\b(?:rest well|get well|i'?ll bring|hurry up|let'?s (?:walk|go|play)|come over)\b`)

// threatByWords reads a threat from its parts: "you" in the sentence, a speaker who will act
// (我就, 我会, 明天我), and harm to you or your things (把你的书包扔了, 把你推下去).
func threatByWords(x *readCtx) bool {
	if !x.has(tP2) || x.has(tGuard) {
		return false
	}
	ct := x.clauseTags()
	if ct&(tThreatV|tOutcome) == 0 {
		return false
	}
	for _, cue := range []string{"我就", "我们就", "我会", "我要", "就把你", "就让你", "我一定", "我带", "明天我", "下次我", "就给你", "我把你", "我让你"} {
		if strings.Contains(x.c.s, cue) {
			return !negatedNear(x.c.s, cue)
		}
	}
	return false
}

// negatedNear reports whether 不 or 没 stands just after a cue: 我就不….
func negatedNear(s, cue string) bool {
	i := strings.Index(s, cue) + len(cue)
	return strings.HasPrefix(s[i:], "不") || strings.HasPrefix(s[i:], "没")
}

// Body shaming: a body insult as a name, or a person said to be fat, ugly, short….
var bodyPhrase = re(
	// A body part made fun of, a gait, a weight to lose, in Chinese and English.
	`胖成(一个|个)?球|圆滚滚|跛脚的|瘸子|(驼背|走路|说话|牙).{0,6}(像|跟)(个|只|被)?(老太太|企鹅|鸭子|狗啃)|\b(shorty|four.?eyes|pimple face|pizza face|fatso|lard)\b|\b(lose|losing) (some )?weight\b.{0,20}\b(before|you)\b|\b(walks?|waddles?) like a (penguin|duck)|\b(ur|your|his|her) (legs|arms|belly|face|nose|teeth|ears|voice|skin)\b.{0,16}\b(huge|sticks|squeaky|gross|fat|ugly|spots|like a)\b`,
	`\b(you|he|she|ur|your|u)('re| are| is|'s| r)? (so |too |really |such an? |a )?(fat|ugly|short|skinny|smelly|gross|fatty)\b|four.?eyes|\bfatty\b|\bfatso\b|\bpiggy\b`,
	`一股味|有味儿|身上.{0,3}臭|脏兮兮|离我远点`,
	`长得(像|跟)?(猪|猴|丑|难看|恶心|真丑|好丑|太丑|那么丑|这么丑|像猪|像个猪)|胖得像|丑得|矮得像|黑得像|(像|跟)(头|只)?猪一样(胖|肥)`,
)

func bodyShaming(x *readCtx) bool {
	if x.has(tGuard) || x.has(tFiction) || x.has(tPositive) || x.has(tThing) || x.teaching() || x.isFriendly {
		return false
	}
	if reachRe.MatchString(x.text) {
		return false // 一年级的小朋友个子矮，洗手台太高了: children too small for a thing, not mocked
	}
	if loc := x.phrase(bodyPhrase); loc != nil && !guardedBefore(x.c.s, loc[0]) {
		return true
	}
	ws := x.c.words
	ct := x.clauseTags()
	// A person's body part compared or belittled: 你的耳朵那么大, 她的脸像个大饼.
	if ct&tBodyPart != 0 && ct&tPositive == 0 && (x.has(tP2|tP3) || hasName(ws)) &&
		(ct&tBodyBad != 0 || compares(ws)) && ct&tNeg == 0 && ct&tThing == 0 {
		return true
	}
	for i, w := range ws {
		if w.tags&tBodyNoun != 0 && !negatedBetween(ws, max(0, i-2), i) && !placeAfter(ws, i) {
			return true
		}
		if w.tags&tBody == 0 {
			continue
		}
		// A person, then at most a few linking words (长得, 真, 太, 也, 这么), then the adjective.
		for j := i - 1; j >= 0 && j >= i-3; j-- {
			t := ws[j].tags
			if t&tThing != 0 || t&tNeg != 0 {
				break
			}
			if t&(tP2|tP3) != 0 || looksLikeName(ws[j].w) {
				return true
			}
			if t&tDegree == 0 && !linking[ws[j].w] {
				break
			}
		}
	}
	return false
}

// compares reports whether a clause compares something, by a word of its own: 像, 像个, 一样,
// 比. The characters inside other words (摄像头, 图像, 比赛) compare nothing.
func compares(ws []word) bool {
	for _, w := range ws {
		if w.w == "一样" || w.w == "似的" || w.w == "比" || strings.HasPrefix(w.w, "像") {
			return true
		}
	}
	return false
}

// placeAfter reports whether a place word follows ws[i] at once: 电线杆上, 大块头旁边. The
// word names a thing where something is, not a person called by it.
func placeAfter(ws []word, i int) bool {
	return i+1 < len(ws) && placeWords[ws[i+1].w]
}

var placeWords = map[string]bool{"上": true, "下": true, "上面": true, "下面": true, "旁边": true, "旁": true, "边上": true, "边": true,
	"里": true, "里面": true, "附近": true, "前面": true, "后面": true, "底下": true, "顶上": true}

func hasName(ws []word) bool {
	for _, w := range ws {
		if looksLikeName(w.w) {
			return true
		}
	}
	return false
}

var linking = map[string]bool{"长得": true, "长": true, "得": true, "也": true, "是": true, "又": true, "的": true, "就": true, "那": true, "这": true, "真是": true, "实在": true, "怎么": true, "咋": true, "这么": true, "那么": true}

// looksLikeName reports whether a word reads as a child's name or nickname: 小明, 阿强, 王小红.
func looksLikeName(w string) bool {
	rs := []rune(w)
	if len(rs) < 2 || len(rs) > 3 {
		return false
	}
	return rs[0] == '小' || rs[0] == '阿' || rs[0] == '老' && len(rs) == 2 || nameRe.MatchString(w) && len(rs) == 3
}

// Exclusion: organising others to shut someone out.
var exclusionPhrase = re(
	// Left out by a vote, a share, an invitation not sent, an unfollow, a rule of a club.
	`投(他|她)出局|不要算(他|她)(一份)?|没(有)?发给(她|他)|谁都不要(收|理|回)(他|她)|\b(everyone|let'?s|we all|all of us)\b.{0,16}\b(ignore|unfollow|block)\s+(her|him)\b|\b(no one|nobody|don'?t|do not)\s+(reply|pass the ball|invite|tag|pick)\b.{0,8}\b(him|her|to)\b|\bis out of (our|the) (group|club|team)|\b(we'?ll|let'?s|we will|we are going to)\b.{0,20}\bwithout (her|him)\b|\b(only for|not for) (cool|popular)\b|\bdon'?t (invite|tag|pick) (him|her|the (new|weird) kid)`,
	`谁(跟|和|同|理|帮|找|敢跟|敢和)[^，,。]{1,8}?(玩|说话|做朋友|一起|坐|一组|好).{0,8}(就|我们就|我们)?(不理|不跟|不和|绝交|孤立|是叛徒|别想|就不|也不)`,
	`(大家|我们|你们|全班|所有人|都)(都|以后|从今天起|以后都)?(别|不要|不许|不准|不)(理|跟|和|同)(他|她|他们|她们|[^，,。不]{1,4}?)(玩|说话|一起|做朋友|坐)?`,
	`(别|不|不要|不准|不许|不能)(让|叫|带)(他|她|[^，,。]{1,4}?)(进|加入|参加|来|当|入|玩)|(踢|赶|轰|移)出(去|群|我们|议事会|小组|队)|把(他|她|[^，,。]{1,4}?)(踢|赶|轰|拉黑|移出)|拉黑(他|她)`,
	`孤立(他|她|[^，,。]{1,4})|(建|拉|弄|开|搞)(个|一个)?(小)?群.{0,10}(骂|笑话|嘲笑|坏话|吐槽|整|说)|专门(骂|笑话|嘲笑|整|欺负)(他|她)|排挤(他|她)|不带(他|她)(玩|一起)|(他|她)(不配|别想)(加入|参加|进|和我们)`,
	`(别|不要|不许|不准|都别|谁也别|都不|不)(理|带|叫|告诉|投|回复|点赞|传球给|邀请|请|喊|搭理|让|同)(他|她|ta)|不(带|叫|让|要|选|投)(他|她|ta)|让(他|她|ta)一个人|谁.{1,12}谁(就|也)|当(他|她)不存在|装作(看不见|没看见)|不要(他|她)了?|别让(他|她).{0,4}(有朋友|加入|进|参加|玩|来)|(一致|投票|决定).{0,6}不(跟|和|带|理)|不写(他|她)的名字|(她|他)来了我们就走|跑开.{0,6}让|谁(要是|敢)?(跟|和|去|帮).{0,10}(我就不|就不|就是叛徒)`,
	`\b(nobody|no one|don'?t|do not|never) (talk|play|sit|hang out) (to|with) (him|her|them)|don'?t let (him|her) (join|in|play|come|sit)|(ignore|exclude) (him|her)\b|kick (him|her) out|(make|create|start) a (group|chat).{0,30}(insult|make fun|laugh at|mock|hate|talk about)|whoever (plays|talks|sits) with`,
)

func exclusion(x *readCtx) bool {
	if x.has(tGuard) || x.has(tIf) || x.has(tFiction) || x.has(tGame) || x.teaching() || x.benign() || askingRe.MatchString(x.text) {
		return false
	}
	if loc := x.phrase(exclusionPhrase); loc != nil && !guardedBefore(x.c.s, loc[0]) && !thingIn(x.c.words, x.c.s[loc[0]:loc[1]]) &&
		!sufferedBy(x, loc) && !keptOutByRule(x.c.s[loc[0]:loc[1]]) {
		return true
	}
	// 大家都别理小敏, 我们不带王芳玩: a group, a refusal, someone named.
	ws := x.c.words
	for i, w := range ws {
		if w.tags&tExclV == 0 || i == 0 || ws[i-1].tags&tNeg == 0 {
			continue
		}
		if !(x.has(tGroup) || i == 1) {
			continue
		}
		for j := i + 1; j < len(ws) && j <= i+2; j++ {
			if ws[j].tags&tP3 != 0 || looksLikeName(ws[j].w) {
				return true
			}
		}
	}
	return false
}

// sufferedBy reports whether the exclusion found at loc of the clause is suffered, not done:
// 被孤立的同学 (someone left out, spoken of by one who is not), 不让他们被孤立 (kept from it).
func sufferedBy(x *readCtx, loc []int) bool {
	head, tail := x.c.s[:loc[0]], x.c.s[loc[1]:]
	if strings.HasSuffix(head, "被") && !x.has(tP1) {
		return true
	}
	return strings.HasPrefix(strings.TrimPrefix(tail, "们"), "被")
}

// Contempt: humiliation without a swear word: a sick brain, a poor family, a village accent,
// "you don't deserve", "nobody likes you".
var contemptPhrase = re(
	// Contempt for where a child is from, what their family does, what they cannot afford.
	`(你|他|她)是.{0,8}(之耻|污点|耻辱)|(写|画)得?(跟|像)狗爬(一样)?|(好意思|还)来当|外地户口的|回你们那边去|城中村的人|\b(smarter|better) than you\b|\bnot smart enough\b|\bcan'?t (even )?afford\b.{0,30}\byou|\byou\b.{0,30}\bcan'?t (even )?afford|\byour (parents|mom|mum|dad|mother|father) (clean|cleans|sweep|sweeps)|\bfrom the market\b.{0,10}\bfigures\b|\bclueless\b`,
	`脑子(有病|进水|坏了|有问题|秀逗|被门夹)|(你|他|她)(是不是)?有病(吧|啊|呀)?|你是不是(傻|笨|蠢|有病|脑子)|猪脑子|没(长)?脑子|智商(低|为零|欠费|有问题|是负)|穷鬼|穷光蛋|穷酸|要饭的|叫花子|乡巴佬|土包子`,
	`(农村|乡下|山里|山沟|山沟沟|外地)(里)?来的|(你|他|她)(们)?(家)?(是|就是)?捡垃圾的|你(也|根本|就|才)?不配|你也配|没(有)?人喜欢你|没人要你|没人(愿意|想)(跟|和)你|你这种人|你算(什么|老几)|丢人现眼|(真|太|好)丢人|(你|他|她)(真|好|太)?恶心`,
	`笨得要死|蠢得(要死|像)|学渣|差生|(你|他|她)(们)?家(那么|这么|真|好|太|超|穷得)穷|(你|他|她)(们)?家.{0,6}(穷得|破得|买不起)|买不起|穿得(真|那么|这么|好)?(破|土|寒酸)|口音(真|好|太)?(土|难听|怪)|滚回(你的?)?(老家|农村|乡下|山里)`,
	`(你|他|她)(真|就)?是个?(废物|笑话|累赘|没用的东西)|(你|他|她)(妈|爸|爸妈|爸爸|妈妈)(是)?(没用|捡垃圾|要饭|扫大街)|(连|这都).{0,6}不会.{0,4}(笨|蠢|傻)|(你|他|她)(怎么|咋)(这么|那么)(笨|蠢|傻|没用)|(你|他|她)(真|好|太)(笨|蠢|没用)`,
	`(没爸|没妈|离婚家庭|外地人|外地的|农村人|乡下人|留守|单亲|残疾|穷人家|留级生|保姆)(的孩子|的小孩)?(就是|都|就别|凭什么|有什么了不起|还想)|谁会听.{0,8}(的意见|的话)|好意思(说话|发言|举手)|有什么了不起|凭什么跟我们|只能去搬砖|没人想听`,
	`\b(you'?re|you are|ur|u r) (so |such a |a |really )?(stupid|dumb|poor|worthless|useless|pathetic|loser|trash|garbage|idiot|retard)|(nobody|no one) (likes|wants|loves) you|\bloser\b|your (family|mom|dad|parents) (is|are) (so )?(poor|broke)|go back to your (village|farm|country)|you don'?t deserve`,
)

func contempt(x *readCtx) bool {
	if x.has(tGuard) || x.has(tFiction) || x.has(tPositive) || x.teaching() || x.isFriendly {
		return false
	}
	if loc := x.phrase(contemptPhrase); loc != nil && !guardedBefore(x.c.s, loc[0]) && !selfSaid(x.c.s, loc) {
		return true
	}
	// "You", and a word that belittles, not negated: 你写的提议太蠢了, 你真可怜.
	if !x.has(tP2) {
		return false
	}
	ws := x.c.words
	for i, w := range ws {
		if w.tags&tContempt != 0 && (i == 0 || ws[i-1].tags&tNeg == 0) && !x.has(tIf) {
			return true
		}
	}
	return false
}

// aboutRe are the cues after which a listed cry for help is spoken of rather than made: a
// hypothetical, a survey, a safeguard, someone else seen, children in general (如果有人说想死,
// 有没有被欺负过, 看到有人被欺负, 很多同学被欺负了都不敢说).
// negatedRe: a listed word said not to have happened.
var negatedRe = regexp.MustCompile(`(?:没有|没|不是|并没有|并不是|从来没有|从没)$`)

var aboutRe = regexp.MustCompile(`如果|要是|万一|假如|有没有|是否|防止|预防|避免|关于|(?:看到|看见|发现|遇到|听到)(?:有)?(?:人|同学|小朋友|别人|朋友|谁)|(?:很多|好多|许多|不少|有的|有些|一些|部分)(?:同学|人|小朋友|孩子|学生)|` +
	// someone else, or a story's character: 有同学被欺负时, 这本书里有个小孩被欺负
	`有(?:个|一个|位|一位)?(?:同学|小孩|孩子|小朋友|男生|女生|新同学)|(?:书|故事|电影|小说|动画片?|课文|绘本|漫画|作文|童话)里|` +
	// what a lesson teaches everyone: 教大家被欺负了怎么办
	`教(?:大家|同学们?|我们|小朋友)`)

// generalTailRe: what after a listed word makes it a kind of child or a time rather than the
// child's own case (被欺负的同学可以写下来, 被欺负的时候能按), or a comfort to all who are
// (被欺负不是你的错).
var generalTailRe = regexp.MustCompile(`^(?:了|过)?(?:的(?:同学|人|孩子|小朋友|学生|时候)|时|不是(?:你|你们|自己|他|她|他们)的错)`)

// spokenOf reports whether the listed word at bytes start..end of the original text follows
// one of aboutRe's cues in its clause, with no 我 from the cue to the word's end: 如果爸爸又打我
// is a child asking for help, 如果有人说想死 is not.
func spokenOf(base *folded, start, end int) bool {
	a, _ := slices.BinarySearch(base.start, int32(start))
	b, _ := slices.BinarySearch(base.start, int32(end))
	lo := a
	for lo > 0 && a-lo < 16 && !clauseEnd(base.r[lo-1]) {
		lo--
	}
	head := string(base.r[lo:a])
	hi := b
	for hi < len(base.r) && hi-b < 12 && !clauseEnd(base.r[hi]) {
		hi++
	}
	if !strings.Contains(opinionRe.ReplaceAllString(head, ""), "我") && generalTailRe.MatchString(string(base.r[min(b, len(base.r)):hi])) {
		return true // 被欺负的时候能按求助按钮: a kind of child, a time, a comfort
	}
	if negatedRe.MatchString(head) && !strings.Contains(string(base.r[a:min(b, len(base.r))]), "我") {
		return true // 我没有被欺负，脸上的伤是打篮球撞的
	}
	locs := aboutRe.FindAllStringIndex(head, -1)
	if len(locs) == 0 {
		return false
	}
	rest := head[locs[len(locs)-1][0]:] + string(base.r[a:min(b, len(base.r))])
	return !strings.Contains(rest, "我")
}

// household are the adults a child lives with.
var household = map[string]bool{}

func init() {
	for _, w := range strings.Fields("爸爸 妈妈 爸 妈 父亲 母亲 后爸 后妈 继父 继母 养父 养母 爷爷 奶奶 外公 外婆 姥姥 姥爷 我爸 我妈 家里人 " +
		"dad mom mum father mother stepdad stepfather stepmom stepmother") {
		household[w] = true
	}
}

// doneByHousehold reports whether what a bullying rule found is done to the child by an adult
// at home: such an adult, then 我 after it, in the clause or the one before, and nobody
// addressed as "you" in the sentence. Shut out, shamed or threatened at home is abuse.
func doneByHousehold(x *readCtx) bool {
	if x.has(tP2) {
		return false
	}
	var ws []word
	if x.prev != nil {
		ws = append(ws, x.prev.words...)
	}
	ws = append(ws, x.c.words...)
	for i, w := range ws {
		if !household[w.w] {
			continue
		}
		for _, v := range ws[i+1:] {
			if v.w == "我" || v.w == "me" {
				return true
			}
		}
	}
	return false
}

// agents are the things that hit, bite or burn a child by accident.
var agents = map[string]bool{}

func init() {
	for _, w := range strings.Fields("球 篮球 足球 排球 皮球 羽毛球 乒乓球 网球 棒球 蚊子 虫子 蜜蜂 马蜂 蚂蚁 开水 热水 油 门 石头 树枝 车 自行车 电动车 风 雨 冰雹") {
		agents[w] = true
	}
}

// thingDoesIt reports whether the words between 被 and the verb name a thing, not a person.
func thingDoesIt(ws []word) bool {
	for _, w := range ws {
		if agents[w.w] || w.tags&tThing != 0 {
			return true
		}
	}
	return false
}

// thingBefore reports whether the clause before names a thing and no person: 那个滑梯的角很尖，
// 我的腿被划了一道口子 was hurt by the slide, whoever is not named.
func thingBefore(x *readCtx) bool {
	return x.prev != nil && thingDoesIt(x.prev.words) && !hasTag(x.prev.words, tKin|tP3|tP2) && !hasTag(x.c.words, tKin|tP3|tP2)
}

// thingVerbs are the hurts a thing does as well as a person: a hot slide burns, a sharp edge
// cuts, a door pinches.
var thingVerbs = map[string]bool{"烫": true, "划": true, "砸": true, "夹": true, "刺": true, "扎": true, "割": true, "烧": true, "咬": true, "撞": true, "刮": true}

// thingHurt reports whether the clause before names a thing and no person: 滑梯的铁皮被太阳晒得
// 很烫，我弟弟被烫哭了. Whoever was hurt may be named; nobody is named who did it.
func thingHurt(x *readCtx) bool {
	return x.prev != nil && thingDoesIt(x.prev.words) && !hasTag(x.prev.words, tKin|tP3|tP2)
}

// generalGroup reports whether the words before a passive name children in general rather
// than one child: 很多同学, 有的同学, 有些小朋友. Bullied or scolded, they are spoken of; a
// child telling of a beating (有的同学被老师打) still reaches an adult.
func generalGroup(ws []word) bool {
	for k, w := range ws {
		if !generalWords[w.w] {
			continue
		}
		for _, v := range ws[k+1:] {
			if v.tags&tP3 != 0 || v.w == "人" || v.w == "学生" {
				return !hasTag(ws, tP1)
			}
		}
	}
	return false
}

var generalWords = map[string]bool{"很多": true, "好多": true, "许多": true, "不少": true, "有的": true, "有些": true, "一些": true, "有": true, "某些": true, "部分": true, "一部分": true}

// physical are the hurts to the body, which a child spoken of in general still suffers.
var physical = map[string]bool{}

func init() {
	for _, w := range strings.Fields("打 揍 踢 掐 抽 扇 扇耳光 打耳光 推 烫 烧 拧 咬 砸 勒 踹 捶 殴打 暴打 毒打 痛打 打骂 体罚 罚跪 关 锁 饿 拽 抓 扯 划 割 刺 虐待 hit beat kick slap punch burn lock") {
		physical[w] = true
	}
}

// preventionTopicRe: a harm named as what is prevented or taught (防性侵教育, 反家暴宣传), not as
// what happened.
var preventionTopicRe = regexp.MustCompile(`(?:防|反|预防|防止|避免|杜绝|拒绝)(?:家暴|虐待|性侵|猥亵|欺凌|霸凌)|(?:家暴|虐待|性侵|猥亵|欺凌|霸凌)(?:的)?(?:教育|知识|讲座|宣传|课|法|热线|预防)`)

// calledNear reports whether 打 at ws[i] is a call: 电话 or 手机 within four words after it
// (打了我的电话).
func calledNear(ws []word, i int) bool {
	for j := i + 1; j < len(ws) && j <= i+4; j++ {
		if ws[j].w == "电话" || ws[j].w == "手机" || ws[j].w == "视频" {
			return true
		}
	}
	return false
}

// everydayRe: what a child cuts or burns by the way: a finger on scissors, the hair, the nails,
// the tongue on hot soup.
var everydayRe = regexp.MustCompile(`^\s*(?:finger|fingers|thumb|hair|nails?|fringe|bangs|toenails?|tongue|toast|food|cake|paper|lip)\b`)

// everydayCut reports whether the phrase found at loc of s is "cut my" or "burn my" said of an
// everyday thing: I cut my finger with scissors, I burned my tongue.
func everydayCut(s string, loc []int) bool {
	m := s[loc[0]:loc[1]]
	return strings.HasSuffix(m, " my") && everydayRe.MatchString(s[loc[1]:])
}

// vanishRe: after "disappear" or "sleep forever", a place to hide in or a while to be away:
// 想消失在被窝里, 消失一个月, disappear under my blanket, sleep forever this weekend.
var vanishRe = regexp.MustCompile(`^\s*(?:在|到|进|于|一(?:天|会|下|周|个|阵)|几天|两天|半天|into|under|in my|in the|for (?:a|the|one|two)|this weekend|till|until)`)

// vanishesFor reports whether the phrase found at loc of s is a wish to disappear somewhere or
// for a while, not from life.
func vanishesFor(s string, loc []int) bool {
	m := s[loc[0]:loc[1]]
	if !strings.Contains(m, "消失") && !strings.Contains(m, "disappear") && !strings.Contains(m, "sleep forever") {
		return false
	}
	return vanishRe.MatchString(s[loc[1]:])
}

// wordsText is the words joined as written: with spaces between Latin words.
func wordsText(ws []word) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 && isASCIIAlnum(rune(w.w[0])) {
			b.WriteByte(' ')
		}
		b.WriteString(w.w)
	}
	return b.String()
}

// thingIn reports whether span, a phrase's match, names a thing or an animal of the clause's
// words: 别让小狗进教室, 不准带刀具进学校 leave no child out.
func thingIn(ws []word, span string) bool {
	for _, w := range ws {
		if (w.tags&tThing != 0 || agents[w.w]) && strings.Contains(span, w.w) {
			return true
		}
	}
	return false
}

// selfSaid reports whether a belittling phrase is said of the speaker: 我脑子进水了.
func selfSaid(s string, loc []int) bool {
	m := s[loc[0]:loc[1]]
	if strings.ContainsAny(m, "你他她") || strings.Contains(m, "you") {
		return false
	}
	head := strings.TrimRight(s[:loc[0]], " 的")
	return strings.HasSuffix(head, "我") && !strings.HasSuffix(head, "说我") && !strings.HasSuffix(head, "骂我") && !strings.HasSuffix(head, "笑我")
}

// warnRe: words that quote an insult to warn against it.
var warnRe = regexp.MustCompile(`不要再?说|别再?说|不(?:能|该|应该)说|不说|广告|标语|海报|口号|\b(?:don'?t say|never say|stop saying|poster|slogan|quote)`)

// quotedToWarn reports whether, in the runes r up to a clause's end, the clause (from rune at)
// lies inside a quotation that a warning opens: 公益广告里说：“一句‘你真丑’…”, don't say 'you're fat'.
func quotedToWarn(r []rune, at int) bool {
	open := -1
	straight := false
	for i, c := range r {
		switch c {
		case '“', '「', '『', '‘':
			open = i
		case '”', '」', '』', '’':
			if i < at {
				open = -1
			}
		case '"', '\'':
			if c == '\'' && i > 0 && i+1 < len(r) && isASCIIAlnum(r[i-1]) && isASCIIAlnum(r[i+1]) {
				continue // don't, you're
			}
			if straight && i < at {
				open, straight = -1, false
			} else if !straight {
				open, straight = i, true
			}
		}
	}
	return open >= 0 && warnRe.MatchString(string(r[max(0, open-16):open]))
}

// frustratedRe: a state and its degree complement just before a phrase: 难到我想, 烦得想, 气得我.
var frustratedRe = regexp.MustCompile(`(?:难|烦|气|急|闷|无聊|尴尬|丢脸|晕)(?:到|得)(?:我)?(?:都|真)?(?:想|要)?$`)

// frustratedInto reports whether the phrase found at loc of s is banging one's head on a wall
// said as the degree of a frustration: 数学难到我想撞墙, 烦得想撞墙. Frustration says "very";
// a child hurting their head (我会用头撞墙, 气得用头撞墙直到流血) is read by the other words.
func frustratedInto(s string, loc []int) bool {
	m := s[loc[0]:loc[1]]
	if !strings.Contains(m, "撞墙") || strings.Contains(s[loc[1]:], "血") || strings.Contains(s[:loc[0]], "头") {
		return false
	}
	return frustratedRe.MatchString(s[:loc[0]])
}

// farewellRe: a farewell said to a thing right after it: 永别了，我的旧书包; 再见了，坏掉的秋千.
var farewellRe = regexp.MustCompile(`(?:永别|再见)了?[，,！!～~ ]*(?:我的|我们的|亲爱的|坏掉的|破|旧|老)`)

// farewellToThing reports whether a goodbye (永别) is said to a thing: the words after it are
// the child's thing or a worn-out one, and nobody, no world, is named.
func farewellToThing(sentence, match string) bool {
	if !strings.Contains(match, "永别") && !strings.Contains(match, "再见") {
		return false
	}
	loc := farewellRe.FindStringIndex(sentence)
	if loc == nil {
		return false
	}
	rest := []rune(sentence[loc[1]:])
	rest = rest[:min(len(rest), 10)]
	return !strings.ContainsAny(string(rest), "你他她人爸妈家世界命") && !strings.Contains(string(rest), "朋友")
}

// keptOutRe: children in general, or "us", kept out of a place: 保安不让我们骑车进去, 不让小孩进.
var keptOutRe = regexp.MustCompile(`^(?:别|不|不要|不准|不许|不能)(?:让|叫|带)(?:我们|咱们|小朋友|小孩|孩子|学生|大家)`)

// keptOutByRule reports whether an exclusion's match keeps children in general, or the speaker
// with others, out of a place: a complaint about a rule, not a child shut out by classmates,
// which names the child (别让他进, 不让小明玩). The child alone (不让我进家门) is still read.
func keptOutByRule(span string) bool { return keptOutRe.MatchString(span) }

// endsInsideWord reports whether a phrase's match ends on 活 that begins a longer word: 不想活动
// (no wish to exercise), 不想活泼. 不想活了 and 不想活下去 are not cut short.
func endsInsideWord(s string, loc []int) bool {
	if !strings.HasSuffix(s[loc[0]:loc[1]], "活") {
		return false
	}
	next, _ := utf8.DecodeRuneInString(s[loc[1]:])
	return strings.ContainsRune("动泼跃力儿络", next)
}

// killMeIdiomRe: someone else "will kill me" when they find out or see what the child did:
// trouble expected, not a wish to die.
var killMeIdiomRe = regexp.MustCompile(`\b(?:is|are|gonna|going to|will|'ll|would)\s+kill me\s+(?:when|if)\s+(?:he|she|they|my|mum|mom|dad)\b.{0,12}\b(?:finds?|found|sees?|saw|knows?|hears?)\b`)

// idiomKillMe reports whether a "kill me" the phrase found is that idiom.
func idiomKillMe(s string, loc []int) bool {
	m := s[loc[0]:loc[1]]
	if !strings.Contains(m, "kill me") {
		return false
	}
	return killMeIdiomRe.MatchString(s)
}

// beatenAtGameRe: beaten at or in a game: a win, not a blow.
var beatenAtGameRe = regexp.MustCompile(`^\s*(?:at|in)\s`)

// beatenAtAGame reports whether an English "beat me" of the abuse phrases goes on "at" or "in"
// something: my brother beat me at Mario Kart.
func beatenAtAGame(s string, loc []int) bool {
	m := s[loc[0]:loc[1]]
	if !strings.HasSuffix(m, "me") || !strings.Contains(m, "beat") {
		return false
	}
	return beatenAtGameRe.MatchString(s[loc[1]:])
}

// apologyRe: an apology for what was done (对不起, 不是故意的, sorry).
var apologyRe = regexp.MustCompile(`对不起|不好意思|抱歉|不是故意的|\b(?:sorry|i apologi[sz]e)\b`)

// cautionRe: a hazard or a thing to handle that 小心 warns of.
var cautionRe = regexp.MustCompile(`滑|烫|危险|车|摔|湿|掉|碰|撞|尖|陡|电|玻璃|台阶|拿|放|搬|端|走路|别跑|\b(?:wet|slippery|hot|careful)\b`)

// caution reports whether a threat phrase that begins 小心 warns of a hazard or asks for care
// with a thing (小心点，楼梯很滑; 你给我小心点拿), with no harm to the hearer beside it.
func caution(clause string, loc []int, sentence string) bool {
	m := clause[loc[0]:loc[1]]
	if !strings.Contains(m, "小心") || strings.ContainsAny(m, "打揍收拾") {
		return false
	}
	return cautionRe.MatchString(sentence)
}

// othersRe: people in general as the object of a deed: 别人, 任何人, other classmates.
var othersRe = regexp.MustCompile(`别人|任何人|其他人|其他同学|别的同学|\b(?:anyone|anybody|others|other kids|someone else)\b`)

// conductRe: a deed named as a kind of bullying: 孤立别人也是欺负人, 起外号属于欺凌.
var conductRe = regexp.MustCompile(`(?:也是|就是|属于|算是?)(?:一种)?(?:欺负|欺凌|霸凌|暴力|伤害)|\bis (?:also )?(?:a kind of )?bullying\b`)

// conductForOthers reports whether a clause that a bullying rule read is a rule of conduct for
// everyone: its deed is done to people in general (别人, anyone) under a guard (不要笑话别人胖,
// 请大家不要发别人的丑照) or named as bullying (孤立别人也是欺负人), and nobody is spoken to or of
// by name. 你别笑话别人，你自己胖成猪 speaks to someone, and is still read.
func conductForOthers(x *readCtx) bool {
	if x.clauseTags()&tP2 != 0 {
		return false
	}
	loc := othersRe.FindStringIndex(x.c.s)
	if loc == nil {
		return false
	}
	return guardedBefore(x.c.s, loc[0]) || conductRe.MatchString(x.c.s)
}

// reportRe: a verb that reports what someone said or wrote, just before a quotation.
var reportRe = regexp.MustCompile(`(?:说|写|喊|叫|问|讲|骂|发)(?:了|着|过)?[：:，, ]*$|\b(?:said|says|wrote|shouted|posted)[: ,]*$`)

// judgedRe: words after a quotation that judge what was said: rude, wrong, unkind.
var judgedRe = regexp.MustCompile(`不礼貌|没礼貌|不文明|文明(?:说话|用语|一点)|不对|不好|不应该|不该|过分|友好|有礼貌|不要乱|别乱|不能这样|\b(?:rude|unkind|not nice|not okay|not ok|shouldn'?t)\b`)

// hurtMeRe: the child as the one the words were said to, or hurt by them: 骂我, 说我, 我好难过.
var hurtMeRe = regexp.MustCompile(`(?:说|骂|叫|笑|对|冲|给|朝)我|我(?:好|很|特别|非常|真的)?(?:难过|伤心|害怕|想哭|哭了)|\b(?:me|i (?:cried|felt))\b`)

// quotedAndJudged reports whether rune at of r lies in a quotation that is reported (说“…”)
// and judged after it closes (我觉得这样不对, 希望他们友好一点), with the child neither its
// target nor hurt by it: a child telling the council about rude words, not being bullied.
func quotedAndJudged(r []rune, at int) bool {
	open, close := -1, -1
	for i := at; i >= 0 && at-i < 80; i-- {
		if r[i] == '“' || r[i] == '「' || r[i] == '"' {
			open = i
			break
		}
		if (r[i] == '”' || r[i] == '」') && i < at {
			return false
		}
	}
	if open < 0 {
		return false
	}
	for i := max(at, open+1); i < len(r) && i-open < 80; i++ {
		if r[i] == '”' || r[i] == '」' || (r[i] == '"' && r[open] == '"') {
			close = i
			break
		}
	}
	if close < 0 {
		return false
	}
	head := string(r[max(0, open-20):open])
	tail := string(r[close+1 : min(len(r), close+40)])
	if !reportRe.MatchString(head) || hurtMeRe.MatchString(head) || hurtMeRe.MatchString(tail) {
		return false
	}
	return judgedRe.MatchString(tail)
}

// quotedListedWord reports whether the listed insult at byte start of the original text is
// quoted to warn against it or reported and judged (quotedAndJudged).
func quotedListedWord(base *folded, start int) bool {
	at, _ := slices.BinarySearch(base.start, int32(start))
	if at >= len(base.r) {
		return false
	}
	end := at
	for end < len(base.r) && !clauseEnd(base.r[end]) {
		end++
	}
	return quotedAndJudged(base.r, at) || quotedToWarn(base.r[max(0, at-40):end], at-max(0, at-40))
}

// quoteIn returns the rune just inside the first quotation that opens in runes a..b, or a.
func quoteIn(r []rune, a, b int) int {
	for i := a; i < b && i+1 < len(r); i++ {
		if r[i] == '“' || r[i] == '「' || r[i] == '"' {
			return i + 1
		}
	}
	return a
}

// lessonRe: advice passed on, a lesson, a story or a game: what the words of harm in a sentence
// are about when the child is not in it.
var lessonRe = regexp.MustCompile(`(?:老师|医生|警察)(?:叔叔|阿姨)?(?:说|教|讲|告诉)|用药安全|处方|安全课|班会|千万不要|告诉(?:老师|家长|大人|爸妈|爸爸妈妈)|找(?:老师|大人|心理老师)|(?:如果|要是|万一)(?:有人|你|同学|朋友|别人)|不要(?:给|跟|和|相信|随便)|陌生人|(?:书|故事|电影|小说|动画片?|课文|游戏|绘本)里|(?:科学|历史|生物|地理|语文|安全|心理健康?)课|不是(?:你|你们|自己)的错|\b(?:if (?:someone|your friend|anyone)|tell an adult|tell a teacher|in the (?:game|story|book|movie|film)|we learned)\b`)

// childRe: the child itself in a sentence: 我, I, me, my; 我们 too, unless it is who a lesson
// is told to (老师告诉我们, 教我们), counted apart by taughtUsRe.
var (
	childRe    = regexp.MustCompile(`我|\b(?:i|me|my|myself|i'?m|we|us)\b`)
	taughtUsRe = regexp.MustCompile(`(?:告诉|教|给|跟|提醒|教育|叫|让)我们|\b(?:told|taught|teach|tell|showed|show) us\b|\bwe learned\b`)
)

// opinionRe: the child giving an opinion or a proposal about the lesson (我觉得学校可以讲一讲),
// which does not put the child in the harm.
var opinionRe = regexp.MustCompile(`我(?:觉得|认为|建议|希望|想提议|提议)|\bi (?:think|suggest|hope)\b`)

// lessonWithoutChild reports whether the classifier's cry for help is read in a sentence that
// passes on advice, a lesson, a story or a game with no 我 in it: 网上有人要你的照片不要给，
// 要告诉家长; 科学课上说，火山爆发会让很多动物死掉. Short cries with no subject (活着没意思)
// name no lesson, and a lesson with the child in it (老师说不要伤害自己，可我忍不住) is read.
func lessonWithoutChild(class string, r []rune) bool {
	if class != ClassSelfHarm && class != ClassAbuse {
		return false
	}
	s := string(r)
	return lessonRe.MatchString(s) && !childRe.MatchString(opinionRe.ReplaceAllString(taughtUsRe.ReplaceAllString(s, ""), ""))
}

// harmDoneRe: a harm done to someone, which no kindness beside it excuses.
var harmDoneRe = regexp.MustCompile(`打(?:你|他|她|死|人|得|断|残|一顿)|揍|杀|砍|死|收拾|废了|撕|扔|踢|砸|烧|滚|\b(?:kill|hit|hurt|beat|punch|kick|smash|or else)\b`)

// kindlyMeant reports whether the classifier's bullying is read in a short text that the rules
// find kindly meant: the words of a threat leading to a help, a gift or a walk home (我们在公园
// 后门等你，带上风筝; meet me after school, I'll bring the comics), or teasing between friends,
// with no harm done named anywhere. Leaving someone out is never excused by a kindness to others.
func kindlyMeant(class string, r []rune) bool {
	if len(r) > 200 || class == ClassExclusion || class == ClassSelfHarm || class == ClassAbuse {
		return false
	}
	s := string(r)
	if harmDoneRe.MatchString(s) {
		return false
	}
	if class == ClassThreat {
		return (kindRe.MatchString(s) || kindInviteRe.MatchString(s)) && !menaceRe.MatchString(s)
	}
	if praiseRe.MatchString(s) && !slightRe.MatchString(s) && (class == ClassBodyShaming || class == ClassContempt) {
		return true // 你那个发型好像菠萝啊，不过挺适合你的: a tease that ends in praise
	}
	return friendlyRe.MatchString(s) && friendlyActRe.MatchString(s)
}

// praiseRe: praise said outright of someone or something: pretty, suits you, fastest, smart.
var praiseRe = regexp.MustCompile(`漂亮|好看|挺帅|很帅|真帅|挺适合|很适合|可爱|厉害|聪明|最快|最棒|真棒|佩服|\b(?:pretty|suits you|cool|smart|awesome|amazing|beautiful)\b`)

// slightRe: a slight that praise beside it does not undo, sarcasm included: ugly, fat, stupid,
// "you think you're smart".
var slightRe = regexp.MustCompile(`丑|胖|矮|笨|蠢|猪|肥|恶心|难看|废物|垃圾|傻|白痴|有什么用|以为|装|还好意思|不配|滚|能有多|了不起|就你|凭什么|不够|你好看|知道厉害|可惜|\b(?:ugly|fat|stupid|dumb|idiot|loser|think you'?re|so-called|not even|enough|only for|not you)\b`)

// friendlyActRe: a kindness done beside the teasing: a thing lent, a treat, a forgiveness.
var friendlyActRe = regexp.MustCompile(`借你(?:[^的钱]|$)|借给你|帮你|请我吃|请你吃|请你喝|原谅|\b(?:jk|just kidding|love you)\b`)

// kindInviteRe: an invitation to bring or share something, or to hurry for one's own good.
var kindInviteRe = regexp.MustCompile(`带上|一起(?:来|走|做|画|放|练)|约好(?:了)?(?:一起|练|去|玩|的)|赔给你|\b(?:rest well|get well|hurry up|let'?s)\b`)

// menaceRe: a condition or a warning that keeps a threat a threat whatever follows it.
var menaceRe = regexp.MustCompile(`不然|否则|要不然|试试|不听话|等着瞧|好看|惊喜|完了|后果|小心|\b(?:or|sorry|else|don'?t even)\b`)

// topics are listed cries for help that name a harm rather than the child's own wish or state:
// a lesson can be about them (生物课学了安眠药为什么需要处方). 想死, 不想活 and 没人管我 are
// never a lesson's topic.
var topics = map[string]bool{"安眠药": true, "自杀": true, "割腕": true, "跳楼": true, "跳河": true, "伤害自己": true, "自残": true, "离家出走": true}

// topicInLesson reports whether the listed word w at byte start of the original text is a
// topic in a sentence that passes on a lesson or advice with no child in it
// (lessonWithoutChild): 老师告诉我们，伤害自己不能解决问题.
func topicInLesson(base *folded, w string, start int) bool {
	if !topics[w] {
		return false
	}
	at, _ := slices.BinarySearch(base.start, int32(start))
	a, b := at, at
	for a > 0 && !sentenceEnd(base.r[a-1]) {
		a--
	}
	for b < len(base.r) && !sentenceEnd(base.r[b]) {
		b++
	}
	return lessonWithoutChild(ClassSelfHarm, base.r[a:b])
}

// movingOnRe: the ordinary reason a child says goodbye: a move, a new school, an exam year.
var movingOnRe = regexp.MustCompile(`因为.{0,14}(?:转学|搬家|搬去|搬到|毕业|出国|中考|高考|初三|升学|退坑)|(?:中考|高考|暑假|寒假|开学|毕业)(?:以?后)?(?:再)?见|\bbecause (?:we'?re|i'?m) (?:moving|changing schools)\b`)

// notThatRe: the ordinary reason denied (不是转学, 不是因为搬家), which makes the goodbye graver.
var notThatRe = regexp.MustCompile(`不是(?:因为)?(?:转学|搬家|毕业|出国)|\bnot (?:because of )?(?:moving|changing schools)\b`)

// movingOn reports whether the classifier's cry for help is read in a short goodbye that gives
// its ordinary reason (这是我最后一个提案了，因为下个月我要搬去杭州了), does not deny it, and
// names no death or hurt.
func movingOn(class string, r []rune) bool {
	if (class != ClassSelfHarm && class != ClassAbuse) || len(r) > 200 {
		return false
	}
	s := string(r)
	return movingOnRe.MatchString(s) && !notThatRe.MatchString(s) && !deathRe.MatchString(s)
}

// deathRe: death, dying or hurting oneself named, which no ordinary reason beside it makes light.
var deathRe = regexp.MustCompile(`死|活|自杀|轻生|割|划|跳楼|跳下|药|消失|结束|离开这个世界|不在了|遗书|葬礼|伤害自己|疼|痛|血|打我|骂我|摸我|\b(?:die|dying|dead|kill|suicide|cut|hurt|pills|blood|end it)\b`)

// thingGoodbyeRe: a goodbye in English to the child's thing: goodbye to my old uniform.
var thingGoodbyeRe = regexp.MustCompile(`\bgoodbye,? (?:to )?(?:my|our|the) (?:old |broken |last |favourite |favorite )?(?:uniform|shoes|bag|backpack|school bag|desk|bike|phone|tablet|tooth|teeth|toy|book|pencil case|game|habit|summer|holiday)s?\b`)

// goodbyeToThing reports whether the classifier's cry for help is read in a short text whose
// goodbye is said to a thing (再见了，我的乳牙; goodbye to my old uniform) and that names no
// death or hurt: farewellToThing, as the rules read it.
func goodbyeToThing(class string, r []rune) bool {
	if (class != ClassSelfHarm && class != ClassAbuse) || len(r) > 200 {
		return false
	}
	s := string(r)
	return (farewellToThing(s, "再见") || farewellToThing(s, "永别") || thingGoodbyeRe.MatchString(s)) && !deathRe.MatchString(s)
}
