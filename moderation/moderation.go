// Package moderation screens everything a child writes before anyone else sees it. It is pure:
// no HTTP, no database. The domain calls Screener.Screen and acts on the verdict: block (not
// stored; the child is told what to remove), hold (stored, queued for a person) or allow.
//
// Screening works on normalised copies of the text, so that evasions read as what they are:
// full-width and circled characters, upper case, traditional characters, Chinese numerals and
// the spoken forms of digits (一三八, 幺, 拐), numbers told as amounts (一百三十六, one hundred and
// fifty-nine), and separators between digits (138-0013-8000).
package moderation

import (
	"slices"
	"strings"
	"sync/atomic"
)

// Action is what happens to a screened text.
type Action string

const (
	Allow Action = "allow"
	Hold  Action = "hold"
	Block Action = "block"
)

// Reason kinds. Personal information blocks (phone … long_number of 11 or more digits); a
// street and number, a school class with a name and a shorter long number are held, like
// insults and safeguarding cues.
const (
	KindPhone        = "phone"
	KindLandline     = "landline"
	KindIDNumber     = "id_number"
	KindBankCard     = "bank_card"
	KindQQ           = "qq"
	KindWeChat       = "wechat"
	KindEmail        = "email"
	KindAddress      = "address"
	KindSchoolClass  = "school_class"
	KindLongNumber   = "long_number"
	KindSevereWord   = "severe_word"
	KindInsult       = "insult"
	KindSafeguarding = "safeguarding"
)

// Kinds lists every reason kind.
var Kinds = []string{KindPhone, KindLandline, KindIDNumber, KindBankCard, KindQQ, KindWeChat, KindEmail, KindAddress,
	KindSchoolClass, KindLongNumber, KindSevereWord, KindInsult, KindSafeguarding}

// holdPrefix marks a finding that holds rather than blocks until the verdict is made.
const holdPrefix = "hold:"

// Reason is one finding: its kind and where it is, as a byte span of the original text.
type Reason struct {
	Kind       string
	Action     Action
	Start, End int
	// Class says what a meaning finding read: self_harm or abuse (safeguarding); threat,
	// body_shaming, exclusion or contempt (insult). Empty for formats and listed words.
	Class string
}

// Verdict is the outcome of screening one text: the strictest action of its reasons.
type Verdict struct {
	Action  Action
	Reasons []Reason
}

// Safeguarding reports whether the text asks for help (self-harm, abuse): such items go to the
// top of the queue.
func (v Verdict) Safeguarding() bool {
	return slices.ContainsFunc(v.Reasons, func(r Reason) bool { return r.Kind == KindSafeguarding })
}

// Lists are the editable word lists. Safeguarding cues are built in.
type Lists struct {
	Block, Hold, Allow []string
}

// Screener screens texts against the current lists; Replace swaps them without a restart.
// It is safe for concurrent use.
type Screener struct {
	lists atomic.Pointer[Lists]
	words atomic.Pointer[wordSet]
	model *meaningModel // nil: the shared model, loaded once
}

// New returns a screener with the given lists.
func New(l Lists) *Screener {
	s := &Screener{}
	s.Replace(l)
	return s
}

// Replace compiles and swaps in new word lists; screens already under way finish with the old.
func (s *Screener) Replace(l Lists) {
	ws := compile(l)
	s.lists.Store(&l)
	s.words.Store(ws)
}

// Lists returns the current word lists.
func (s *Screener) Lists() Lists { return *s.lists.Load() }

// Patterns returns how many words the compiled lists hold.
func (s *Screener) Patterns() int { return s.words.Load().size }

// Screen returns the verdict on text. It is deterministic and never panics.
func (s *Screener) Screen(text string) Verdict {
	base := fold(text)
	m := s.model
	if m == nil {
		m = loadModel()
	}
	words := wordForm(base)
	found := append(append(personal(base), s.words.Load().match(words)...), meaning(m, base, words)...)
	v := Verdict{Action: Allow}
	for _, r := range found {
		if r.Kind == holdPrefix+KindSafeguarding && r.Class == "" && (spokenOf(base, r.Start, r.End) || acrossClauses(text[r.Start:r.End]) || topicInLesson(base, text[r.Start:r.End], r.Start)) {
			continue // 如果有人说想死，要告诉老师: a listed cry for help spoken of, not made
		}
		if r.Kind == holdPrefix+KindInsult && r.Class == "" && (quotedListedWord(base, r.Start) || kindlyMeant(ClassContempt, base.r)) {
			continue // 有人写“某某是笨蛋”，希望大家不要乱写; 你这个小笨蛋，我借你: reported, or between friends
		}
		r.Action = Block
		if k, ok := strings.CutPrefix(r.Kind, holdPrefix); ok {
			r.Kind, r.Action = k, Hold
		}
		switch {
		case r.Action == Block:
			v.Action = Block
		case v.Action == Allow:
			v.Action = Hold
		}
		v.Reasons = append(v.Reasons, r)
	}
	slices.SortFunc(v.Reasons, func(a, b Reason) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		if a.End != b.End {
			return a.End - b.End
		}
		if c := strings.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.Class, b.Class)
	})
	v.Reasons = slices.Compact(v.Reasons)
	if v.Safeguarding() {
		// A cry for help is never refused: it is held for an adult, and what would have
		// blocked it (a phone number beside it) is masked by the caller, span by span.
		v.Action = Hold
	}
	return v
}

// acrossClauses reports whether a listed cry for help was read across a clause's end: in
// 被欺负，我们可以告诉老师 nobody wrote 欺负我. Children do not hide a cry for help behind a comma.
func acrossClauses(span string) bool { return strings.ContainsAny(span, "，,。！？!?；;") }
