package moderation

import "testing"

// calm takes the 死 out of everyday hyperbole for the classifier, and leaves it where a wish
// or an outcome follows, or where nothing is a state.
func TestCalmHyperbole(t *testing.T) {
	for in, want := range map[string]string{
		"体育课后饿死了想吃饭":        "体育课后饿了想吃饭",
		"教室里热死人了":           "教室里热人了",
		"笑死我了滑梯像恐龙":         "笑我了滑梯像恐龙",
		"台阶累得要命":            "台阶累得",
		"寒假结束想死你们了":         "寒假结束想你们了",
		"i'm dying of heat": "i'm so of heat",
		// meant, or no state: kept as written
		"累死算了":          "累死算了",
		"饿死就饿死吧":        "饿死就饿死吧",
		"饿死了就不用上学了":     "饿死了就不用上学了",
		"我想死":           "我想死",
		"活着不如死了":        "活着不如死了",
		"i want to die": "i want to die",
	} {
		if got := string(calm([]rune(in))); got != want {
			t.Errorf("calm(%q) = %q, want %q", in, got, want)
		}
	}
}

// Banging one's head on a wall as the degree of a frustration, and a goodbye to a thing, are
// no cries for help; the same words with blood, a person or the world in them still are, and
// so is a child who says all would be happier once they were dead.
func TestFrustrationAndFarewellsToThings(t *testing.T) {
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"这道奥数题难到我想撞墙", "永别了，我的旧铅笔盒，新学期用新的", "再见了，坏掉的跷跷板，明天换新的"} {
		if v := rules.Screen(text); v.Safeguarding() {
			t.Errorf("%q is held as a cry for help: %v", text, v.Reasons)
		}
	}
	for _, text := range []string{"我每天都想撞墙，撞到流血才停", "永别了，爸爸妈妈，不要找我", "我死了他们就高兴了", "等我不在了，大家都会轻松"} {
		if v := rules.Screen(text); !v.Safeguarding() {
			t.Errorf("%q → %s %v, want a cry for help", text, v.Action, v.Reasons)
		}
	}
}

// Children in general, or "us", kept out of a place by a rule is a complaint, not bullying;
// a child named and kept out is still held, and a child shut out at home still reaches an adult.
func TestKeptOutByRule(t *testing.T) {
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"体育馆的叔叔不让我们进去打球，说只给大人用", "那家书店不让小孩进去看书，太不公平了"} {
		if v := rules.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
	for _, text := range []string{"别让他进我们的小组", "不让小红玩我们的跳绳"} {
		if v := rules.Screen(text); v.Action != Hold {
			t.Errorf("%q → %s, want hold", text, v.Action)
		}
	}
	if v := rules.Screen("后妈不让我进家门"); !v.Safeguarding() {
		t.Errorf("shut out at home → %v, want a cry for help", v.Reasons)
	}
}

// A child locked in from outside, or hurt where they sit, tells of abuse; a wish for an
// illness so as to be allowed to die is a cry for help.
func TestLockedInAndWishedIllness(t *testing.T) {
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"房门每天晚上都从外面锁上，我喊也没人理", "屁股上的伤不能坐，上课我只能站着", "我想被车撞一下，这样就可以不用再活了"} {
		if v := rules.Screen(text); !v.Safeguarding() {
			t.Errorf("%q → %s %v, want a cry for help", text, v.Action, v.Reasons)
		}
	}
	for _, text := range []string{"体育馆的门晚上从外面锁上了，我们的球拿不出来", "作业写完就可以去玩了"} {
		if v := rules.Screen(text); v.Safeguarding() {
			t.Errorf("%q is held as a cry for help: %v", text, v.Reasons)
		}
	}
}

// Everyday words that hold a harm word inside them: a wish not to exercise (不想活动), a
// grandmother missed (想死我了), trouble expected at home (gonna kill me when she sees), a
// game lost (beat me at chess), caught at something (被老师抓到), an apology for a broken
// thing, a warning of a hazard. The same harm words said as harm are still held.
func TestEverydayHarmWords(t *testing.T) {
	rules := New(Defaults())
	rules.model = buildModelWith("ok\tnothing\n")
	for _, text := range []string{"下雨天我不想活动，只想在教室看书", "外婆，想死我了，暑假就回来看你", "mum is gonna kill me when she sees my muddy shoes",
		"my sister beat me at chess again", "上课看漫画被老师抓到了，好尴尬", "对不起，我把你的模型弄坏了，我会赔给你一个新的", "小心点，地上有碎玻璃"} {
		if v := rules.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
	for _, text := range []string{"我不想活了", "我想死", "i want to kill myself", "my dad beats me with a belt", "我被爸爸抓着头发打"} {
		if v := rules.Screen(text); !v.Safeguarding() {
			t.Errorf("%q → %s %v, want a cry for help", text, v.Action, v.Reasons)
		}
	}
	for _, text := range []string{"你再说一句，我就把你的书撕了", "你给我小心点"} {
		if v := rules.Screen(text); v.Action != Hold {
			t.Errorf("%q → %s, want hold", text, v.Action)
		}
	}
}
