package moderation

import (
	"bufio"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The meaning corpus (testdata/meaning_a.tsv: cries for help, bullying and their look-alikes;
// meaning_b.tsv: personal information written to slip past, and clean texts with numbers) was
// written before the rules were tuned. It is split by a fixed hash of each text into a
// development half, the only one looked at while tuning, and a test half that holds the
// targets:
//
//	go test ./moderation -run MeaningCorpus -v
//
// The later files (meaning_c.tsv onwards), written by other hands, are development material
// only: more to tune on, while the test half of a and b stays unseen.
type meaningCase struct {
	label, class, text string
	devOnly            bool
}

func loadMeaningCorpus(t testing.TB) []meaningCase {
	t.Helper()
	var out []meaningCase
	names, err := filepath.Glob("testdata/meaning_*.tsv")
	if err != nil || len(names) < 2 {
		t.Fatalf("no meaning corpus: %v", err)
	}
	for _, name := range names {
		devOnly := !strings.HasSuffix(name, "_a.tsv") && !strings.HasSuffix(name, "_b.tsv")
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			p := strings.SplitN(line, "\t", 3)
			if len(p) != 3 {
				t.Fatalf("%s: bad line %q", name, line)
			}
			out = append(out, meaningCase{p[0], p[1], p[2], devOnly})
		}
		f.Close()
	}
	return out
}

// half puts a text in the development half ("dev") or the test half ("test") by its hash.
func half(text string) string {
	h := fnv.New32a()
	h.Write([]byte(text))
	if h.Sum32()%2 == 0 {
		return "dev"
	}
	return "test"
}

// caught says whether the verdict is what the label asks: safeguarding held as a cry for help,
// bullying held for a person (not blocked, not allowed), personal information not allowed,
// and look-alikes allowed.
func caught(label string, v Verdict) bool {
	switch label {
	case "safeguarding":
		return v.Action == Hold && v.Safeguarding()
	case "bullying":
		return v.Action == Hold
	case "pii":
		return v.Action != Allow
	default:
		return v.Action == Allow
	}
}

type tally struct{ right, total int }

func (t tally) rate() float64 { return float64(t.right) / float64(max(t.total, 1)) }

func TestMeaningCorpus(t *testing.T) {
	s := New(Defaults())
	cases := loadMeaningCorpus(t)
	if len(cases) < 600 {
		t.Fatalf("the meaning corpus has %d cases; it needs at least 600", len(cases))
	}
	byClass := map[string]map[string]*tally{"dev": {}, "test": {}}
	byLabel := map[string]map[string]*tally{"dev": {}, "test": {}}
	add := func(m map[string]*tally, k string, ok bool) {
		if m[k] == nil {
			m[k] = &tally{}
		}
		m[k].total++
		if ok {
			m[k].right++
		}
	}
	for _, c := range cases {
		v := s.Screen(c.text)
		h := half(c.text)
		if c.devOnly {
			h = "dev"
		}
		ok := caught(c.label, v)
		add(byClass[h], c.label+"/"+c.class, ok)
		add(byLabel[h], c.label, ok)
		if !ok && (h == "dev" || testing.Verbose()) {
			var kinds []string
			for _, r := range v.Reasons {
				kinds = append(kinds, r.Kind+":"+r.Class)
			}
			t.Logf("%s miss %s/%s: %q → %s %v", h, c.label, c.class, c.text, v.Action, kinds)
		}
	}
	for _, h := range []string{"dev", "test"} {
		keys := make([]string, 0, len(byClass[h]))
		for k := range byClass[h] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, " %s %d/%d (%.1f%%);", k, byClass[h][k].right, byClass[h][k].total, 100*byClass[h][k].rate())
		}
		t.Logf("%s half:%s", h, b.String())
	}
	// targets are the issue's; floors are what the rules reach on the test half today, so that
	// no change makes them worse. The log says how far each is from its target.
	targets := map[string]float64{"safeguarding": 0.95, "bullying": 0.85, "pii": 0.99, "allow": 0.99}
	floors := map[string]float64{"safeguarding": 0.975, "bullying": 0.945, "pii": 0.99, "allow": 0.973}
	for label, floor := range floors {
		r := byLabel["test"][label].rate()
		t.Logf("test half: %s %.1f%% (target %.0f%%, dev half %.1f%%)", label, 100*r, 100*targets[label], 100*byLabel["dev"][label].rate())
		if r < floor {
			t.Errorf("test half: %s right %.1f%%, below its floor of %.1f%%", label, 100*r, 100*floor)
		}
	}
}

// The plans' own sentences are public policy: at least 99% allowed, and those about crimes and
// harms to children (拐卖, 性侵, 欺凌, 溺水) are never blocked.
func TestSeedPlansAreAllowed(t *testing.T) {
	s := New(Defaults())
	f, err := os.Open("testdata/seed_sentences.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var total, allowed int
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		total++
		v := s.Screen(line)
		if v.Action == Allow {
			allowed++
			continue
		}
		kinds := make([]string, 0, len(v.Reasons))
		for _, r := range v.Reasons {
			kinds = append(kinds, r.Kind+":"+r.Class+" "+line[r.Start:r.End])
		}
		t.Logf("not allowed: %q → %s %v", line, v.Action, kinds)
		if v.Action == Block && slices.ContainsFunc(v.Reasons, func(r Reason) bool { return r.Kind == KindSevereWord }) {
			t.Errorf("a plan's sentence is blocked as a severe word: %q", line)
		}
	}
	t.Logf("seed plans: %d/%d allowed (%.2f%%)", allowed, total, 100*float64(allowed)/float64(total))
	if float64(allowed) < 0.99*float64(total) {
		t.Errorf("only %d of %d plan sentences allowed", allowed, total)
	}
}

// BenchmarkLoadMeaningModel reports what the segmenter's dictionary and the lexicon take:
//
//	go test ./moderation -run XXX -bench LoadMeaningModel -benchtime 3x
func BenchmarkLoadMeaningModel(b *testing.B) {
	var before, after runtime.MemStats
	var m *meaningModel
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		m = buildModel()
		runtime.GC()
		runtime.ReadMemStats(&after)
	}
	runtime.KeepAlive(m)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc), "model-bytes")
}

var update = flag.Bool("update", false, "rewrite data/meaning_train.tsv from the corpus's development half")

// The classifier learns from the development half only: data/meaning_train.tsv must be exactly
// the development cases of the meaning corpus, so that the test half stays unseen.
//
//	go test ./moderation -run TrainingSet -update
func TestTrainingSetIsTheDevelopmentHalf(t *testing.T) {
	var b strings.Builder
	b.WriteString("# The classifier's training set: the development half of testdata/meaning_*.tsv, class<TAB>text.\n")
	b.WriteString("# Generated by `go test ./moderation -run TrainingSet -update`; do not edit.\n")
	for _, c := range loadMeaningCorpus(t) {
		if !c.devOnly && half(c.text) != "dev" {
			continue
		}
		class := c.class
		if c.label == "allow" || c.label == "pii" {
			class = "ok" // personal information means no harm; the detectors find it
		}
		b.WriteString(class + "\t" + c.text + "\n")
	}
	if *update {
		if err := os.WriteFile("data/meaning_train.tsv", []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if b.String() != meaningTrain {
		t.Fatal("data/meaning_train.tsv is not the development half of the corpus: run go test ./moderation -run TrainingSet -update")
	}
}

// A listed cry for help that is only spoken of (a safeguard, a survey, someone else seen) is
// not one; the same words with the child in them still reach an adult.
func TestListedCriesSpokenOfAreNotCries(t *testing.T) {
	s := New(Defaults())
	for _, text := range []string{"如果有人说想死，一定要告诉老师或者拨打12355", "看到有人被欺负要马上告诉老师",
		"我们要做一个关于校园欺凌的调查问卷，问问同学们有没有被欺负过", "我没有被欺负，脸上的伤是打篮球的时候不小心撞的"} {
		if v := s.Screen(text); v.Safeguarding() {
			t.Errorf("%q is held as a cry for help: %v", text, v.Reasons)
		}
	}
	for _, text := range []string{"如果爸爸又打我怎么办", "如果有人欺负我，我就告诉老师", "同学们有没有被欺负我不知道，但是我被欺负了", "我想死"} {
		if v := s.Screen(text); !v.Safeguarding() || v.Action != Hold {
			t.Errorf("%q → %s, want held as a cry for help", text, v.Action)
		}
	}
}

// A room number is personal in a home, not in a library.
func TestRoomsOfPublicPlaces(t *testing.T) {
	s := New(Defaults())
	for text, want := range map[string]Action{"会议在图书馆302室举行": Allow, "活动中心201室有绘画课": Allow,
		"我家住在幸福小区302室": Block, "302室就是我家": Block} {
		if v := s.Screen(text); v.Action != want {
			t.Errorf("%q → %s, want %s", text, v.Action, want)
		}
	}
}

// Shut out, shamed or threatened by an adult at home is abuse, and reaches an adult as a cry
// for help; the same words among classmates are bullying.
func TestHarmAtHomeIsAbuse(t *testing.T) {
	s := New(Defaults())
	if v := s.Screen("后妈不让我进家门，我在楼下坐到半夜。"); !v.Safeguarding() {
		t.Errorf("shut out by a parent → %v, want a cry for help", v.Reasons)
	}
	if v := s.Screen("大家都别理小敏，谁跟她玩就不跟谁玩"); v.Safeguarding() || v.Action != Hold {
		t.Errorf("exclusion among classmates → %s %v, want held as bullying", v.Action, v.Reasons)
	}
}

// Hurt by a thing, a call, or a hurt denied is no disclosure to the rules (the classifier
// may still hold a sentence for a person to read); hurt by a person is.
func TestAccidentsAreNotAbuse(t *testing.T) {
	s := New(Defaults())
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"篮球课上我被球砸到鼻子了，流了点血，现在没事了", "妈妈今天打了我的电话，问我什么时候回家吃饭",
		"我脸肿了不是被打的，是拔了智齿，说话都含糊了哈哈。"} {
		if v := rules.Screen(text); v.Safeguarding() {
			t.Errorf("%q is held as a cry for help: %v", text, v.Reasons)
		}
	}
	for _, text := range []string{"我被爸爸打了，脸上好疼", "我脸肿了是被我爸打的"} {
		if v := s.Screen(text); !v.Safeguarding() {
			t.Errorf("%q is not held as a cry for help", text)
		}
	}
}

// A wish to disappear somewhere or for a while is no wish to die; to disappear is.
func TestDisappearingForAWhile(t *testing.T) {
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"I want to disappear under my blanket every morning because it's so cold lol", "我想消失在书海里，这个周末谁都别找我"} {
		if v := rules.Screen(text); v.Safeguarding() {
			t.Errorf("%q is held as a cry for help: %v", text, v.Reasons)
		}
	}
	for _, text := range []string{"我真的很想消失，永远不要再出现", "i want to disappear and never come back", "我想消失"} {
		if v := rules.Screen(text); !v.Safeguarding() {
			t.Errorf("%q is not held as a cry for help", text)
		}
	}
}

// Keeping a dog or a knife out leaves no child out, and 我脑子进水了 belittles nobody else;
// 别让他进议事会 and 你脑子进水了吧 are still held.
func TestThingsAndSelfAreNotBullied(t *testing.T) {
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"别让小狗进我们议事会的教室，它会到处跑", "不准在教室里玩火，不准带管制刀具进学校", "我脑子进水了，居然把作业本当成草稿本用了"} {
		if v := rules.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
	for _, text := range []string{"别让他进我们议事会", "你脑子进水了吧"} {
		if v := rules.Screen(text); v.Action != Hold {
			t.Errorf("%q → %s, want hold", text, v.Action)
		}
	}
}

// An insult quoted to warn against it is no insult; an insult reported as said is held.
func TestInsultsQuotedToWarn(t *testing.T) {
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"我希望大家不要再说“你这么胖”这种话了,会让人很伤心", `Quote from our poster: "Don't say 'you're too fat to play'. Words hurt."`} {
		if v := rules.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
	for _, text := range []string{"他们总说“你真胖”，我好难过", `he said "you're so fat" and everyone laughed`} {
		if v := rules.Screen(text); v.Action != Hold {
			t.Errorf("%q → %s, want hold", text, v.Action)
		}
	}
}

// Evasions of personal information that issue 9 named, each read by a mechanism rather than a
// listed sentence: the signs of an e-mail said or drawn, a sign the child declares, cue words
// in homophones, digits read out or typed as letters, streets and classes in pinyin.
func TestEvasionsAreRead(t *testing.T) {
	s := New(Defaults())
	for _, text := range []string{
		"我的邮箱是 huahua2014 安特 163 点 com", "lele.wang 圈a gmail dot com 这是我的邮箱", "把照片发到 zhoulele 字圈 139 dian com",
		"qiqi2013 在 139 点 com（在=@）", "m · a · n · g · o · 2 · 0 · 1 · 0 · @ · o · u · t · l · o · o · k · . · c · o · m",
		"威心号 dongdong_2014 加一下", "我的维x是 coco2012_love", "kou kou: 55217839", "我的抠抠是 398812765",
		"电话：幺伞扒 洞洞幺伞 扒洞洞洞", "我的电话 l38OOl38OOO", "外婆的座机 dòng27 - bāliùjiǔliùèrjiǔ5sān",
		"write it down: one three one... zero nine zero three... five one five eight",
		"wo jia zai Jiangbin lu jiu shi hao, si lou", "我家门牌号是108", "我家就在东方小区，门口有棵大树",
		"体育中心北门对面的新楼，18楼，晚上我在阳台上写作业。",
		"wo jia zai jinsha wan xiaoqu", "my address is 12 Xinhua Lu, Yueqing",
		"wo shi heping xiaoxue si nian ji er ban de", "我读三年级，在二班，学校是清和小学", "我是一师附小一五班的", "I am in 5B at Qinghe Primary",
	} {
		if v := s.Screen(text); v.Action == Allow {
			t.Errorf("%q is allowed", text)
		}
	}
}

// Look-alikes of personal information and of harm that a proposal may hold.
func TestLookAlikesAreAllowed(t *testing.T) {
	s := New(Defaults())
	for _, text := range []string{
		"xiao qu you san dong lou mei you dian ti, nai nai shang lou hen lei", "We live next to a busy road and there is no crossing, please add one",
		"建议在3号楼教学楼前面多装几个饮水机", "小区里1号楼到5号楼之间没有路灯", "安全课上老师说，如果有人问你家住几楼，不要回答",
		"四年级二班的窗户关不上，冬天很冷", "地铁5号线每隔4分钟一班，早高峰还是挤", "控制孕产妇死亡率在7/100000以下",
		"为贯彻落实指导意见(发改社会(2021) 1380号)", "我们议事会讨论了怎么帮助被孤立的同学融入集体", "我们的提案是：让每个新同学都有一个小伙伴带着，不让他们被孤立",
		"如果看到有同学被欺负，我们可以告诉老师或者打12355", "我家在农村，离学校很远，希望有校车", "wo jia zai nong cun, li xue xiao hen yuan", "一年级的小朋友个子矮，洗手台太高了", "那个滑梯的角很尖，我的腿被划了一道口子",
	} {
		if v := s.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
}

// A WeChat ID of any length after a cue is an account, however short or plain (wx号 tutu,
// vx：k9); the words of a sentence after "WeChat" are not.
func TestShortHandlesAfterWeChatCues(t *testing.T) {
	s := New(Defaults())
	for _, text := range []string{"wx号 tutu", "vx：k9", "我的微信是 Mimi", "微信 bo 加我", "加微 nana", "微信昵称是熊猫，号是 panpan",
		"手动加 lanlan", "my wechat is nini", "v: yy"} {
		if v := s.Screen(text); v.Action == Allow {
			t.Errorf("%q is allowed", text)
		}
	}
	for _, text := range []string{"we can use wechat to vote", "Mum's wechat is busy", "微信 app 上也能投票", "wechat group for our class",
		"I told my teacher on WeChat.", "用wechat pay买票", "vx或者qq都行"} {
		if v := s.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
}

// A home found by the words around it: a pinyin home with a floor or a landmark, a street
// named before its number, a village group and house number, a place to come and find the
// child by a landmark and a floor, a building by a landmark where the child is at home.
func TestHomesFoundByWords(t *testing.T) {
	s := New(Defaults())
	for _, text := range []string{"wo jia zai renmin jie, chaoshi loushang, qi lou", "wo zhu zai yiyuan duimian, 5 ceng", "we live on Jiefang Road 88",
		"我奶奶家是红星村5组12号", "放学来找我，银行旁边那栋楼，4楼", "超市后面那栋楼，5楼，周末我都在家", "我在邮局对面那栋楼六楼",
		"加油站后面的蓝房子就是我奶奶家", "wo jia zai yi yuan dui mian de lou shang", "wo zhu zai chao shi hou mian na dong lou"} {
		if v := s.Screen(text); v.Action == Allow {
			t.Errorf("%q is allowed", text)
		}
	}
	for _, text := range []string{"我们村3组的路灯坏了，晚上很黑", "银行旁边的路口没有红绿灯，4楼的阿姨说很危险", "wo jia zai nong cun, li xue xiao hen yuan",
		"图书馆旁边的楼3楼是少年宫，我在那里学画画", "wo jia pang bian you ge gong yuan, hen piao liang"} {
		if v := s.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
}

// A floor with no building, landmark or number beside it finds no home (我家住在7楼，电梯老坏),
// and 5层楼 counts storeys; a floor with any of them is a home.
func TestFloorsAlone(t *testing.T) {
	s := New(Defaults())
	for _, text := range []string{"我家住在7楼，电梯老是坏，外公每天爬楼梯", "我家在九楼，夏天水压不够，水龙头出不来水", "那个小区都是5层楼，没有一部电梯",
		"We live on the 9th floor and the lift breaks every week"} {
		if v := s.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
	for _, text := range []string{"我家在邮局对面7楼", "我家住在阳光小区7楼", "我家住7楼，702", "我家在菜场楼上，7楼", "I live on the 9th floor above the bakery"} {
		if v := s.Screen(text); v.Action == Allow {
			t.Errorf("%q is allowed", text)
		}
	}
}

// Harm spoken of, not disclosed: children in general bullied or scolded, a hurt done by a
// thing to a child named, a harm named as what a lesson prevents, a body word naming a thing
// (电线杆上), a comparison character inside another word (摄像头). A beating stays a disclosure
// however it is said.
func TestHarmSpokenOfInGeneral(t *testing.T) {
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"有些小朋友被欺负了也不敢告诉家长，希望学校多开班会", "不少同学被班主任吼过，我们希望老师能好好说话",
		"秋千的铁链太烫了，我妹妹被烫得直哭", "希望社区办一次反家暴宣传，让大家都知道怎么求助",
		"电线杆上贴满了小广告，很难看", "校门口那个角落太黑了，有人在那里乱扔垃圾，建议装个摄像头"} {
		if v := rules.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
	for _, text := range []string{"有的同学被老师打了，脸都肿了", "我被爸爸打了", "他长得像电线杆一样"} {
		if v := rules.Screen(text); v.Action != Hold {
			t.Errorf("%q → %s, want hold", text, v.Action)
		}
	}
}

// Cries for help told by a plan's place and end, by self-injury kept up, by a goodbye left
// behind, and disclosures told by a lure, a threat over a picture, hidden bruises or an empty
// home: each reaches an adult without the classifier.
func TestCriesToldByPlaceAndSign(t *testing.T) {
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"我老想冲到地铁前面去", "真想走进湖里再也不上来", "我的葬礼不要请我爸", "i started cutting again last week",
		"i think about jumping off the bridge near school", "everyone at home would be happier without me", "what's the point, why should i keep living",
		"他开车停在校门口，想带我上车，还说别告诉妈妈", "衣服下面全是淤青，我不敢换衣服", "a boy has pictures of me and says i have to pay money or he will post it",
		"nobody has been home for four days", "my stepdad hits me every night when he is drunk"} {
		if v := rules.Screen(text); !v.Safeguarding() {
			t.Errorf("%q → %s %v, want a cry for help", text, v.Action, v.Reasons)
		}
	}
	for _, text := range []string{"我们冲到终点的时候大家都在欢呼", "我腿上好多青一块紫一块，学轮滑摔的，终于学会了", "I cut my finger with scissors in art class",
		"we jumped off the diving board at the pool, so fun", "Stop cutting down the trees in our park!", "我想跳进海里游泳，夏天好热", "我想躺在草地上看星星"} {
		if v := rules.Screen(text); v.Safeguarding() {
			t.Errorf("%q is held as a cry for help: %v", text, v.Reasons)
		}
	}
}

// A roof or a window is the place of a fall only with going up to it or off it; a number
// that names the thing after it (编号…的共享单车) is the thing's. Asked again and again for an
// address or a picture, threatened with a picture, beaten by a ring of others: a disclosure.
func TestPlacesThingsAndPersistence(t *testing.T) {
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"I wish our school had a roof garden", "我希望教室的窗户能换成大一点的", "编号7301948826的路灯已经坏了一个月"} {
		if v := rules.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
	for _, text := range []string{"我想爬到天台上去", "我想一个人去天台", "我的存在只会给爸妈添麻烦",
		"有个网友一直要我的家庭住址", "他说我不给他钱就把照片发到群里", "放学后我被他们围着打"} {
		if v := rules.Screen(text); !v.Safeguarding() {
			t.Errorf("%q → %s %v, want a cry for help", text, v.Action, v.Reasons)
		}
	}
}

// A full name with the school's own name names one child; a nickname, or a school spoken of
// as ours, does not. A house number told as a quantity (一百二十号) is still a house number,
// while 三百号人 counts people.
func TestNamesWithSchoolsAndHouseNumbers(t *testing.T) {
	s := New(Defaults())
	for _, text := range []string{"我叫赵一凡，在青山小学上学", "我是孙雨桐，红旗中学的", "光明路三百零六号就是我家"} {
		if v := s.Screen(text); v.Action == Allow {
			t.Errorf("%q is allowed", text)
		}
	}
	for _, text := range []string{"我叫豆豆，是青山小学的学生，我建议操场多种树", "我们学校有三百号人，只有一个食堂"} {
		if v := s.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
}

// Accounts on other apps after their cue, an estate right after 我住, a class written as a form
// or in English words, a house by the side of a landmark with a door: each is personal. The
// apps spoken of, a hospital stay and a side of town are not.
func TestMoreAccountsAndPlaces(t *testing.T) {
	s := New(Defaults())
	for _, text := range []string{"抖音号 dudu_2013", "ig: mimi.2012", "我住碧水家园", "学校：青山小学 class: 4-1",
		"I am in Class Two Grade Five at Hillside Primary", "我家在菜场北边那栋黄房子，门口有个小卖部"} {
		if v := s.Screen(text); v.Action == Allow {
			t.Errorf("%q is allowed", text)
		}
	}
	for _, text := range []string{"我喜欢在抖音上看做手工的视频", "我住院三天了，好想回学校", "我住的小区有个很大的花园，希望其他小区也有",
		"我住在公园旁边的小区，早上能听到鸟叫", "我家在城北边，离学校很远，希望有校车", "我们学校五年级一班的同学都说午休太短"} {
		if v := s.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
}

// The words of a threat that lead to a kindness (你等着，我把照片发给你) or a post of nobody's
// (把作业拍照发到班级群) threaten nobody; with a harm beside them, or a post of someone, they do.
func TestThreatWordsLeadingToKindness(t *testing.T) {
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"你等着，我这就把照片发给你", "老师让我们把手抄报拍照发到班级群"} {
		if v := rules.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
	for _, text := range []string{"你等着，我把你的书撕了再还给你", "我要把你的丑照发到群里"} {
		if v := rules.Screen(text); v.Action != Hold {
			t.Errorf("%q → %s, want hold", text, v.Action)
		}
	}
}

// Bullying with no swear word, in families the rules now read: menace without a blow named,
// a gait or a body part made fun of, a child left out by an unfollow or a share, contempt for
// what a family does. The same words about things, or kindly meant, are allowed.
func TestBullyingFamilies(t *testing.T) {
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"我知道你家在哪，周末小心点", "你的日记我看过了，明天念给全班听", "meet me at the back gate, come alone.",
		"hand over your lunch money or else", "you walk like a duck, everyone is laughing", "let's all unfollow her tonight",
		"分零食的时候不要算她一份", "your dad sweeps the street, you will too", "你胖成一个球了"} {
		if v := rules.Screen(text); v.Action != Hold || v.Safeguarding() {
			t.Errorf("%q → %s %v, want held as bullying", text, v.Action, v.Reasons)
		}
	}
	for _, text := range []string{"We should not ignore kids who need help", "I dare you to read 20 books this summer!", "come alone or with a parent, the bus leaves at 8",
		"The bus shelter near our school has no roof.", "老师把我的作文念给全班听了，好开心", "My friend calls me shorty and I call him giraffe, we laugh about it"} {
		if v := rules.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
}

// A school and a class in the forms a child fills in or types in pinyin, or said of the
// child after the class (…班的我), name the child.
func TestClassesInForms(t *testing.T) {
	s := New(Defaults())
	for _, text := range []string{"学校：东山小学；年级：四；班级：一", "donghu xiaoxue 5 nian 2 ban", "东湖小学五二班的我，想说说操场的事"} {
		if v := s.Screen(text); v.Action == Allow {
			t.Errorf("%q is allowed", text)
		}
	}
	for _, text := range []string{"我们班级的图书角书太少了", "班级：三年级二班的卫生角要每天打扫"} {
		if v := s.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
}

// A listed cry for help said of someone else, of a kind of child or a time (被欺负的时候), of a
// story's character, or as a comfort to all is no cry; the same words of the child still are.
func TestListedCriesOfOthersAndKinds(t *testing.T) {
	s := New(Defaults())
	for _, text := range []string{"有个新同学被欺负时，我们要陪他去找老师", "每个教室门口放一个小铃铛，被欺负的时候可以摇",
		"那本绘本里有只小兔子被欺负，最后大家都帮它", "被欺负的小朋友可以去心理室", "被欺负不是你们的错，要说出来", "我觉得被欺负的同学应该马上告诉老师",
		"希望学校开一节课，教大家被欺负了怎么办", "我在作文里写了一个被欺负的小孩，后来他变勇敢了"} {
		if v := s.Screen(text); v.Safeguarding() {
			t.Errorf("%q is held as a cry for help: %v", text, v.Reasons)
		}
	}
	for _, text := range []string{"我被欺负的时候没有人帮我", "我在学校被欺负了", "有个同学天天欺负我", "老师，我被欺负了怎么办"} {
		if v := s.Screen(text); !v.Safeguarding() || v.Action != Hold {
			t.Errorf("%q → %s %v, want held as a cry for help", text, v.Action, v.Reasons)
		}
	}
}

// A deed done to people in general under a guard, or named as bullying, is a rule of conduct;
// a quotation reported and judged rude is a complaint about rude words. Spoken to someone, or
// said to the child and hurting, they are still held.
func TestConductAndJudgedQuotations(t *testing.T) {
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"大家不要嘲笑别人矮，每个人长得都不一样", "不理别人也是一种欺负，我们要写进班级公约",
		"有个男生在黑板上写“小胖是笨蛋”，我觉得这样很不礼貌", "高年级的人喊“小屁孩滚开”，希望他们友好一点"} {
		if v := rules.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
	for _, text := range []string{"你别笑话别人矮，你自己胖成猪了", "他骂我“笨蛋”，我好难过", "他们说“你真胖”，我好想哭"} {
		if v := rules.Screen(text); v.Action != Hold {
			t.Errorf("%q → %s %v, want hold", text, v.Action, v.Reasons)
		}
	}
}

// The classifier's cry for help in a lesson, advice or a story with no child in it is not held
// (the rules still read such a sentence); with the child in it, or with no lesson, it is.
func TestLessonWithoutChild(t *testing.T) {
	for _, text := range []string{"老师教我们，遇到坏人要大声喊，然后告诉家长", "地理课上讲了地震会让很多房子倒塌", "If someone online asks for photos, tell an adult",
		"电影里那个孩子被关在地下室"} {
		if !lessonWithoutChild(ClassAbuse, []rune(fold(text).r)) {
			t.Errorf("%q is not read as a lesson without the child", text)
		}
	}
	for _, text := range []string{"老师说不要伤害自己，可是我忍不住", "活着没意思", "我们要是告诉家长，他就打我们", "we learned it, but i still want to die"} {
		if lessonWithoutChild(ClassSelfHarm, []rune(fold(text).r)) {
			t.Errorf("%q is read as a lesson without the child", text)
		}
	}
	if lessonWithoutChild(ClassThreat, []rune("老师说")) {
		t.Error("bullying is no cry for help")
	}
}

// The classifier's threat in words that lead to a help or an invitation, and its mockery
// between friends, are not held when no harm is named; a condition or a harm keeps them held,
// and leaving someone out is never excused.
func TestKindlyMeant(t *testing.T) {
	for class, text := range map[string]string{ClassThreat: "放学在小卖部门口等你，带上你的跳绳！", ClassContempt: "你这个小迷糊，我借你橡皮，我们是好朋友"} {
		if !kindlyMeant(class, []rune(text)) {
			t.Errorf("%s %q is not read as kindly meant", class, text)
		}
	}
	for _, text := range []string{"放学后篮球场见，我们约好一起练运球的", "对不起，我把你的水杯打碎了，我会赔给你的"} {
		if !kindlyMeant(ClassThreat, []rune(text)) {
			t.Errorf("%q is not read as kindly meant", text)
		}
	}
	for _, text := range []string{"放学后操场见，约好了，不来你就完了", "我会赔给你的，不过先打你一顿"} {
		if kindlyMeant(ClassThreat, []rune(text)) {
			t.Errorf("%q is read as kindly meant", text)
		}
	}
	for class, text := range map[string]string{ClassThreat: "放学在门口等你，带上钱，不然揍你", ClassExclusion: "我们是好朋友，一起玩，不带她",
		ClassBodyShaming: "好朋友也要说，你胖得像猪", ClassSelfHarm: "我们是好朋友，我借你书"} {
		if kindlyMeant(class, []rune(text)) {
			t.Errorf("%s %q is read as kindly meant", class, text)
		}
	}
}

// A listed harm named as a lesson's topic with no child in it (生物课讲了安眠药, the child's
// opinion about the lesson aside) is no cry; a wish or a state of the child's own never is a
// topic, and the child in the sentence keeps it a cry. A listed insult between friends, with a
// kindness done beside it, is no insult.
func TestTopicsInLessonsAndFriendlyWords(t *testing.T) {
	s := New(Defaults())
	for _, text := range []string{"科学课讲了为什么安眠药要凭处方买，我觉得大家都该知道", "警察叔叔说离家出走很危险，我建议多讲讲",
		"你这个小笨蛋，铅笔又断了吧，我借你一支"} {
		if v := s.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
	for _, text := range []string{"老师说要珍惜生命，可我还是想死", "安全课上讲了跳楼的危险，我昨天就想从楼顶跳楼", "老师说不要想不开，可是活着没意思"} {
		if v := s.Screen(text); !v.Safeguarding() || v.Action != Hold {
			t.Errorf("%q → %s %v, want held as a cry for help", text, v.Action, v.Reasons)
		}
	}
	if v := s.Screen("你这个笨蛋，我借你的钱快还"); v.Action != Hold {
		t.Errorf("a listed insult with a debt, not a kindness → %s", v.Action)
	}
}

// A hurt done by a facility (a radiator, a door frame, a climbing wall) in the clause before,
// or caught in a role-play game, is no disclosure to the rules; a person named doing it is.
func TestFacilitiesAndRolePlay(t *testing.T) {
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"走廊的暖气管特别烫，我弟弟的手被烫起泡了", "单杠上的铁皮翘起来了，我的手被划破了", "我们玩过家家，我演小狗被关进笼子里"} {
		if v := rules.Screen(text); v.Safeguarding() {
			t.Errorf("%q is held as a cry for help: %v", text, v.Reasons)
		}
	}
	for _, text := range []string{"爸爸把我的手按在暖气片上，我的手被烫起泡了", "我被爸爸打了，头撞到了门框"} {
		if v := rules.Screen(text); !v.Safeguarding() {
			t.Errorf("%q is not held as a cry for help", text)
		}
	}
}

// A goodbye that gives its ordinary reason (a move, a new school, an exam year) is no cry for
// help to the classifier; a goodbye whose reason is denied, or that names a death, still is.
func TestMovingOn(t *testing.T) {
	for _, text := range []string{"这是我最后一次参加议事会了，因为暑假我们要搬到广州", "以后不常来了，因为初三作业多，毕业后见！",
		"Last post from me here, because we're moving to Shenzhen next week"} {
		if !movingOn(ClassSelfHarm, []rune(fold(text).r)) {
			t.Errorf("%q is not read as moving on", text)
		}
	}
	for _, text := range []string{"这是我最后一次发言了，不是因为转学，谢谢大家", "因为要转学了，我不想活了", "这是我最后一个提案了，谢谢大家"} {
		if movingOn(ClassSelfHarm, []rune(fold(text).r)) {
			t.Errorf("%q is read as moving on", text)
		}
	}
}

// A goodbye said to a thing is no cry for help to the classifier; a goodbye to a person, to
// the world, or beside a death named still is.
func TestGoodbyeToThing(t *testing.T) {
	for _, text := range []string{"再见了，我的旧书包，陪了我六年", "Goodbye to my old bike, it's too small for me now"} {
		if !goodbyeToThing(ClassSelfHarm, []rune(fold(text).r)) {
			t.Errorf("%q is not read as a goodbye to a thing", text)
		}
	}
	for _, text := range []string{"再见了，我的爸爸妈妈", "再见了，这个世界", "再见了，我的旧书包，反正我也活不久了", "goodbye to my friends, i won't be here tomorrow"} {
		if goodbyeToThing(ClassSelfHarm, []rune(fold(text).r)) {
			t.Errorf("%q is read as a goodbye to a thing", text)
		}
	}
}

// A tease that ends in praise is no mockery to the classifier; praise with a slight beside it,
// sarcasm, or praise that bounds who may join is still read.
func TestTeaseEndingInPraise(t *testing.T) {
	for _, text := range []string{"你的新眼镜像两个小圆盘，不过真的很好看", "你跳绳的样子像袋鼠，可你是我们班跳得最快的"} {
		if !kindlyMeant(ClassBodyShaming, []rune(fold(text).r)) {
			t.Errorf("%q is not read as praise", text)
		}
	}
	for _, text := range []string{"你长得挺好看，可惜脑子是猪脑子", "你以为你很聪明吗", "You're not clever enough to join us", "明天让你好看"} {
		if kindlyMeant(ClassContempt, []rune(fold(text).r)) {
			t.Errorf("%q is read as praise", text)
		}
	}
}
