package moderation

import (
	"regexp"
	"slices"
	"strings"
)

// Looser readings of contact details and homes, for the ways children write them when they
// know a filter is looking: an e-mail whose @ and dot are spelled out any way at all, an account
// name after any word that says "find me", a home told by the way to it, and addresses in
// pinyin or English. Each needs two signs together (a provider and a name, a cue and a name, a
// home and a direction), so that ordinary sentences that have only one pass.

var (
	// A mail provider, and an account-like name before it.
	mailProviderRe = regexp.MustCompile(`\b(?:163|126|139|188|qq|sina|sohu|aliyun|icloud|hotmail|outlook|gmail|yeah|foxmail|yahoo|21cn|proton)\b`)
	mailWordRe     = regexp.MustCompile(`邮箱|邮件|e-?mail|写信|域名|后缀|用户名|username`)
	mailCueRe      = regexp.MustCompile(`@|#|ⓐ|艾特|\bat\b|\(a\)|在|邮箱|邮件|e-?mail|mail|邮`)

	// An account name: starts with a letter, 6–20 letters, digits, _ or -, with a digit, _ or -
	// in it, or 8 letters or more.
	handleRe = regexp.MustCompile(`\b[a-z][a-z0-9_\-.]{4,19}\b`)
	// Words that ask to be found or added.
	contactCueRe = regexp.MustCompile(`dd我|滴滴我|私我|手动加|\badd me\b|是我(?:的)?(?:微信|vx|wx|v)|微[\p{S}\p{P}\s]{1,3}|wei\s*信|[🟢💚]\s*(?:信|泡泡)?|green app|\bwc\b|加我|加\s*我|\+\s*我|\+\s*v\b|搜(一搜|我|索)?|找我|好友|同号|微信|薇|` + wechatSounds + `|` + qqSounds + `|wx|vx|\bv\b|v信|绿泡泡|泡泡|绿色软件|wechat|weixin|\bid\b|账号|号码|扣扣|企鹅|\bqq\b`)

	// The cues that ask to be added, after which any name is an account's.
	addMeRe = regexp.MustCompile(`^(?:手动加|加我|加\s*我|\+\s*我|dd我|滴滴我|私我)$`)

	// An e-mail with any sign for @ between a name and a provider, read with spaces taken out.
	looseMailRe = regexp.MustCompile(`[a-z0-9][a-z0-9._\-]{3,}[(（]?(?:` + atSigns + `|at|aite|_at_|\(@\)|\[@\]|圈)[)）]?_?(?:163|126|139|189|188|qq|sina|sohu|aliyun|icloud|hotmail|outlook|gmail|yeah|foxmail|yahoo|proton|雅虎|新浪|网易)`)
	anyAtMailRe = regexp.MustCompile(`[a-z0-9][a-z0-9._\-]{2,}\s*@\s*[a-z0-9][a-z0-9\-]{1,}`)
	// A floor and a door: a home, whoever it is said of (5楼东边那户, 6th floor, red curtains).
	floorRe    = regexp.MustCompile(`\d{1,2}\s*(?:楼|层)|楼上|\b\d{1,2}(?:st|nd|rd|th)\s+floor\b|\bfloor\s*\d{1,2}\b`)
	doorSignRe = regexp.MustCompile(`那户|那家|右手边|左手边|门上|门前|门口有|出门|左拐|右拐|[红黄蓝绿白黑灰棕紫]色的?(?:木|铁)?门|院子|屋顶|窗帘|\b(?:door|curtains|balcony|knock|courtyard|gate|apartment|flat|above|next to|across from)\b`)
	// A house told by the way to it, whoever it is said of: 往北走3百米，蓝色瓦房，门口有棵大槐树.
	wayRe   = regexp.MustCompile(`往[东南西北左右前]走|出门[左右]拐|[左右]拐|走到`)
	houseRe = regexp.MustCompile(`色的?(?:瓦房|房子|小楼|楼|木门|铁门|大门|屋顶)|[红黄蓝绿白黑灰棕紫粉]色?的?(?:瓦房|房子|小楼|楼房)|老房子|平房|门口有|那栋|顶楼|窗口|窗户|第\d+家|巷子里|那条街|隔壁那|后面那|铺子|小卖部|店铺`)

	// Contact words: a number given in parts beside one of these is read joined. A regular
	// expression over the whole text cost more than the rest of screening; substrings do not.
	contactWords = []string{"电话", "手机", "号码", "座机", "联系", "打给", "打通", "qq", "扣扣", "q号", "我的号", "区号", "我的q", "q:"}
	// partWords tell a number in parts (前面170，中间9327，后面1662): two of them are a cue.
	partWords = []string{"前面", "开头", "前三位", "中间", "后面", "后四位", "后八位", "前七位", "最后", "末尾", "尾号", "前几位", "后几位"}
	contactRe = regexp.MustCompile(`\b(?:call|phone|number|cell|mobile|dial|whatsapp|landline|area code|qq)\b`)

	// A home told by the way to it: the home as what is pointed at, with a direction or a door.
	homeIsRe      = regexp.MustCompile(`[，,]\s*(?:那|这)?(?:就是)?我(?:们)?家\s*[。!！]?\s*$|(?:就是|是|那是)我(?:们|的)?(?:外婆|奶奶|姥姥|爷爷|外公|姥爷|舅舅|姑姑|阿姨|叔叔)?(?:家|房间)|(?:来|到|去)我家[:：]|我\p{Han}{0,2}家(?:就)?(?:在|住|是)|我(?:们)?(?:就)?住(?:在)?|我(?:们)?家(?:就)?住|住在(?:店|铺)`)
	directionRe   = regexp.MustCompile(`[东西南北]边|[东西南北]面|旁边|对面|斜对面|隔壁|后面|后头|前头|边上|楼上|楼下|里面|外面|沿着|站下车?|往左|往右|左转|右转|往东|往西|往南|往北|第\d+户|那户|那家|铁门|大门|侧门|小门|院子|\d+\s*楼|\d{3,4}\b|[东西南北]门`)
	onStreetRe    = regexp.MustCompile(`那条(?:街|路|巷)|街上|路上|路边`)
	colourHouseRe = regexp.MustCompile(`色的?(?:瓦房|房子|小楼|楼|木门|铁门|大门|屋顶)`)
	// In pinyin too: wo jia zai, wo zhu zai.
	latinHomeIsRe = regexp.MustCompile(`\b(?:i live|we live|i'm at|i am at|we're at|my (?:home|house|flat|place|address)|our (?:flat|house|home|place)|is (?:my house|my home|ours)|come over|(?:grandma|granny|grandpa|nana|nan|auntie|aunt|uncle)'s (?:place|house|flat)|wo\s*(?:men\s*)?jia\s*(?:jiu\s*)?(?:zhu\s*)?zai|wo\s*(?:jiu\s*)?zhu\s*zai|jia\s*zhu)\b`)
	// A door, a floor or a building tells where a home is; a direction alone (we live next to a
	// busy road) does not, unless something findable comes with it: a number, a colour, an ordinal.
	// A floor, a door or a unit in pinyin counts as in English: liu lou, 6 ceng, er dan yuan.
	latinWhereRe     = regexp.MustCompile(`\b(?:courtyard|turn (?:left|right)|floor|door|gate|room|rm|bldg|building|apt|flat|unit|block|tower|house with|storey)\b|\b(?:yi|er|san|si|wu|liu|qi|ba|jiu|shi|\d{1,2})\s*(?:lou|ceng|dan\s*yuan)\b`)
	latinDirectionRe = regexp.MustCompile(`\b(?:above|behind|next to|opposite|across from|right by|upstairs from|over|on \w+ (?:street|road|st|rd|lane|avenue|ave)|number \d+|dui\s*mian|hou\s*mian|pang\s*bian|ge\s*bi|lou\s*(?:xia|shang))\b`)
	// In pinyin: a building (lou, na dong), a colour (lan se).
	latinFindableRe = regexp.MustCompile(`\d|\b(?:red|blue|green|yellow|white|black|grey|gray|brown|pink|purple|orange|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|top|last)\b|\b(?:lou|na\s*dong|zhe\s*dong|(?:lan|hong|bai|huang|lv|hui|hei)\s*se)\b`)

	// A street and its number in pinyin or English, the number in digits or in pinyin
	// numerals: zhongnan lu 226 hao, jiangbin lu jiu shi hao, xinhe cun 12 hao. Like 中南路226号,
	// it may be a school or a park gate: a person looks.
	pinyinStreetRe  = regexp.MustCompile(`\b[a-z]{2,}\s*(?:lu|jie|dajie|dadao|da dao|hutong|nong|cun|zhen)\s*(?:\d{1,5}|(?:(?:yi|er|liang|san|si|wu|liu|qi|ba|jiu|shi|bai|ling)\s*){1,6})\s*hao\b`)
	pinyinEstateRe  = regexp.MustCompile(`(?:\bwo\s*(?:men\s*)?jia|(?:^|[,，:：]\s*)jia|\bwo\s*zhu|\bjia\s*zhu)\s*(?:zhu\s*)?(?:zai|shi)\s+(?:[a-z]+\s*){1,5}?(?:xiao\s*qu|jia\s*yuan|hua\s*yuan|xin\s*cun|gong\s*yu|she\s*qu|ming\s*yuan|cun)\b`)
	genericEstateRe = regexp.MustCompile(`(?:zai|shi)\s+(?:(?:nong|xiang|shan|yu|cheng\s*zhong|zhe\s*ge|na\s*ge|yi\s*ge|xin|lao|da|xiao)\s*)?(?:cun|xiao\s*qu|she\s*qu)$`)
	// The number before the street, as in English, or after it, as in Chinese: 12 Xinhua Lu, Renmin Lu 45.
	numberStreetRe = regexp.MustCompile(`\b\d{1,5}\s+[a-z]{2,}\s+(?:lu|jie|dadao|road|rd|street|st|avenue|ave|lane)\b|\b[a-z]{3,}\s+(?:lu|jie|dadao|road|rd|street|st|avenue|ave|lane)\s*(?:no\.?\s*)?\d{1,5}\b`)
	// A count of buildings (xiao qu you san dong lou, 3 dong lou) says how many, not which.
	buildingCountRe = regexp.MustCompile(`^\s*lou\b`)

	// A building placed by a landmark (对面的新楼, 后面那栋旧楼), a floor or a door in it, and a
	// sign that someone lives there.
	landmarkBuildingRe = regexp.MustCompile(`(?:对面|后面|旁边|隔壁|楼上|后头)(?:的|那)?(?:栋|幢|个)?\p{Han}{0,3}?(?:楼|小区|房子|公寓)`)
	floorOrDoorRe      = regexp.MustCompile(`\d{1,2}\s*(?:楼|层)|\d{1,2}\s*单元|(?:^|[^\d])\d{3,4}(?:[^\d]|$)`)
	livingRe           = regexp.MustCompile(`阳台|楼道|卧室|我的房间|我家|住|窗户|窗台|在家|我(?:就|每天|天天)?在|等你`)
	// Where to come and find the child: a floor, a place by a landmark or a door, and an
	// invitation (你们来找我就到药店后面，第二个单元门，六楼). A floor alone is no place.
	visitRe      = regexp.MustCompile(`来找我|找我玩|来我家|到我家|找我的话|上来找我|来玩吧`)
	visitPlaceRe = regexp.MustCompile(`旁边|对面|隔壁|后面|后头|前面|边上|单元门|那户|那家|那栋|[东西南北左右]边那|[东西南北]门`)

	// Parts of an address in English or pinyin; two of them together make one.
	addressPartRe = regexp.MustCompile(`\b(?:room|rm|bldg|building|unit|apt|flat|block|tower|no\.?)\s*\d+[a-z]?\b|\b\d+[a-z]?\s*(?:hao|dong|zhuang|danyuan|dan yuan|lou|shi|nong|men|hao lou)\b|\b(?:dong|danyuan|shi|hao|lou|nong)\s*\d+\b|\b\d+\s*(?:[a-z]+\s+)?(?:road|rd|lane|street|st|avenue|ave)\b|\b(?:xiaoqu|xiao qu|huayuan|hua yuan|jiayuan|mingyuan|xincun|garden|village|jiedao)\b|\b(?:yi|er|san|si|wu|liu|qi|ba|jiu|shi)\s*(?:dong|dan\s*yuan|lou)\b`)
)

// loose finds what the strict detectors let through; t is the digit form.
func loose(t *text) []Reason {
	var out []Reason
	s := t.s
	latin := false
	for i := 0; i < len(s) && !latin; i++ {
		latin = s[i] >= 'a' && s[i] <= 'z'
	}
	if latin {
		// An e-mail with its signs spelled out: a provider and a name before it, and a cue.
		// An e-mail told in pieces: a mail word, a provider and an account name anywhere.
		if mailWordRe.MatchString(s) {
			if p := mailProviderRe.FindStringIndex(s); p != nil || t.has("雅虎") || t.has("新浪") || t.has("网易") {
				for _, h := range handleRe.FindAllStringIndex(s, -1) {
					if name := s[h[0]:h[1]]; accountLike(name) && strings.ContainsAny(name, "0123456789_") || len(name) >= 10 && !commonLatin[name] {
						out = append(out, t.reason(KindEmail, h[0], h[1]))
						break
					}
				}
			}
		}
		if p := mailProviderRe.FindStringIndex(s); p != nil && mailCueRe.MatchString(s) {
			for _, h := range handleRe.FindAllStringIndex(s[:p[0]], -1) {
				if name := s[h[0]:h[1]]; accountLike(name) && p[0]-h[1] <= 40 && mailCueRe.MatchString(s[h[1]:p[0]]) {
					out = append(out, t.reason(KindEmail, h[0], p[1]))
					break
				}
			}
		}
		// An account name near a word that asks to be found. A name of letters only must
		// follow the cue at once (wechat: lemonmomopanda): in an English sentence most long
		// words are words.
		if cues := contactCueRe.FindAllStringIndex(s, -1); len(cues) > 0 {
			for _, h := range handleRe.FindAllStringIndex(s, -1) {
				name := s[h[0]:h[1]]
				if isDigitWordsOnly(name) {
					continue
				}
				if !accountLike(name) {
					// 手动加 hepanda: a plain name right after a plea to be added.
					for _, c := range cues {
						if c[1] <= h[0] && addMeRe.MatchString(s[c[0]:c[1]]) && onlyFiller(s[c[1]:h[0]], "是号我的") && shortHandle(s, h[0], h[1], true) {
							out = append(out, t.reason(KindWeChat, c[0], h[1]))
							break
						}
					}
					continue
				}
				lettersOnly := !strings.ContainsAny(name, "0123456789_-")
				for _, c := range cues {
					after := c[1] <= h[0] && t.runeI(h[0])-t.runeI(c[1]) <= 8
					if lettersOnly {
						after = c[1] <= h[0] && onlyFiller(s[c[1]:h[0]], "是号我的加搜")
					}
					before := h[1] <= c[0] && t.runeI(c[0])-t.runeI(h[1]) <= 6
					if lettersOnly {
						before = h[1] <= c[0] && onlyFiller(s[h[1]:c[0]], "这")
					}
					if (after || before) && !overlaps(c, h) {
						out = append(out, t.reason(KindWeChat, min(c[0], h[0]), max(c[1], h[1])))
						break
					}
				}
			}
		}
		// An address in English or pinyin: two parts of one.
		parts := addressPartRe.FindAllStringIndex(s, -1)
		parts = slices.DeleteFunc(parts, func(p []int) bool {
			return strings.HasSuffix(s[p[0]:p[1]], "dong") && buildingCountRe.MatchString(s[p[1]:])
		})
		if len(parts) >= 2 {
			out = append(out, t.reason(KindAddress, parts[0][0], parts[len(parts)-1][1]))
		} else if m := latinHomeIsRe.FindStringIndex(s); m != nil && (latinWhereRe.MatchString(s[:m[0]]+" "+s[m[1]:]) && !latinFloorOnly(s) || latinDirectionRe.MatchString(s) && latinFindableRe.MatchString(s)) {
			out = append(out, t.reason(holdPrefix+KindAddress, m[0], m[1]))
		}
		if m := pinyinStreetRe.FindStringIndex(s); m != nil {
			out = append(out, t.reason(holdPrefix+KindAddress, m[0], m[1]))
		}
		// wo jia zai jinsha wan xiaoqu: a home in a named estate or village, as 我家在金沙湾小区.
		if m := pinyinEstateRe.FindStringIndex(s); m != nil && !genericEstateRe.MatchString(s[m[0]:m[1]]) {
			out = append(out, t.reason(KindAddress, m[0], m[1]))
		}
		// my address is 12 Xinhua Lu: a home cue, then a number and a street.
		if latinHomeIsRe.MatchString(s) || strings.Contains(s, "address") {
			if m := numberStreetRe.FindStringIndex(s); m != nil {
				out = append(out, t.reason(holdPrefix+KindAddress, m[0], m[1]))
			}
		}
	}
	if latin {
		tight := newText(dropSpaces(t.f))
		if m := looseMailRe.FindStringIndex(tight.s); m != nil {
			out = append(out, tight.reason(KindEmail, m[0], m[1]))
		} else if m := anyAtMailRe.FindStringIndex(s); m != nil {
			out = append(out, t.reason(KindEmail, m[0], m[1]))
		}
		if t.has("moc.") || t.has("nc.") {
			// Written backwards: moc.anis@…
			if emailRe.MatchString(reverse(s)) {
				out = append(out, t.reason(KindEmail, 0, len(s)))
			}
		}
	}
	if t.has("楼") || t.has("层") || latin && t.has("floor") {
		if m := floorRe.FindStringIndex(s); m != nil && doorSignRe.MatchString(s) {
			out = append(out, t.reason(holdPrefix+KindAddress, m[0], m[1]))
		}
	}
	if t.has("走") || t.has("拐") {
		if m := wayRe.FindStringIndex(s); m != nil && houseRe.MatchString(s) {
			out = append(out, t.reason(holdPrefix+KindAddress, m[0], m[1]))
		}
	}
	out = append(out, splitNumber(t, latin)...)
	// A building told by a landmark, a floor or door number in it, and a sign of living there:
	// 体育中心北门对面的新楼，18楼，晚上我在阳台上写作业.
	if t.has("楼") && (t.has("对面") || t.has("后面") || t.has("旁边") || t.has("隔壁") || t.has("楼上") || t.has("后头")) {
		if m := landmarkBuildingRe.FindStringIndex(s); m != nil && floorOrDoorRe.MatchString(s) && livingRe.MatchString(s) && !publicAfterFloor(s) {
			out = append(out, t.reason(holdPrefix+KindAddress, m[0], m[1]))
		}
	}
	if t.has("找我") || t.has("我家") || t.has("来玩") {
		if m := floorRe.FindStringIndex(s); m != nil && visitRe.MatchString(s) && visitPlaceRe.MatchString(s) {
			out = append(out, t.reason(holdPrefix+KindAddress, m[0], m[1]))
		}
	}
	// A home told by the way to it.
	if !t.has("家") && !t.has("住") {
		return out
	}
	// A direction alone (我家就在学校对面) is near enough to say; a door, a floor or a number
	// with it is a home that can be found.
	if m := homeIsRe.FindStringIndex(s); m != nil && !floorOnly(t, []int{m[0], len(s)}) && (directionRe.MatchString(s) && (doorSignRe.MatchString(s) || houseRe.MatchString(s) || strings.ContainsAny(s, "0123456789")) ||
		onStreetRe.MatchString(s) && (doorSignRe.MatchString(s) || colourHouseRe.MatchString(s))) {
		if before := s[max(0, m[0]-12):m[0]]; !adviceRe.MatchString(before) {
			out = append(out, t.reason(holdPrefix+KindAddress, m[0], m[1]))
		}
	}
	return out
}

// latinFloorRe is a floor in English or pinyin: the 5th floor, floor 5, wu lou, 8 ceng.
var latinFloorRe = regexp.MustCompile(`\b(?:(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)?|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|top|ground)\s+floor|floor\s+\d{1,2}|(?:yi|er|san|si|wu|liu|qi|ba|jiu|shi|\d{1,2})\s*(?:lou|ceng))\b`)

// latinFloorOnly reports whether a floor is all that says where a home is: I live on the 8th
// floor and the lift is broken. As 我家在8楼, it says how high, not where.
func latinFloorOnly(s string) bool {
	rest := latinFloorRe.ReplaceAllString(s, " ")
	if rest == s || latinWhereRe.MatchString(rest) || latinDirectionRe.MatchString(rest) || strings.ContainsAny(rest, "0123456789") {
		return false
	}
	return !addressPartRe.MatchString(rest) && !pinyinEstateRe.MatchString(rest)
}

// publicAfterFloor reports whether a public place is named after the floor: 旁边的楼3楼是少年宫
// is where anyone may go.
func publicAfterFloor(s string) bool {
	f := floorOrDoorRe.FindStringIndex(s)
	return f != nil && publicPlaceRe.MatchString(s[f[1]:])
}

// onlyFiller reports whether s holds nothing but noise (spaces, punctuation, emoji: 🍀kakajiajia🍀
// vx, 滴滴我~ xinyiwang) and the little words of extra.
func onlyFiller(s, extra string) bool {
	for _, r := range s {
		if !isNoise(r) && !strings.ContainsRune(extra, r) {
			return false
		}
	}
	return true
}

// accountLike reports whether a word looks like an account name rather than an English word:
// a digit, _ or - in it, or eight letters or more.
func accountLike(w string) bool {
	return strings.ContainsAny(w, "0123456789_-") && len(w) >= 5 || len(w) >= 8 && !commonLatin[w]
}

var commonLatin = map[string]bool{}

func init() {
	for _, w := range strings.Fields("everyone everybody children building basketball football playground tomorrow yesterday together something anything nothing children's library question questions remember standard sentence because different favourite favorite interesting beautiful important community wonderful exercise homework classroom teachers teacher students swimming running possible actually probably themselves yourself sometimes whatever anywhere somewhere everything outside inside afternoon evening morning weekend holiday vacation birthday activity activities proposal proposals facility facilities council children's") {
		commonLatin[w] = true
	}
}

// isDigitWordsOnly reports whether a word is only spelled digits (handled as a number).
func isDigitWordsOnly(w string) bool {
	d, _ := spellDigits(w)
	return d != ""
}

func overlaps(a, b []int) bool { return a[0] < b[1] && b[0] < a[1] }

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// splitNumber reads a number given in parts (开头180，中间4913，最后1992) as one, when a
// contact word stands in the text: consecutive runs of digits that together make a phone
// number, a landline or an ID number.
func splitNumber(t *text, latin bool) []Reason {
	if !slices.ContainsFunc(contactWords, t.has) && !(latin && contactRe.MatchString(t.s)) && countFunc(partWords, t.has) < 2 {
		return nil
	}
	runs := digitRuns(t.s)
	qq := t.has("qq") || t.has("扣扣") || t.has("q号") || t.has("我的q") || t.has("q:")
	for a := range runs {
		joined := ""
		for b := a; b < len(runs) && len(joined) < 18; b++ {
			joined += t.s[runs[b][0]:runs[b][1]]
			if b > a && (isMobile(joined) || isLandline(joined) || isIDNumber(joined)) {
				return []Reason{t.reason(KindPhone, runs[a][0], runs[b][1])}
			}
			if b > a && qq && len(joined) >= 5 && len(joined) <= 11 && b == len(runs)-1 && a == 0 {
				return []Reason{t.reason(KindQQ, runs[a][0], runs[b][1])}
			}
		}
	}
	// Parts told out of order (前面170，后面1662，中间的四位是9327; 后八位是…，前三位139): a few
	// parts, any order.
	if len(runs) >= 2 && len(runs) <= 4 {
		for _, order := range permutations(len(runs)) {
			joined := ""
			for _, k := range order {
				joined += t.s[runs[k][0]:runs[k][1]]
			}
			if isMobile(joined) || isLandline(joined) {
				return []Reason{t.reason(KindPhone, runs[0][0], runs[len(runs)-1][1])}
			}
		}
	}
	return nil
}

// permutations lists every order of 0..n-1.
func permutations(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// digitRuns returns the byte spans of the runs of ASCII digits in s.
func digitRuns(s string) [][2]int {
	var runs [][2]int
	for i := 0; i < len(s); {
		if !isDigit(rune(s[i])) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(rune(s[j])) {
			j++
		}
		runs = append(runs, [2]int{i, j})
		i = j
	}
	return runs
}

// countFunc counts the elements of s for which f holds.
func countFunc(s []string, f func(string) bool) int {
	n := 0
	for _, x := range s {
		if f(x) {
			n++
		}
	}
	return n
}
