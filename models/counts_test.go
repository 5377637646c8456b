package models_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"tongsheng/models"
	"tongsheng/models/modelstest"
)

// world is a council with n consented children and one proposal by the first of them.
type world struct {
	s        *models.Store
	children []*models.Actor
	body     *models.Body
	admin    *models.Actor
}

func newWorld(tb testing.TB, dialect string, n int) *world {
	tb.Helper()
	ctx := context.Background()
	s := modelstest.Open(tb, dialect, nil, modelstest.FastHashing)
	sys := models.SystemActor()
	city, err := s.CreateRegion(ctx, sys, models.RegionInput{Name: "乐清市", Kind: "city"})
	if err != nil {
		tb.Fatal(err)
	}
	body, err := s.CreateBody(ctx, sys, models.BodyInput{Name: "乐清市儿童议事会", Kind: "council", RegionID: city.ID})
	if err != nil {
		tb.Fatal(err)
	}
	w := &world{s: s, body: body, admin: sys}
	for i := range n {
		m, err := s.AddMember(ctx, sys, body.ID, models.MemberInput{Nickname: "同学", LoginName: fmt.Sprintf("c%03d", i), PIN: "2580", BirthYear: 2015, BirthMonth: 5})
		if err != nil {
			tb.Fatal(err)
		}
		if err := s.RecordPaperConsent(ctx, sys, m.Child.ID, models.PaperConsent{GuardianName: "家长", Relation: "母亲", Reference: "F"}); err != nil {
			tb.Fatal(err)
		}
		a := &models.Actor{ID: m.Child.ID, Role: models.RoleChild, ConsentStatus: models.ConsentActive}
		if err := s.SetAssent(ctx, a, true); err != nil {
			tb.Fatal(err)
		}
		a.BodyIDs = []string{body.ID}
		w.children = append(w.children, a)
	}
	return w
}

func (w *world) propose(tb testing.TB, by int) string {
	tb.Helper()
	d, err := w.s.CreateProposal(context.Background(), w.children[by], models.ProposalInput{BodyID: w.body.ID, Title: "清和公园加座椅", Category: "park"})
	if err != nil {
		tb.Fatal(err)
	}
	return d.ID
}

// designWithOptions moves a proposal to design and gives it n options.
func (w *world) designWithOptions(tb testing.TB, id string, n int) []string {
	tb.Helper()
	ctx := context.Background()
	if _, err := w.s.ChangeStage(ctx, w.admin, id, models.StageInput{To: models.StageDesign}); err != nil {
		tb.Fatal(err)
	}
	var opts []string
	for i := range n {
		o, err := w.s.AddOption(ctx, w.admin, id, models.OptionInput{Title: fmt.Sprintf("方案%d", i+1)})
		if err != nil {
			tb.Fatal(err)
		}
		opts = append(opts, o.ID)
	}
	return opts
}

func verify(tb testing.TB, s *models.Store) {
	tb.Helper()
	diffs, err := s.VerifyCounts(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	if len(diffs) > 0 {
		tb.Fatalf("stored counts differ from rows: %v", diffs)
	}
}

// 200 children cast and change 2,000 votes at once: the tally equals each child's last vote,
// and stored counts equal a fresh count of rows.
func TestConcurrentVotesAreExact(t *testing.T) {
	for _, d := range modelstest.Dialects() {
		t.Run(d, func(t *testing.T) {
			w := newWorld(t, d, 200)
			id := w.propose(t, 0)
			opts := w.designWithOptions(t, id, 5)
			last := make([]string, len(w.children))
			var wg sync.WaitGroup
			for i, child := range w.children {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := rand.New(rand.NewPCG(uint64(i), 7))
					for range 10 { // 200 × 10 = 2,000 votes, each child's in order
						opt := opts[r.IntN(len(opts))]
						if err := w.s.CastVote(context.Background(), child, id, opt); err != nil {
							t.Error(err)
							return
						}
						last[i] = opt
					}
				}()
			}
			wg.Wait()
			want := map[string]int{}
			for _, o := range last {
				want[o]++
			}
			res, err := w.s.Results(context.Background(), w.admin, id)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != len(w.children) {
				t.Errorf("total %d, want %d", res.Total, len(w.children))
			}
			for _, o := range res.Options {
				if o.Votes != want[o.ID] {
					t.Errorf("option %s: %d votes, want %d", o.Title, o.Votes, want[o.ID])
				}
			}
			for i, child := range w.children {
				d, err := w.s.ProposalDetail(context.Background(), child, id)
				if err != nil || d.My.VoteOptionID == nil || *d.My.VoteOptionID != last[i] {
					t.Fatalf("child %d's vote is not their last one", i)
				}
			}
			verify(t, w.s)
		})
	}
}

// Children vote while staff post the decision, which closes the design stage: each vote either
// counts (answered with no error) or is refused with stage_closed; none counts unanswered, is
// lost once answered, or counts after the decision was posted.
func TestVotesRacingTheCloseOfDesign(t *testing.T) {
	for _, d := range modelstest.Dialects() {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, d, 60)
			id := w.propose(t, 0)
			opts := w.designWithOptions(t, id, 3)
			errs := make([]error, len(w.children))
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, child := range w.children {
				wg.Go(func() {
					<-start
					errs[i] = w.s.CastVote(ctx, child, id, opts[i%len(opts)])
				})
			}
			var atClose *models.Results
			wg.Go(func() {
				<-start
				if _, err := w.s.PostDecision(ctx, w.admin, id, models.DecisionInput{Outcome: models.OutcomeAdopted, ChildSummary: "选了票数最多的方案。"}); err != nil {
					t.Error(err)
					return
				}
				var err error
				if atClose, err = w.s.Results(ctx, w.admin, id); err != nil {
					t.Error(err)
				}
			})
			close(start)
			wg.Wait()
			want := map[string]int{}
			for i, err := range errs {
				switch {
				case err == nil:
					want[opts[i%len(opts)]]++
				case models.ErrorCode(err) != models.CodeStageClosed:
					t.Errorf("child %d: %v, want a vote or stage_closed", i, err)
				}
			}
			res, err := w.s.Results(ctx, w.admin, id)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d of %d votes counted before the close", res.Total, len(errs))
			if atClose == nil || atClose.Total != res.Total {
				t.Errorf("votes counted after the decision was posted: %d then, %d at the end", cmp.Or(atClose, &models.Results{}).Total, res.Total)
			}
			for _, o := range res.Options {
				if o.Votes != want[o.ID] {
					t.Errorf("option %s: %d votes counted, %d answered", o.Title, o.Votes, want[o.ID])
				}
			}
			verify(t, w.s)
		})
	}
}

// Random supports, withdrawals of support, votes, comments and proposal withdrawals: after
// every step each stored count equals a fresh count.
func TestRandomParticipationKeepsCountsExact(t *testing.T) {
	for _, d := range modelstest.Dialects() {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, d, 12)
			r := rand.New(rand.NewPCG(42, 2026))
			var needs, design []string
			options := map[string][]string{}
			for i := range 6 {
				needs = append(needs, w.propose(t, i))
			}
			for i := range 3 {
				id := w.propose(t, 6+i)
				options[id] = w.designWithOptions(t, id, 2+i)
				design = append(design, id)
			}
			pick := func(ids []string) string { return ids[r.IntN(len(ids))] }
			for step := range 300 {
				child := w.children[r.IntN(len(w.children))]
				var err error
				switch op := r.IntN(5); op {
				case 0:
					_, err = w.s.SetSupport(ctx, child, pick(needs), true)
				case 1:
					_, err = w.s.SetSupport(ctx, child, pick(needs), false)
				case 2:
					id := pick(design)
					err = w.s.CastVote(ctx, child, id, pick(options[id]))
				case 3:
					_, err = w.s.AddComment(ctx, child, pick(append(needs, design...)), models.CommentInput{Body: fmt.Sprintf("第%d条留言", step)})
				case 4:
					_, err = w.s.WithdrawProposal(ctx, child, pick(needs))
				}
				switch models.ErrorCode(err) {
				case models.CodeInternal:
					if err != nil {
						t.Fatalf("step %d: %v", step, err)
					}
				case models.CodeForbidden, models.CodeConflict, models.CodeStageClosed, models.CodeInvalidTransition:
					// refused by a rule (not the author, one's own proposal, withdrawn already): fine
				default:
					t.Fatalf("step %d: unexpected %v", step, err)
				}
				verify(t, w.s)
			}
		})
	}
}

// A vote sent again for the same option (a double tap) succeeds and changes nothing; a vote for
// another proposal's option or outside design is refused and changes nothing either.
func TestVoteAgainAndRefusedVotesChangeNothing(t *testing.T) {
	for _, d := range modelstest.Dialects() {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, d, 2)
			id := w.propose(t, 0)
			opts := w.designWithOptions(t, id, 2)
			other := w.propose(t, 1)
			otherOpts := w.designWithOptions(t, other, 2)
			child := w.children[0]
			for range 2 {
				if err := w.s.CastVote(ctx, child, id, opts[0]); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.s.CastVote(ctx, child, id, otherOpts[0]); models.ErrorCode(err) != models.CodeValidationFailed {
				t.Errorf("another proposal's option: %v, want validation_failed", err)
			}
			if err := w.s.CastVote(ctx, child, id, "01aaaaaaaaaaaaaaaaaaaaaaaa"); models.ErrorCode(err) != models.CodeValidationFailed {
				t.Errorf("an option that does not exist: %v, want validation_failed", err)
			}
			if err := w.s.CastVote(ctx, child, w.propose(t, 1), opts[1]); models.ErrorCode(err) != models.CodeStageClosed {
				t.Errorf("a vote before design: %v, want stage_closed", err)
			}
			res, err := w.s.Results(ctx, w.admin, id)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 1 || res.Options[0].Votes != 1 || res.Options[1].Votes != 0 {
				t.Errorf("tally %+v, want the one vote on the first option", res.Options)
			}
			verify(t, w.s)
		})
	}
}
