package models_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"tongsheng/models"
	"tongsheng/models/modelstest"
)

// statsWorld is a city of two districts: a pre-moderated council and a school council in the
// first, a council in the second, and a child who belongs to councils of both districts.
type statsWorld struct {
	s                *models.Store
	clock            *modelstest.Clock
	admin            *models.Actor
	city, north, sth *models.Region
	bodies           []*models.Body // north pre-moderated, north, south
	children         []*models.Actor
	committees       []*models.Actor // the city's, the north's, the south's
}

func newStatsWorld(t *testing.T, dialect string) *statsWorld {
	t.Helper()
	ctx := context.Background()
	clock := modelstest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s := modelstest.Open(t, dialect, clock, modelstest.FastHashing)
	w := &statsWorld{s: s, clock: clock, admin: models.SystemActor()}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	w.city, err = s.CreateRegion(ctx, w.admin, models.RegionInput{Name: "乐清市", Kind: "city"})
	must(err)
	w.north, err = s.CreateRegion(ctx, w.admin, models.RegionInput{Name: "北区", Kind: "district", ParentID: w.city.ID})
	must(err)
	w.sth, err = s.CreateRegion(ctx, w.admin, models.RegionInput{Name: "南区", Kind: "district", ParentID: w.city.ID})
	must(err)
	for i, in := range []models.BodyInput{
		{Name: "北区儿童议事会", Kind: "council", RegionID: w.north.ID, ModerationMode: models.ModerationPre, TermEndsOn: "2026-04-30"},
		{Name: "北区实验小学议事会", Kind: "council", RegionID: w.north.ID},
		{Name: "南区儿童议事会", Kind: "council", RegionID: w.sth.ID},
	} {
		b, err := s.CreateBody(ctx, w.admin, in)
		must(err)
		w.bodies = append(w.bodies, b)
		for k := range 4 {
			m, err := s.AddMember(ctx, w.admin, b.ID, models.MemberInput{Nickname: "同学", LoginName: fmt.Sprintf("c%d%d", i, k), PIN: "2580", BirthYear: 2015, BirthMonth: 5})
			must(err)
			a := &models.Actor{ID: m.Child.ID, Role: models.RoleChild, BodyIDs: []string{b.ID}}
			if k < 3 { // the fourth child's consent stays pending
				must(s.RecordPaperConsent(ctx, w.admin, m.Child.ID, models.PaperConsent{GuardianName: "家长", Relation: "母亲", Reference: "F"}))
				a.ConsentStatus = models.ConsentActive
				must(s.SetAssent(ctx, a, true))
			}
			w.children = append(w.children, a)
		}
	}
	// The first child also sits on the north's school council and the south's council.
	for _, b := range w.bodies[1:] {
		_, err := s.AddMember(ctx, w.admin, b.ID, models.MemberInput{ChildID: w.children[0].ID, LoginName: "c-both"})
		must(err)
		w.children[0].BodyIDs = append(w.children[0].BodyIDs, b.ID)
	}
	for _, r := range []*models.Region{w.city, w.north, w.sth} {
		w.committees = append(w.committees, &models.Actor{ID: "committee-" + r.ID, Role: models.RoleCommittee, RegionID: r.ID, RegionPath: r.Path})
	}
	return w
}

// check verifies the kept sums and compares the statistics each staff member reads for whole
// regions (from the kept sums) with the same statistics recomputed from the proposals (a date
// filter that covers every day takes the recomputing path).
func (w *statsWorld) check(t *testing.T, step string) {
	t.Helper()
	ctx := context.Background()
	diffs, err := w.s.VerifyCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) > 0 {
		t.Fatalf("after %s: kept counts differ from rows: %v", step, diffs)
	}
	for _, a := range append([]*models.Actor{w.admin}, w.committees...) {
		for _, region := range []string{"", w.city.ID, w.north.ID, w.sth.ID} {
			kept, err := w.s.Statistics(ctx, a, models.StatsFilter{RegionID: region})
			if err != nil {
				t.Fatalf("after %s: %v", step, err)
			}
			fresh, err := w.s.Statistics(ctx, a, models.StatsFilter{RegionID: region, From: "2000-01-01"})
			if err != nil {
				t.Fatalf("after %s: %v", step, err)
			}
			if !reflect.DeepEqual(kept, fresh) {
				t.Fatalf("after %s, %s %s, region %q: kept statistics\n%+v\nrecomputed\n%+v", step, a.Role, a.RegionPath, region, *kept, *fresh)
			}
		}
	}
}

// Statistics of whole regions come from sums kept per region and stage, a histogram of
// response days and children per region; after every kind of write they equal the figures
// recomputed from the rows, for the admin, the city's committee and each district's.
func TestKeptStatisticsEqualARecomputationAfterEveryWrite(t *testing.T) {
	for _, d := range modelstest.Dialects() {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			w := newStatsWorld(t, d)
			s, admin := w.s, w.admin
			must := func(step string, err error) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				w.check(t, step)
			}
			w.check(t, "setting up")
			propose := func(child int, body *models.Body) string {
				t.Helper()
				p, err := s.CreateProposal(ctx, w.children[child], models.ProposalInput{BodyID: body.ID, Title: fmt.Sprintf("建议%d", child), Category: "park"})
				must("create", err)
				return p.ID
			}
			pending := propose(1, w.bodies[0]) // waits for moderation: not published yet
			var ids []string
			for i, b := range []int{1, 1, 1, 2, 2, 2} {
				ids = append(ids, propose(4*b+i%3, w.bodies[b]))
				w.clock.Advance(26 * time.Hour)
			}
			propose(0, w.bodies[2]) // by the child of both districts
			items, _, err := s.Queue(ctx, admin, models.Page{})
			must("queue", err)
			for _, it := range items {
				if it.ProposalID == pending {
					must("approve", s.Decide(ctx, admin, it.ID, models.DecideInput{Action: models.ActionApprove}))
				}
			}
			w.clock.Advance(3 * 24 * time.Hour)
			// First answers after different numbers of days: a staff comment, stage moves.
			_, err = s.AddComment(ctx, w.committees[1], ids[0], models.CommentInput{Body: "收到，我们会去看看。"})
			must("staff comment", err)
			w.clock.Advance(2 * 24 * time.Hour)
			for _, id := range []string{ids[1], ids[3], pending} {
				_, err = s.ChangeStage(ctx, admin, id, models.StageInput{To: models.StageDesign})
				must("design", err)
				w.clock.Advance(24 * time.Hour)
			}
			for _, id := range []string{ids[1], ids[3]} {
				for i := range 2 {
					_, err = s.AddOption(ctx, admin, id, models.OptionInput{Title: fmt.Sprintf("方案%d", i+1)})
					must("option", err)
				}
			}
			_, err = s.PostDecision(ctx, admin, ids[1], models.DecisionInput{Outcome: models.OutcomeAdopted, ChildSummary: "采纳"})
			must("decision", err)
			_, err = s.PostDecision(ctx, admin, ids[3], models.DecisionInput{Outcome: models.OutcomeAdopted, ChildSummary: "采纳"})
			must("decision", err)
			_, err = s.PostDecision(ctx, admin, ids[3], models.DecisionInput{Outcome: models.OutcomeNotAdopted, ChildSummary: "暂不采纳"})
			must("corrected decision", err)
			_, err = s.PostDecision(ctx, admin, ids[4], models.DecisionInput{Outcome: models.OutcomePartly, ChildSummary: "部分采纳"})
			must("decision from needs", err)
			_, err = s.ChangeStage(ctx, admin, ids[1], models.StageInput{To: models.StageEvaluation})
			must("evaluation", err)
			for i, child := range []int{4, 5, 6} {
				_, err = s.Evaluate(ctx, w.children[child], ids[1], models.Ratings{Safety: 3 + i%3, Fun: 4, Access: 2 + i, Looks: 5}, "")
				must("evaluate", err)
			}
			_, err = s.ChangeStage(ctx, admin, ids[1], models.StageInput{To: models.StageClosed, Summary: "完成了"})
			must("closed", err)
			w.clock.Advance(20 * 24 * time.Hour) // past the deadlines of those still waiting
			w.check(t, "deadlines passed")
			st, err := s.Statistics(ctx, w.committees[0], models.StatsFilter{})
			must("statistics", err)
			if st.Overdue == 0 || st.MedianResponseDays == 0 || st.AdoptionRate == 0 || st.EvaluationAverage.Overall == 0 || st.ProposalsByStage[models.StageClosed] != 1 {
				t.Fatalf("the city's statistics miss what was written: %+v", *st)
			}
			_, err = s.WithdrawProposal(ctx, w.children[4*2+2], ids[5])
			must("proposal withdrawn", err)
			erase, keep := true, false
			must("consent withdrawn, words kept", s.WithdrawOnPaper(ctx, admin, w.children[9].ID, models.Withdrawal{Erase: &keep, Reference: "W1"}))
			must("consent withdrawn, words erased", s.WithdrawOnPaper(ctx, admin, w.children[0].ID, models.Withdrawal{Erase: &erase, Reference: "W2"}))
			w.clock.Advance(260 * 24 * time.Hour) // the north council's term ended long ago
			n, err := s.Purge(ctx)
			must("purge", err)
			if n == 0 {
				t.Fatal("nobody was purged")
			}
		})
	}
}

// The median of response days comes from a histogram; an even count takes the mean of the
// two middle days, as the recomputation does.
func TestStatisticsOfAnEmptyCity(t *testing.T) {
	for _, d := range modelstest.Dialects() {
		t.Run(d, func(t *testing.T) {
			w := newStatsWorld(t, d)
			st, err := w.s.Statistics(context.Background(), w.committees[0], models.StatsFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if st.MedianResponseDays != 0 || st.ResponseRate != 0 || st.ChildrenActive != 9 || st.ConsentPending != 3 {
				t.Fatalf("statistics of a city without proposals: %+v", *st)
			}
			w.check(t, "nothing")
		})
	}
}
