package moderation

import (
	"testing"
)

// Numbers told as amounts read as their digits; amounts that count something stay as written.
func TestQuantitiesReadAsDigits(t *testing.T) {
	for in, want := range map[string]string{
		"一百三十六 三千七百二十 九千零一十五": "136 3720 9015",
		"壹佰叁拾陆，叁仟零肆拾":         "136,3040",
		"一百三十六三千七百二十":         "1363720",
		"一八六八千三百二十":           "一八六8320",
		"三千四百五十六万七千八百九十一":     "34567891",
		"九亿八千七百六十五万四千三百二十一":   "987654321",
		"一百零六":     "106",
		"十二":       "十二",
		"一百八十四个同学": "一百八十四个同学",
		"两万三千元":    "两万三千元",
		"第一百二十":    "第一百二十",
		"三千四百万":    "三千四百万",
		"one hundred and fifty-nine one thousand two hundred and twenty-one": "159 1221",
		"seven thousand and fifty-four":                                      "7054",
		"one three eight":                                                    "one three eight",
		"twenty one":                                                         "twenty one",
		"twelve thousand books":                                              "twelve thousand books",
	} {
		if got := string(quantities(fold(in)).r); got != want {
			t.Errorf("quantities(%q) = %q, want %q", in, got, want)
		}
	}
}

// A phone number or a QQ number told as amounts is found; counts and prices are not.
func TestPhoneNumbersToldAsAmounts(t *testing.T) {
	s := New(Defaults())
	for _, text := range []string{"打给我：一百三十六 三千七百二十 九千零一十五", "联系我：壹佰叁拾陆，叁仟零肆拾，贰仟贰佰贰拾陆",
		"qq是三千四百五十六万七千八百九十一", "my number is one hundred and fifty-nine, one thousand two hundred and twenty-one, one thousand nine hundred and ninety-two"} {
		if v := s.Screen(text); v.Action != Block {
			t.Errorf("%q → %s, want block", text, v.Action)
		}
	}
	for _, text := range []string{"跳绳比赛我一分钟跳了一百八十四下", "一百八十四个同学投了票，一百二十个同意", "预算两万三千元，电话联系居委会",
		"全国有三千四百万儿童", "二零二五年三月十二日植树节", "The library has twelve thousand books and three hundred comics."} {
		if v := s.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
}

// Digits spelled with dong for 0, run into a cue or ending in an ID number's x, or listed
// one by one with 、, are found; a counted list and a list of hotlines are not numbers.
func TestSpelledAndListedDigits(t *testing.T) {
	s := New(Defaults())
	for _, text := range []string{"给我发消息 yao-san-wu - liang-dong-liang-dong-guai-yao-dong-liang", "我的QQwuyidongguaibasanliusanjiu，一起写提案",
		"身份证 sansilingyilingsierlinglingqilingliuyiqierwusanX", "身份证 伍、零、零、壹、零、叁、贰、零、壹、贰、壹、贰、壹、陆、捌、壹、贰、伍",
		"wo jia zhu zai qing he jia yuan san dong er dan yuan wu ling yi"} {
		if v := s.Screen(text); v.Action == Allow {
			t.Errorf("%q is allowed", text)
		}
	}
	for _, text := range []string{"第1、2、3、4、5、6、7组的同学请到操场集合", "急救电话是120、119、110"} {
		if v := s.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
}

// A number told in parts is found with no contact word when the parts are named (前面, 中间,
// 后面), and 'the last four' counts digits rather than being one; parts of a playground are
// not a number.
func TestNumbersToldInParts(t *testing.T) {
	s := New(Defaults())
	for _, text := range []string{"前面156，后面2591，中间的四位是2432", "first part 155, then 1139, last four 4184 - my number", "我的Q：361（接下一句）4483",
		"I study at Xinhua Road Primary, grade eight class four, come say hi"} {
		if v := s.Screen(text); v.Action == Allow {
			t.Errorf("%q is allowed", text)
		}
	}
	for _, text := range []string{"前面的同学跑了100米，后面的同学跑了200米", "我们班前面有3棵树，后面有5棵树，中间是操场", "the last four years we planted 300 trees"} {
		if v := s.Screen(text); v.Action != Allow {
			t.Errorf("%q → %s %v, want allow", text, v.Action, v.Reasons)
		}
	}
}
