package moderation

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// marker replaces recognised dates and times in the digit form: neither a digit nor a
// separator, it keeps 2025-06-01 and 14:30-16:00 from joining into a long number.
const marker = '\uE000'

// The ways children write or say the signs of an e-mail address, one lexicon for every reading
// of one: @ as a word (艾特, 安特, 爱特, aite, at), as a picture (圈a, 字圈, 小老鼠) or bracketed;
// the dot as 点, dian, 句号 or dot.
const (
	atSigns  = `@|#|ⓐ|◎|[艾爱安哎埃挨矮]\s?特|\bai\s?te\b|圈儿?\s?a|圈圈\s?a|字圈|小老鼠|老鼠|\(at\)|\[at\]|\{at\}|\bat\b|at\s?符号|at\s?sign`
	dotSigns = `\.|。|点|句号|圆点|\(dot\)|\[dot\]|\[\.\]|\(\.\)|\bdot\b|\bdian\b`
)

var (
	// Two-digit months and days come first: leftmost-first matching would stop at the 2 of 28.
	dateRe = regexp.MustCompile(`(?:19|20)\d{2}\s*[-/.年]\s*(?:1[0-2]|0?[1-9])\s*[-/.月]\s*(?:[12]\d|3[01]|0?[1-9])(?:\s*[日号])?`)
	timeRe = regexp.MustCompile(`(?:[01]?\d|2[0-3])\s*:\s*[0-5]\d(?:\s*:\s*[0-5]\d)?`)
	// Year ranges (2023-2025年, 2024—2025学年) are dates too.
	yearsRe = regexp.MustCompile(`(?:19|20)\d{2}\s*[-~/—–至到]\s*(?:19|20)\d{2}`)

	emailRe = regexp.MustCompile(`[a-z0-9][a-z0-9._+-]*\s*(?:` + atSigns + `)\s*[a-z0-9][a-z0-9-]*(?:\s*(?:` + dotSigns + `)\s*[a-z0-9-]+)*?\s*(?:` + dotSigns + `)\s*(?:com|cn|net|org|edu|gov|cc|io|me|top|vip|info|hk|tw|co|xyz|club|site)\b`)

	// A unit, a room, building-unit-room or a home: personal, whatever place it is in.
	// A home cue counts when a residential place or a number follows it (我家住在清和家园, 我住在
	// 5号楼); 我住在河边 and 我家在城东 name no home.
	homeRe = regexp.MustCompile(`\d{1,4}\s*单元|\d{2,5}\s*室|\d{1,3}\s*-\s*\d{1,2}\s*-\s*\d{2,4}|(?:(?:我|我们)家(?:就|也)?(?:住)?在|家住|我(?:就|也)?住在|我住的(?:地方|小区)|家庭住址(?:是|在)?|家的地址|我家地址|我的地址|住址|(?:我家|我们家|家)的?门牌号?)[^。！？!?\n，,]{0,12}?(?:[^的\s](?:小区|家园|花园|新村|公寓|苑|大厦|村|社区)|(?:路|街|大道|巷)\S{0,6}?的(?:小区|家园|花园|新村|公寓)|\d+|号|栋|楼)`)
	codeRe = regexp.MustCompile(`(?:isbn[:：\s]*)?97[89][-\s]?\d{1,5}[-\s]?\d{1,7}[-\s]?\d{1,7}[-\s]?[\dx]\b|\bgb(?:/t)?\s*\d{3,5}(?:\.\d+)?\s*-\s*(?:19|20)\d{2}`)
	// A number after one of these names a thing (a bike, a book, a manhole), not a person.
	thingNumberRe = regexp.MustCompile(`(?:书号|型号|序号|工单号|订单号|单号|车号|车牌|井盖|资产|提案|条码|货号|批号|注册代码|代码|(?:提案|单车|车辆|设备|电梯|井盖|路灯)编号|proposal id(?: on \w+)?(?: is)?|order|ticket|code)[:：\s是为]*$`)
	// A numbered thing named after its number: 编号8640219375的共享单车.
	thingAfterRe = regexp.MustCompile(`^\s*的?\s*(?:共享单车|单车|自行车|电动车|公交车|车|路灯|井盖|垃圾桶|电梯|设备|座椅|长椅|消防栓|电线杆|树|书)`)
	// Advice about addresses is not one: 不要把自己的家庭住址告诉陌生人.
	adviceRe = regexp.MustCompile(`不要|别|不能|不可以|千万`)
	// 我住金色家园: a home in an estate named right after 我住.
	livesInEstateRe = regexp.MustCompile(`我(?:就|也)?住\s*[^\P{Han}在的院校宿]{2,8}?(?:小区|家园|花园|新村|公寓|苑|大厦|社区)`)
	// A home cue and a kind of place with no name (农村, 山村, 城中村, 这个小区) tells no address.
	genericHomeRe = regexp.MustCompile(`(?:在|住|是)\s*的?\s*(?:农|乡|山|渔|城中|这个|那个|一个|同一个|新|老|大|小|我们|附近)?\s*(?:村|小区|社区|新村|花园|公寓|家园|大厦|苑|高楼|大楼|楼房)$`)
	// A building number alone may be a school's (学校3号楼): a person looks.
	buildingRe = regexp.MustCompile(`\d{1,4}\s*(?:栋|幢|号楼)`)
	// A street and number may be a school, a park gate or a home: a person looks.
	// In the country a house is numbered in its village group: 向阳村3组27号.
	streetRe = regexp.MustCompile(`\p{Han}{1,12}?(?:路|街|大道|巷|弄|胡同|村\s*\d{1,2}\s*组)\s*\d{1,5}\s*号`)

	classRe = regexp.MustCompile(`\d{1,2}\s*年级(?:\s*[(（]?\s*\d{1,2}\s*[)）]?\s*班)?|[初高][1-3]\s*(?:年级)?\s*(?:[(（]?\s*\d{1,2}\s*[)）]?\s*班)?|\d\s*[(（]\s*\d{1,2}\s*[)）]\s*班?|\d{1,3}\s*班`)
	// A grade and a class together (3年级2班, 五(3)班, 初二(5)班, 503班, Class 4 Grade 5) name about forty
	// children; with a school or the child speaking of themself, one of them.
	gradeClassRe  = regexp.MustCompile(`[初高]\s*[1-3]\s*[.·\-]\s*\d{1,2}|\bgrade\s*(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine)\s*,?\s*class\s*(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b|\d\s*[.·\-/]\s*\d{1,2}\s*班|\d{1,2}\s*年\s*\d{1,2}\s*班|\d{1,2}\s*年级\s*(?:十\d?|\d十?)\s*班|\d\s*[(（]\s*\d{1,2}\s*[)）]\s*中队|年级\s*[:：]\s*\S{1,3}\s*[;；,，]?\s*班级|\b(?:grade|year|junior|senior|g)\s*\d{1,2}\s*[,/]?\s*(?:class|c)\s*\d{1,2}\b|\bclass\s*\d{1,2}\s*[,/]?\s*(?:grade|year)\s*\d{1,2}\b|\bclass\s*\d{1,2}\s*-\s*\d{1,2}\b|\bg\d{1,2}c\d{1,2}\b|\b\d\s*\(\s*\d{1,2}\s*\)|\d{1,2}\s*年级(?:[\s·・•\-_/,，、]*|[，,、\s]*[在是读]{1,2})[(（]?\s*\d{1,2}\s*[)）]?\s*班|\b(?:i'?m|i am|we'?re|we are)\s+in\s+(?:class\s+|year\s+|grade\s+)?\d{1,2}\s*[a-h]\b|\bclass\s+\d{1,2}\s*[a-h]\b|\b(?:year|grade)\s*\d{1,2}\s*,?\s*class\s*[a-h]\b|\d{1,2}\s*年级\s*[a-h]\s*班|\b(?:my class is|our class is|i'?m in|i am in)\s+(?:class\s+)?\d{1,2}\s*[-./]\s*\d{1,2}\b|[初高]\s*[1-3]\s*[(（]\s*\d{1,2}\s*[)）]|\b(?:yi|er|san|si|wu|liu|\d)\s*nian\s*(?:ji\s*)?(?:yi|er|san|si|wu|liu|qi|ba|jiu|shi|\d{1,2})\s*ban\b|[初高][1-3]\s*(?:年级)?\s*[(（]?\s*\d{1,2}\s*[)）]?\s*班|\d\s*[(（]\s*\d{1,2}\s*[)）]\s*班?|\b\d\d{2}\s*班|\bclass\s*(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s*,?\s*(?:of\s*)?(?:grade|year)\s*(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine)\b|\bclass\s*[:：]\s*\d{1,2}\s*[-./]\s*\d{1,2}\b|\bgrade\s*\d{1,2}\s*,?\s*class\s*\d{1,2}`)
	latinSchoolRe = regexp.MustCompile(`class|grade|year|primary|school|\bg\d|nian\s*ji|\bnian\s*(?:[a-z]{1,4}|\d{1,2})\s*ban\b`)
	schoolCueRe   = regexp.MustCompile(`小学|中学|学校|实验|一中|二中|学号|座位号|我是|我在|我叫|\bi'?m\b|\bi am\b|primary|school|\bfrom\b|written by|name|落款|提议人|\d小|附小|实小|中队|\d中|附中|一中|` + surnames + givenName + `{1,2}`)

	// A class spoken of as a room or as all its children (四年级二班的窗户, 三(2)班的同学们), with
	// no school named and no child saying it is theirs, names nobody.
	// So is a class named beside another (四年级二班和四年级三班的同学): classes, not a child's.
	classroomThingRe = regexp.MustCompile(`^\s*的?\s*(?:窗户|窗|教室|灯|空调|风扇|黑板|白板|桌子|椅子|课桌|桌椅|饮水机|地板|墙|电脑|投影仪?|图书角|卫生角|书柜|柜子|厕所|走廊|同学|小朋友|学生|全体|全班)|^\s*(?:和|与|跟|、|及|还有)\s*(?:\d|[初高])`)

	// A school spoken of as ours names none: 我们学校三年级二班的同学.
	ourSchoolRe = regexp.MustCompile(`(?:我们|咱们|你们|他们|全|这所|那所|本)的?学校`)

	// A school by its name, and the child saying they are in it.
	schoolNameRe   = regexp.MustCompile(`\p{Han}(?:小学|中学|附小|附中|实小|学校)|\d小|\d中|\b(?:primary|school)\b`)
	selfInSchoolRe = regexp.MustCompile(`我是|我在|我读|我上|我今年|我们是|我们班是|的我(?:$|[，,。！!])|我就在|\bi'?m\b|\bi am\b|\bi study\b`)

	// A home told by its floor or building: 我家在3楼, 住在…7栋, 第2间就是我的房间.
	homeNumberRe = regexp.MustCompile(`(?:我家|我住|我的家|我的房间|住在|家住|(?:^|[^之])家在|在.{0,12}住)[^。！？!?\n]{0,30}?(?:第\s*)?\d{1,4}\s*(?:楼|层|栋|幢|单元|室|间|号)|(?:第\s*)?\d{1,4}\s*(?:楼|层|栋|幢|单元|室|间)[^。！？!?\n]{0,12}?(?:就是|是)我(?:的)?(?:家|房间)`)
	// Addresses in pinyin or English: wo zhu zai … 15 hao, 3 dong 2 danyuan 501, Room 1102.
	latinHomeRe = regexp.MustCompile(`(?:zhu\s*zai|wo\s*jia|jia\s*zai|jia\s*zhu|di\s*zhi|\bhome\b|\blive\b|\bflat\b|\baddress\b|xiao\s*qu|hua\s*yuan|我住|我家|地址)[^。！？!?\n]{0,60}?\d{1,4}\s*(?:hao|dong|zhuang|dan\s*yuan|lou|shi|ceng|men|号|栋|楼)|\b(?:my|our|i live|live at|home)\b[^.!?\n]{0,40}?\b(?:room|building|unit|apt|flat|floor)\s*\d{1,4}\b`)
	// A building number after one of these is a public building's, not a home's.
	publicBuildingRe = regexp.MustCompile(`学校|校园|教学|实验|办公|行政|医院|图书馆|少年宫|科技馆|体育馆|博物馆|公园|儿童之家|综合`)
	// A public building named right after a building number: 3号楼教学楼.
	publicAfterRe = regexp.MustCompile(`^\s*(?:` + publicBuildingRe.String() + `|教学楼|实验楼|办公楼|食堂|礼堂|宿舍楼)`)
	// Building numbers as the ends of a stretch: 1号楼到5号楼, 3栋和5栋之间.
	rangeAfterRe  = regexp.MustCompile(`^\s*(?:到|至|和|与|跟|、|~|-)\s*\d{1,4}\s*(?:栋|幢|号楼)`)
	rangeBeforeRe = regexp.MustCompile(`\d{1,4}\s*(?:栋|幢|号楼)\s*(?:到|至|和|与|跟|、|~|-)\s*$`)
	// A room number told of a public place: 图书馆302室, 活动中心201室.
	publicPlaceRe = regexp.MustCompile(publicBuildingRe.String() + `|中心|会议|阅览|居委会|文化馆|美术馆|活动|服务站|议事`)
	roomRe        = regexp.MustCompile(`^\d{2,5}\s*室$`)
	nameCueRe     = regexp.MustCompile(`(?:我叫|我的名字(?:是|叫)|名字(?:是|叫)|姓名)\s*\p{Han}{2,4}|我是` + surnames + `\p{Han}{1,2}`)
	nameRe        = regexp.MustCompile(surnames + `(?:子` + givenName + `|` + givenName + `{1,2})`) // 张子涵, not 林子里

	// Cue words may be spaced or dotted apart (微 信 号, q.q, wei xin): spacedCues allows a
	// little noise between their characters.
	qqCueRe = regexp.MustCompile(spacedCues("qq", "企鹅", "🐧", "q号", "球球", "我的q", "加q", "加我q", "鹅号", "koukou") + `|` + qqSounds + `|\bq\s*[:：]`)
	// The accounts of other apps a child may give are read the same way: 抖音号, 快手, ig.
	wechatCueRe = regexp.MustCompile(spacedCues("vx", "wx", "v信", "加微", "绿泡泡", "weixin", "wechat", "weechat", "v号", "vx号", "wx号", "v我", "我v",
		"抖音", "快手", "小红书", "微博", "instagram", "tiktok", "douyin", "kuaishou", "snapchat") +
		`|` + wechatSounds + `|加我?\s*v\b|\bv\s*[:：]|\b(?:ig|insta|snap|dy|ks)\s*[:：]`)
)

// The cue words for QQ and WeChat as children disguise them: the two syllables of 扣扣 or 微信
// written with any character that sounds like them (抠抠, 寇寇, 口口; 威信, 薇心, 维x, 卫星), or
// with a letter, up to three separators apart.
const (
	cueGap       = `[\s\p{P}\p{S}\p{Cf}]{0,3}`
	qqSounds     = `[扣抠寇蔻叩口筘]` + cueGap + `[扣抠寇蔻叩口筘]|\bkou` + cueGap + `kou\b`
	wechatSounds = `[微威薇徽维围胃卫唯伟巍喂]` + cueGap + `[信心芯新星x鑫欣馨]|wei` + cueGap + `xin`
)

// spacedCues is an alternation of cue words in which up to two spaces, dots or other
// separators may stand between any two characters.
func spacedCues(cues ...string) string {
	alts := make([]string, len(cues))
	for i, c := range cues {
		rs := []rune(c)
		parts := make([]string, len(rs))
		for j, r := range rs {
			parts[j] = regexp.QuoteMeta(string(r))
		}
		alts[i] = strings.Join(parts, `[\s\p{P}\p{S}\p{Cf}]{0,3}`)
	}
	return strings.Join(alts, "|")
}

// givenName is a character of a given name: Han, but not the little words that follow a
// surname-like character in ordinary sentences (太高了, 马上, 林子里).
const givenName = `[^\P{Han}了的是在和就也都很太不有个们上下里子么]`

const surnames = `(?:欧阳|司马|上官|诸葛|[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤])`

// units after a number make it a quantity (3000000元, 1200000人), not personal information.
var units = []string{"元", "块", "角", "万", "亿", "千", "百", "人", "名", "位", "个", "只", "米", "公里", "千米", "厘米", "毫米",
	"平方", "亩", "斤", "公斤", "克", "吨", "步", "次", "年", "天", "小时", "分钟", "秒", "岁", "本", "棵", "株", "辆", "张",
	"条", "座", "间", "所", "层", "页", "%", "度", "份", "台", "盏", "把", "套", "件", "双", "瓶", "箱", "册", "cm", "km", "kg", "m"}

// text is a folded form as a string, with a map from byte offsets back to rune indexes.
type text struct {
	f     *folded
	s     string
	curB  int        // a byte offset of s at a rune's start,
	curR  int        // and the index of that rune in f
	runes *runeBloom // which runes s holds; built on first use
}

// runeBloom records the runes a text holds by their low twelve bits. Most Chinese characters
// begin with the same few bytes, so strings.Contains for a Chinese word stops at nearly every
// character of a Chinese text; the bloom says at once that most cue words are absent.
type runeBloom [64]uint64

func (b *runeBloom) add(r rune)      { b[(r>>6)&63] |= 1 << (r & 63) }
func (b *runeBloom) may(r rune) bool { return b[(r>>6)&63]&(1<<(r&63)) != 0 }

// has reports whether sub occurs in t.s. A Latin or digit first byte is rare enough for
// strings.Contains to be fast; for other words the bloom, built from t.f.r (of which t.s is
// the string), answers first.
func (t *text) has(sub string) bool {
	if sub == "" || sub[0] < utf8.RuneSelf {
		return strings.Contains(t.s, sub)
	}
	if t.runes == nil {
		t.runes = new(runeBloom)
		for _, r := range t.f.r {
			t.runes.add(r)
		}
	}
	for _, r := range sub {
		if !t.runes.may(r) {
			return false
		}
	}
	return strings.Contains(t.s, sub)
}

func newText(f *folded) *text { return &text{f: f, s: runesToString(f.r)} }

// runesToString is string(rs), in one pass: the runtime's conversion measures every rune, then
// encodes it through a call, and that cost as much as a detector for a text of Chinese.
func runesToString(rs []rune) string {
	buf := make([]byte, 0, 3*len(rs)+4)
	for _, r := range rs {
		switch {
		case r >= 0 && r < utf8.RuneSelf:
			buf = append(buf, byte(r))
		case r >= 0x800 && r < 0x10000 && (r < 0xD800 || r > 0xDFFF):
			buf = append(buf, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
		default:
			buf = utf8.AppendRune(buf, r)
		}
	}
	return string(buf)
}

// runeI returns the index of the rune at byte offset b of t.s; inside a rune, of the rune
// after it. Offsets are asked for mostly in order, so a cursor counts only the runes between
// one and the next.
func (t *text) runeI(b int) int {
	for b < len(t.s) && !utf8.RuneStart(t.s[b]) {
		b++
	}
	if b >= t.curB {
		t.curR += utf8.RuneCountInString(t.s[t.curB:b])
	} else {
		t.curR -= utf8.RuneCountInString(t.s[b:t.curB])
	}
	t.curB = b
	return t.curR
}

// reason turns the byte span [a, b) of t.s into a finding on the original text.
func (t *text) reason(kind string, a, b int) Reason {
	start, end := t.f.span(t.runeI(a), t.runeI(b))
	return Reason{Kind: kind, Start: start, End: end}
}

// anchors are the byte offsets where each detector's telltale characters stand, found in one
// pass over the text: a pattern is tried only in small windows around them, which is far
// cheaper than searching the whole text.
type anchors struct {
	email, home, street, building, class []int
	qq, wechat, digits, latin            bool
}

// otherApps are the names of apps whose accounts a child may give, as wechatCueRe reads them.
var otherApps = []string{"抖音", "快手", "红书", "instagram", "ig", "insta", "tiktok", "douyin", "dy", "snap", "ks", "kuaishou"}

func findAnchors(s string) anchors {
	var a anchors
	for i, r := range s {
		switch r {
		case '@', '#', '圈', '老', 'ⓐ', '◎':
			a.email = append(a.email, i)
		case '艾', '爱', '安', '哎', '埃', '挨', '矮':
			if strings.HasPrefix(strings.TrimLeft(s[i+3:], " "), "特") {
				a.email = append(a.email, i)
			}
		case '字':
			if strings.HasPrefix(s[i+3:], "圈") {
				a.email = append(a.email, i)
			}
		case 'a':
			if strings.HasPrefix(s[i:], "at") || strings.HasPrefix(s[i:], "ai") {
				a.email = append(a.email, i)
			}
		case '家', '住', '址', '单', '室', '-', '房', '间':
			a.home = append(a.home, i)
		case '号':
			a.street = append(a.street, i)
			a.building = append(a.building, i)
		case '栋', '幢':
			a.building = append(a.building, i)
		case '班', '年', '初', '高', '队':
			if classCanStand(s, i, r) {
				a.class = append(a.class, i)
			}
		case 'q', '扣', '企', '球', '寇', '蔻', '🐧', '抠', '口', '叩', '筘', '鹅':
			a.qq = true
		case '微', '威', '薇', '徽', '维', '围', '胃', '卫', '唯', '伟', '巍', '喂', 'v', 'w', '绿':
			a.wechat = true
		case '抖', '快', '红', 'i', 't', 'd', 's', 'k':
			// Other apps: only their names, so that 快 and 红 in every other sentence cost nothing.
			if r == 'k' {
				a.qq = true
			}
			for _, app := range otherApps {
				if strings.HasPrefix(s[i:], app) {
					a.wechat = true
				}
			}
		}
		if r >= '0' && r <= '9' {
			a.digits = true
		} else if r >= 'a' && r <= 'z' {
			a.latin = true
		}
	}
	return a
}

// classCanStand reports whether a grade or class pattern can hold the character r at byte i
// of s, judged by its neighbours: 班 after a digit, a bracket or 十, or before 级; 年 before 级
// or a digit; 初 and 高 before a digit. 我们班 and 2025年6月 are no class: the patterns, tried
// in a window around every such character, cost more than this look.
func classCanStand(s string, i int, r rune) bool {
	next, prev := nextNonSpace(s, i+utf8.RuneLen(r)), prevNonSpace(s, i)
	switch r {
	case '班':
		return isDigit(prev) || prev == ')' || prev == '）' || prev == '十' || next == '级' || prev >= 'a' && prev <= 'h'
	case '年':
		return next == '级' || isDigit(next)
	case '初', '高':
		return isDigit(next)
	}
	return true
}

func nextNonSpace(s string, i int) rune {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}

func prevNonSpace(s string, i int) rune {
	for i > 0 && (s[i-1] == ' ' || s[i-1] == '\t') {
		i--
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

// around finds re in windows of t.s reaching before and after bytes from each anchor.
// Overlapping windows are merged, so a match is found once.
func (t *text) around(re *regexp.Regexp, before, after int, at []int) [][]int {
	if len(at) == 0 {
		return nil
	}
	var spans [][2]int
	for _, i := range at {
		a, b := max(0, i-before), min(len(t.s), i+after)
		for a > 0 && !utf8.RuneStart(t.s[a]) {
			a--
		}
		for b < len(t.s) && !utf8.RuneStart(t.s[b]) {
			b++
		}
		if n := len(spans); n > 0 && a <= spans[n-1][1] {
			spans[n-1][1] = max(spans[n-1][1], b)
		} else {
			spans = append(spans, [2]int{a, b})
		}
	}
	var out [][]int
	for _, sp := range spans {
		out = append(out, t.filter(re.FindAllStringIndex(t.s[sp[0]:sp[1]], -1), sp[0])...)
	}
	return out
}

// matches finds re in t, keeping only matches that are not part of a longer number.
func (t *text) matches(re *regexp.Regexp) [][]int { return t.filter(re.FindAllStringIndex(t.s, -1), 0) }

// filter shifts matches by off and drops those that are only part of a longer number.
func (t *text) filter(found [][]int, off int) [][]int {
	var out [][]int
	for _, m := range found {
		m = []int{m[0] + off, m[1] + off}
		if m[0] > 0 && isDigit(rune(t.s[m[0]-1])) && isDigit(rune(t.s[m[0]])) {
			continue
		}
		if m[1] < len(t.s) && isDigit(rune(t.s[m[1]])) && isDigit(rune(t.s[m[1]-1])) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// mayHave reports whether s holds any of the literals a pattern needs: a regexp that cannot
// match is not run (an unanchored search costs far more than a substring test).
func mayHave(s string, literals ...string) bool {
	for _, l := range literals {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

// hasDigits reports whether a folded form holds any digit.
func hasDigits(s string) bool { return strings.ContainsAny(s, "0123456789") }

// Anchored forms of the date and time patterns, tried only where one can begin.
var (
	dateAt  = regexp.MustCompile(`^(?:` + dateRe.String() + `|` + yearsRe.String() + `)`)
	timeAt  = regexp.MustCompile(`^` + timeRe.String())
	maxDate = 32 // bytes: the longest date or year range, with spaces
	// A bracketed year (〔2021〕) and the denominator of a rate (/100000).
	docYearAt = regexp.MustCompile(`^[(（〔\[【]\s*(?:19|20)\d{2}\s*[)）〕\]】]`)
	rateAt    = regexp.MustCompile(`^/\s*10{1,6}`)
)

// mayBeDate reports whether s, which begins with 19 or 20, continues as a date or a year range
// must: two more digits, perhaps spaces, then a separator (-/.~ or a wide one such as 年 or 至).
func mayBeDate(s string) bool {
	if len(s) < 5 || !isDigit(rune(s[2])) || !isDigit(rune(s[3])) {
		return false
	}
	i := 4
	for i < len(s) && strings.IndexByte(" \t\n\f\r", s[i]) >= 0 { // what \s matches
		i++
	}
	return i < len(s) && (s[i] == '-' || s[i] == '/' || s[i] == '.' || s[i] == '~' || s[i] >= utf8.RuneSelf)
}

// maskDates replaces valid dates and times with markers: they are never personal information.
// Candidates are found by hand (a year beginning 19 or 20, or the hour before a colon) and only
// there is an anchored pattern tried: far cheaper than searching the whole text. It returns
// the masked text.
func maskDates(f *folded) *text {
	t := newText(f)
	s := t.s
	if !hasDigits(s) {
		return t
	}
	var masks [][2]int
	mask := func(a, b int) {
		if b < len(s) && isDigit(rune(s[b])) && isDigit(rune(s[b-1])) || a > 0 && isDigit(rune(s[a-1])) && isDigit(rune(s[a])) {
			return // part of a longer number: 15939791756 holds no book number
		}
		for i := t.runeI(a); i < t.runeI(b); i++ {
			f.r[i] = marker
		}
		masks = append(masks, [2]int{a, b})
	}
	// Dates; a year in brackets citing a document (发改社会〔2021〕1380号); a count per ten, hundred
	// or hundred thousand, which is a rate (死亡率7/100000). None joins the numbers beside it.
	// One pass finds where each can begin.
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '1', '2':
			if i+4 <= len(s) && (c == '1' && s[i+1] == '9' || c == '2' && s[i+1] == '0') && (i == 0 || !isDigit(rune(s[i-1]))) && mayBeDate(s[i:]) {
				if m := dateAt.FindStringIndex(s[i:min(len(s), i+maxDate)]); m != nil {
					mask(i, i+m[1])
					i += m[1] - 1
				}
			}
		case '/':
			if m := rateAt.FindStringIndex(s[i:min(len(s), i+16)]); m != nil && (i+m[1] == len(s) || !isDigit(rune(s[i+m[1]]))) {
				mask(i, i+m[1])
			}
		case '(', '[', 0xEF, 0xE3: // （ begins with 0xEF, 〔 and 【 with 0xE3
			if c < utf8.RuneSelf || strings.HasPrefix(s[i:], "（") || strings.HasPrefix(s[i:], "〔") || strings.HasPrefix(s[i:], "【") {
				if m := docYearAt.FindStringIndex(s[i:min(len(s), i+16)]); m != nil {
					mask(i, i+m[1])
				}
			}
		}
	}
	// Book numbers and standards: ISBN 978-7-5344-0380-4, GB 8408-2018.
	if t.has("97") || t.has("gb") {
		for _, m := range codeRe.FindAllStringIndex(s, -1) {
			mask(m[0], m[1])
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] != ':' {
			continue
		}
		start := i
		for start > 0 && i-start < 2 && isDigit(rune(s[start-1])) {
			start--
		}
		for start < i && (start > 0 && isDigit(rune(s[start-1]))) {
			start++ // more than two digits before the colon: not an hour
		}
		if start == i {
			continue
		}
		if m := timeAt.FindStringIndex(s[start:min(len(s), start+maxDate)]); m != nil {
			mask(start, start+m[1])
		}
	}
	if len(masks) == 0 {
		return t
	}
	// Rebuild the string by copying bytes around the masked spans.
	slices.SortFunc(masks, func(x, y [2]int) int { return x[0] - y[0] })
	var b strings.Builder
	b.Grow(len(s) + 2*len(masks))
	at := 0
	for _, m := range masks {
		if m[0] < at {
			continue
		}
		b.WriteString(s[at:m[0]])
		for range utf8.RuneCountInString(s[m[0]:m[1]]) {
			b.WriteRune(marker)
		}
		at = m[1]
	}
	b.WriteString(s[at:])
	return &text{f: f, s: b.String()}
}

// personal finds personal information in the folded text.
func personal(base *folded) []Reason {
	t := maskDates(digitForm(spelledDigits(quantities(base))))
	d := t.f
	a := findAnchors(t.s)
	var out []Reason
	for _, m := range t.around(emailRe, 96, 96, a.email) {
		out = append(out, t.reason("email", m[0], m[1]))
	}
	if len(a.email) > 0 && strings.Contains(t.s, " ") {
		// y u e y u e 2 0 1 3 @ 1 6 3 . c o m: read again with the spaces taken out.
		tight := newText(dropSpaces(t.f))
		for _, m := range tight.matches(emailRe) {
			out = append(out, tight.reason("email", m[0], m[1]))
		}
	}
	if len(a.email) > 0 {
		// qiqi2013 在 139 点 com（在=@）: a word the child says stands for @ is read as @.
		if declared := declaredSigns(t); declared != nil {
			for _, m := range declared.matches(emailRe) {
				out = append(out, declared.reason("email", m[0], m[1]))
			}
		}
	}
	if t.has("我住") {
		for _, m := range livesInEstateRe.FindAllStringIndex(t.s, -1) {
			if !genericHomeRe.MatchString(t.s[m[0]:m[1]]) {
				out = append(out, t.reason("address", m[0], m[1]))
			}
		}
	}
	if t.has("学") && (t.has("叫") || t.has("名") || t.has("我是")) {
		out = append(out, namedAtSchool(base)...)
	}
	for _, m := range t.around(homeRe, 24, 48, a.home) {
		before := string(t.f.r[max(0, t.runeI(m[0])-10):t.runeI(m[0])])
		if roomRe.MatchString(t.s[m[0]:m[1]]) && publicPlaceRe.MatchString(before) && !strings.ContainsAny(before, "家住") {
			continue // 图书馆302室: a room where anyone may go
		}
		if strings.ContainsAny(t.s[m[0]:m[1]], "几哪啥") {
			continue // 你家住几楼: a question about a home, not one
		}
		if genericHomeRe.MatchString(t.s[m[0]:m[1]]) {
			continue // 我家在农村, 我住在小区里: a kind of place, not which one
		}
		if floorOnly(t, m) {
			continue // 我家在8楼，电梯坏了: a floor of no building said
		}
		if before := string(t.f.r[max(0, t.runeI(m[0])-8):t.runeI(m[0])]); !adviceRe.MatchString(before) {
			out = append(out, t.reason("address", m[0], m[1]))
		}
	}
	if !a.digits {
		if a.latin && latinSchoolRe.MatchString(t.s) {
			out = append(out, schoolClasses(t, base, a)...) // grade eight, class four
		}
		out = append(out, loose(t)...)
		if a.wechat { // a WeChat ID may be letters only
			out = append(out, numbers(newText(joinDigits(d)), a)...)
		}
		return out
	}
	for _, m := range t.around(streetRe, 48, 3, a.street) {
		after := string(t.f.r[t.runeI(m[1]):min(len(t.f.r), t.runeI(m[1])+8)])
		if !publicBuildingRe.MatchString(after) && !strings.Contains(after, "中心") {
			out = append(out, t.reason(holdPrefix+"address", m[0], m[1]))
		}
	}
	for _, m := range t.around(buildingRe, 12, 9, a.building) {
		if strings.HasPrefix(t.s[m[1]:], "楼") && !strings.HasSuffix(t.s[m[0]:m[1]], "号楼") {
			continue // 6栋楼: how many buildings, not which
		}
		before := string(t.f.r[max(0, t.runeI(m[0])-10):t.runeI(m[0])])
		after := string(t.f.r[t.runeI(m[1]):min(len(t.f.r), t.runeI(m[1])+3)])
		if publicAfterRe.MatchString(after) && !strings.ContainsAny(before, "家住") {
			continue // 3号楼教学楼, 9号楼图书馆: the building is a school's
		}
		if rangeAfterRe.MatchString(t.s[m[1]:]) || rangeBeforeRe.MatchString(t.s[:m[0]]) {
			continue // 1号楼到5号楼之间: a stretch of buildings, nobody's home
		}
		if !publicBuildingRe.MatchString(before) || strings.ContainsAny(before, "小区家住") {
			out = append(out, t.reason(holdPrefix+"address", m[0], m[1]))
		}
	}
	out = append(out, schoolClasses(t, base, a)...)
	for _, m := range t.around(homeNumberRe, 64, 48, a.home) {
		if !floorOnly(t, m) {
			out = append(out, t.reason(holdPrefix+"address", m[0], m[1]))
		}
	}
	if a.latin || len(a.home) > 0 {
		for _, m := range latinHomeRe.FindAllStringIndex(t.s, -1) {
			if !floorOnly(t, m) {
				out = append(out, t.reason("address", m[0], m[1]))
			}
		}
	}
	out = append(out, loose(t)...)
	out = append(out, numbers(newText(joinDigits(d)), a)...)
	if !a.latin {
		return out
	}
	if l := leetDigits(d); l != nil {
		// l38OOl38OOO: letters for digits count only where they make a phone or an ID number.
		lt := newText(joinDigits(l))
		for _, run := range digitRuns(lt.s) {
			if n := lt.s[run[0]:run[1]]; isMobile(n) || isLandline(n) || isIDNumber(n) {
				out = append(out, lt.reason(KindPhone, run[0], run[1]))
			}
		}
	}
	return out
}

var (
	// A floor: 8楼, 6层. Followed by 楼 or 高 it counts a building's storeys (6层楼, 6层高).
	floorNumberRe = regexp.MustCompile(`\d{1,2}\s*(?:楼|层)`)
	storeysRe     = regexp.MustCompile(`^\s*(?:楼|高|的(?:老|新|旧)?楼)`)
	// Anything but a floor that helps find a home: a number that is no amount, a building, a
	// unit, a room, a street, an estate, a landmark or a side of something.
	placeSignRe = regexp.MustCompile(`栋|幢|单元|室|号|小区|花园|家园|新村|公寓|大厦|苑|村|路|街|巷|弄|胡同|院|边|旁|对|后|前|隔壁|附近|上面|下面|里面|那里|那儿|往|出来|好找|楼上|楼下|那栋|这栋|门口|顶楼|[东西南北]门|店|超市|市场|银行|医院|学校|[a-z]`)
)

// floorOnly reports whether the home cue matched at m tells a floor and nothing else that
// finds the home: 我家在8楼，电梯坏了 says how high, not where; 住在老小区，6层楼都没有电梯 says
// how high the buildings are. With a landmark, a building or a number beside it, it is a home.
func floorOnly(t *text, m []int) bool {
	f := floorNumberRe.FindAllStringIndex(t.s[m[0]:min(len(t.s), m[1]+4)], -1)
	if len(f) == 0 {
		return false
	}
	if end := m[0] + f[len(f)-1][1]; storeysRe.MatchString(t.s[end:]) {
		return true // 6层楼: a count of storeys
	}
	rest := floorNumberRe.ReplaceAllString(t.s, "")
	if placeSignRe.MatchString(rest) {
		return false
	}
	for _, run := range digitRuns(rest) {
		if !isQuantity(rest, run[0], run[1]) && !strings.HasPrefix(strings.TrimLeft(rest[run[1]:], " "), "个") {
			return false
		}
	}
	return true
}

// namedSchoolRe is a school by its own name (东湖小学, 实验中学), not 我们学校 or 这所小学.
var namedSchoolRe = regexp.MustCompile(`(\p{Han})(?:小学|中学|附小|附中|实小|学校)`)

// namedAtSchool finds a child's full name given with their school's name: 我叫刘洋，是东湖小学的
// 学生. A surname and a given name with the school name one child, class or no class; a
// nickname (我叫小鱼) does not.
func namedAtSchool(base *folded) []Reason {
	t := newText(base)
	s := t.s
	cue := nameCueRe.FindStringIndex(s)
	if cue == nil || !nameRe.MatchString(s[cue[0]:min(len(s), cue[1]+3)]) {
		return nil
	}
	for _, m := range namedSchoolRe.FindAllStringSubmatchIndex(s, -1) {
		if !strings.Contains("们所个的有各每全些市区县镇省好新这那本该", s[m[2]:m[3]]) {
			return []Reason{t.reason(holdPrefix+"school_class", cue[0], cue[1])}
		}
	}
	return nil
}

// schoolClasses finds a grade and a class that name a child: with a name beside them, or
// together with a school or the child speaking.
func schoolClasses(t *text, base *folded, a anchors) []Reason {
	var out []Reason
	classes := slices.DeleteFunc(t.around(classRe, 12, 16, a.class), func(m []int) bool { return runOfService(t.s, m) })
	if len(classes) > 0 && namedNear(t, base, classes) {
		for _, m := range classes {
			out = append(out, t.reason(holdPrefix+"school_class", m[0], m[1]))
		}
	} else if len(classes) > 0 || a.latin && latinSchoolRe.MatchString(t.s) || t.has(")班") || t.has("）班") ||
		t.has("十班") || t.has("队") || t.has("高") || t.has("初") || t.has("班级") {
		// No name: a grade and a class together, with a school or the child speaking. Looked
		// for only around 班 and 队 (and in Latin text that speaks of a class).
		var at []int
		for i, r := range t.s {
			if (r == '班' || r == '队' || r == '高' || r == '初') && classCanStand(t.s, i, r) {
				at = append(at, i)
			}
		}
		grades := t.around(gradeClassRe, 24, 12, at) // 高1.15: the class's digits follow
		if a.latin && latinSchoolRe.MatchString(t.s) {
			grades = append(grades, t.matches(gradeClassRe)...)
		}
		if len(grades) == 0 && len(classes) > 0 && schoolNameRe.MatchString(t.s) && selfInSchoolRe.MatchString(t.s) {
			// 我是一师附小一五班的: a school and a class, said by the child, name the child's forty.
			for _, m := range classes {
				if strings.HasSuffix(t.s[m[0]:m[1]], "班") && !isQuantity(t.s, m[0], m[1]) {
					out = append(out, t.reason(holdPrefix+"school_class", m[0], m[1]))
					break
				}
			}
		}
		for _, m := range grades {
			if isQuantity(t.s, m[0], m[1]) {
				continue // 滑梯高2.5米
			}
			if classroomThingRe.MatchString(t.s[m[1]:]) && !schoolCueRe.MatchString(ourSchoolRe.ReplaceAllString(t.s, "")) {
				continue // 四年级二班的窗户关不上: a classroom, nobody in it named
			}
			if strings.Contains(t.s[m[0]:m[1]], "年级") || strings.Contains(t.s[m[0]:m[1]], "nian") || schoolCueRe.MatchString(t.s) {
				out = append(out, t.reason(holdPrefix+"school_class", m[0], m[1]))
				break
			}
		}
	}
	return out
}

// declaredRe finds a word said to stand for @: （在=@）, 在就是@, "at" means @.
var declaredRe = regexp.MustCompile(`(\p{Han}{1,2}|[a-z]{1,5})\s*(?:=|＝|就是|代表|表示|当作|means|stands for)\s*@`)

// declaredSigns returns t with every word the text declares to stand for @ written as @, or
// nil when it declares none.
func declaredSigns(t *text) *text {
	m := declaredRe.FindStringSubmatchIndex(t.s)
	if m == nil {
		return nil
	}
	word := []rune(t.s[m[2]:m[3]])
	out := newFolded(len(t.f.r))
	for i := 0; i < len(t.f.r); i++ {
		if i+len(word) <= len(t.f.r) && slices.Equal(t.f.r[i:i+len(word)], word) {
			out.add('@', t.f.start[i], t.f.end[i+len(word)-1])
			i += len(word) - 1
			continue
		}
		out.add(t.f.r[i], t.f.start[i], t.f.end[i])
	}
	return newText(out)
}

// serviceRunRe: 班 as a run of a bus or train (5班车, 每隔4分钟一班, 航班), not a class.
var (
	serviceAfterRe  = regexp.MustCompile(`^\s*(?:车|次|机)`)
	serviceBeforeRe = regexp.MustCompile(`(?:每隔|每|分钟|小时|末|早|晚|航)\S{0,6}$`)
)

// runOfService reports whether the class match m of s, ending in 班, is a run of a bus or a
// train rather than a class.
func runOfService(s string, m []int) bool {
	if !strings.HasSuffix(s[m[0]:m[1]], "班") {
		return false
	}
	return serviceAfterRe.MatchString(s[m[1]:]) || serviceBeforeRe.MatchString(s[max(0, m[0]-24):m[0]]) && !strings.Contains(s[m[0]:m[1]], "年")
}

// dropSpaces returns f without its spaces and the dots children put between the letters of a
// word (m · a · n · g · o).
func dropSpaces(f *folded) *folded {
	out := newFolded(len(f.r))
	for i, r := range f.r {
		if r != ' ' && r != '\t' && r != '·' && r != '•' && r != '・' && r != '‧' && r != '∙' {
			out.add(r, f.start[i], f.end[i])
		}
	}
	return out
}

// namedNear reports whether a name is given with a school class: by a cue (我叫…) anywhere, or a
// surname and given name within a few characters of the class.
func namedNear(t *text, base *folded, classes [][]int) bool {
	// The cue is read in the text before digits were made of numerals: 我叫罗一鸣 names a
	// child, 我叫罗1鸣 would not. Beside the class, numerals stay digits: 高一新生 is no name.
	if nameCueRe.MatchString(runesToString(base.r)) {
		return true
	}
	for _, m := range classes {
		lo, hi := max(0, t.runeI(m[0])-4), min(len(t.f.r), t.runeI(m[1])+4)
		if nameRe.MatchString(string(t.f.r[lo:hi])) {
			return true
		}
	}
	return false
}

// numbers classifies every run of digits in the joined digit form; a says which cue words
// may be present.
func numbers(t *text, a anchors) []Reason {
	var out []Reason
	var qq, wechat []int
	if a.qq {
		qq = cuePositions(t, qqCueRe)
	}
	if a.wechat {
		wechat = cuePositions(t, wechatCueRe)
	}
	for _, run := range digitRuns(t.s) {
		i, j := run[0], run[1]
		if j-i == 17 && j < len(t.s) && t.s[j] == 'x' {
			j++ // an ID number's check character
		}
		if kind := classify(t, i, j, qq, wechat); kind != "" {
			out = append(out, t.reason(kind, i, j))
		}
	}
	// A WeChat ID is letters and digits after a WeChat cue: 微信 xiaoyu_2015.
	for k := 0; k+1 < len(wechat); k += 2 {
		c := wechat[k : k+2]
		if _, b, ok := idAfter(t.s, c[1]); ok {
			out = append(out, t.reason("wechat", c[0], b))
		} else if a, ok := idBefore(t.s, c[0]); ok {
			out = append(out, t.reason("wechat", a, c[1]))
		} else if at := laterIDCue(t.s, c[1]); at > 0 {
			if _, b, ok := idAfter(t.s, at); ok {
				out = append(out, t.reason("wechat", c[0], b))
			}
		}
	}
	return out
}

// classify names what a run of digits s[i:j] is, or "" when it is nothing personal.
func classify(t *text, i, j int, qq, wechat []int) string {
	n := t.s[i:j]
	switch {
	case isMobile(n):
		return "phone"
	case isLandline(n):
		return "landline"
	case isIDNumber(n):
		return "id_number"
	case len(n) < 5:
		return ""
	case near(qq, i, j, t) && len(n) <= 12:
		return "qq"
	case near(wechat, i, j, t):
		return "wechat"
	case isQuantity(t.s, i, j):
		return ""
	case len(n) < 13 && i > 0 && isASCIILetterOrDash(t.s[i-1]) || thingNumberRe.MatchString(t.s[max(0, i-40):i]) ||
		strings.HasSuffix(t.s[max(0, i-8):i], "编号") && thingAfterRe.MatchString(t.s[j:]):
		return "" // a code: YS-2019-0386, TS2024-0318, 编号8640219375, 注册代码31103301022019050017
	case len(n) >= 13 && len(n) <= 19 && luhn(n):
		return "bank_card"
	case len(n) >= 20:
		return holdPrefix + "long_number" // no personal number is this long: a code, most likely
	case len(n) >= 11:
		return "long_number"
	case len(n) >= 7:
		return holdPrefix + "long_number"
	}
	return ""
}

func isASCIILetterOrDash(c byte) bool { return c >= 'a' && c <= 'z' || c == '-' }

func isMobile(n string) bool {
	for _, p := range []string{"0086", "86", ""} {
		if strings.HasPrefix(n, p) && len(n)-len(p) == 11 && n[len(p)] == '1' && n[len(p)+1] >= '3' {
			return true
		}
	}
	return false
}

var landlineRe = regexp.MustCompile(`^(?:0(?:10|2\d|[3-9]\d{2})[2-9]\d{6,7}|[48]00\d{7})$`)

func isLandline(n string) bool { return landlineRe.MatchString(n) }

// isIDNumber accepts an 18-digit resident ID (the last may be X) or a 15-digit old one whose
// birth date is plausible, whether or not the GB 11643-1999 check digit holds: a child who
// mistypes one digit of their ID has still written it.
func isIDNumber(n string) bool {
	switch len(n) {
	case 18:
		return plausibleDate(n[6:10], n[10:12], n[12:14])
	case 15:
		return plausibleDate("19"+n[6:8], n[8:10], n[10:12])
	}
	return false
}

func plausibleDate(y, m, d string) bool {
	year, month, day := atoi(y), atoi(m), atoi(d)
	return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// IDCheckDigit computes the GB 11643-1999 check character of the first 17 digits.
func IDCheckDigit(first17 string) byte {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * weights[i]
	}
	return "10X98765432"[sum%11]
}

func luhn(n string) bool {
	sum, double := 0, false
	for i := len(n) - 1; i >= 0; i-- {
		d := int(n[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// isQuantity reports whether the number s[i:j] counts something: a unit follows or 第 leads.
func isQuantity(s string, i, j int) bool {
	rest := strings.TrimLeft(s[j:], " ")
	for _, u := range units {
		if strings.HasPrefix(rest, u) {
			return true
		}
	}
	return strings.HasSuffix(s[:i], "第")
}

// cuePositions lists the byte offsets where cue words end and start.
func cuePositions(t *text, re *regexp.Regexp) []int {
	var out []int
	for _, m := range re.FindAllStringIndex(t.s, -1) {
		out = append(out, m[0], m[1])
	}
	return out
}

// near reports whether a cue ends within 8 characters before the number or starts within 6
// after it.
func near(cues []int, i, j int, t *text) bool {
	for k := 0; k < len(cues); k += 2 {
		start, end := cues[k], cues[k+1]
		if end <= i && t.runeI(i)-t.runeI(end) <= 8 {
			return true
		}
		if start >= j && t.runeI(start)-t.runeI(j) <= 6 {
			return true
		}
	}
	return false
}

// laterIDRe: the account itself named later in the sentence, after the cue and a few words
// about it: 微信名叫小鱼儿，号是 fish2013.
var laterIDRe = regexp.MustCompile(`^[^。！？!?\n]{0,12}?(?:号|号码|账号|\bid)\s*(?:是|为|[:：=])`)

// laterIDCue returns the byte offset just after laterIDRe's match at s[at:], or 0.
func laterIDCue(s string, at int) int {
	if m := laterIDRe.FindStringIndex(s[at:]); m != nil {
		return at + m[1]
	}
	return 0
}

// idAfter finds an account name within a few characters after a cue: 微信号是 xiaoyu_2015,
// vx: lulu, wx号 xy9. A name like an account (a digit or _ in it, or long) may stand anywhere;
// a short name of letters counts when it stands alone, as a name given rather than a word of
// a sentence (shortHandle).
func idAfter(s string, at int) (int, int, bool) {
	i, skipped, told := at, 0, false
	for i < len(s) && skipped < 6 {
		r, w := utf8.DecodeRuneInString(s[i:])
		if isIDRune(r) {
			// hao, haoma or id after the cue is its last word, in pinyin or English: wei xin hao: lily2013.
			if n := cueTail(s[i:]); n > 0 {
				i += n
				told = true
				continue
			}
			break
		}
		if !strings.ContainsRune("号是为叫:=我的搜索找你加 ", r) && !isNoise(r) {
			return 0, 0, false
		}
		told = told || strings.ContainsRune("号是为叫:=", r)
		i += w
		skipped++
	}
	j := i
	for j < len(s) && (isIDRune(rune(s[j])) || s[j] == '.' && j+1 < len(s) && isASCIIAlnum(rune(s[j+1]))) {
		j++
	}
	if j-i >= 5 && j-i <= 20 && accountLike(s[i:j]) { // "WeChat group" names no account
		return i, j, true
	}
	return i, j, shortHandle(s, i, j, told)
}

// shortHandle reports whether s[i:j], a name after a WeChat cue too short or too plain to look
// like an account (lele, xy9, Zz), is one: it is no common English or pinyin word, and it
// stands alone, followed by nothing, a Chinese word or a sign rather than by more Latin words,
// in a Chinese text, a text of a few words, or after a sign that a name is given (号, 是, :).
func shortHandle(s string, i, j int, told bool) bool {
	if j-i < 1 || j-i > 20 || notHandle[s[i:j]] || commonLatin[s[i:j]] {
		return false
	}
	rest := strings.TrimLeft(s[j:], " ")
	if rest != "" && isASCIIAlnum(rune(rest[0])) {
		return false // wechat to vote: a word of a sentence
	}
	if told {
		return true
	}
	han, words := false, 0
	for k, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			han = true
		}
		if isASCIIAlnum(r) && (k == 0 || !isASCIIAlnum(rune(s[k-1]))) {
			words++
		}
	}
	return han || words <= 4
}

// notHandle are the short words that follow a WeChat cue in sentences: in English (WeChat
// group, wechat and qq), in pinyin (weixin qun), and the names of the apps themselves.
var notHandle = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the to and or but so if is are was were be been am do does did has have had
		it its this that these those there here then than too also very not no yes ok okay
		on in at of for with from by as up out off over about into all any some more most much many
		i me my you your he him his she her we us our they them their who what when where why how
		can could will would should may might must shall let lets get got go goes make makes use used
		group groups chat chats app apps pay call calls video message messages msg account accounts id ids
		moments friend friends contact contacts number phone mini program official
		qq vx wx v wechat weixin email mail tel sms hao haoma qun liao tian shang li de ma ba le ne
		pls please thanks thx hi hello bye
		busy slow down fast free fun good bad great nice cool easy hard useful popular blocked broken
		new old big small better worse best open closed full empty safe unsafe fine banned allowed`) {
		notHandle[w] = true
	}
}

// cueTail returns the length of a cue's last word at the start of s, or 0: hao, hao ma, haoma
// or id, and shi or is after them.
func cueTail(s string) int {
	for _, w := range []string{"hao ma", "haoma", "hao", "id", "shi", "is"} {
		if strings.HasPrefix(s, w) && (len(s) == len(w) || !isIDRune(rune(s[len(w)]))) {
			return len(w)
		}
	}
	return 0
}

// idBefore finds an account name just before a cue: xiaoyu_2015 是我的微信.
func idBefore(s string, at int) (int, bool) {
	head := strings.TrimRight(s[:at], "是我的 :")
	j := len(head)
	i := j
	for i > 0 && isIDRune(rune(head[i-1])) {
		i--
	}
	return i, j-i >= 6 && j-i <= 20 && strings.ContainsAny(head[i:j], "0123456789_")
}

func isIDRune(r rune) bool { return isASCIIAlnum(r) || r == '_' || r == '-' }
