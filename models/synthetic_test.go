package models_test

import (
	"context"
	"testing"

	"tongsheng/models"
	"tongsheng/models/modelstest"
)

// A generated city is a city the product itself can serve: every stage present, every child
// with consent able to sign in and take part, and every stored count equal to its rows.
func TestGeneratedCityIsExactAndUsable(t *testing.T) {
	ctx := context.Background()
	size := models.CitySize{Districts: 3, Bodies: 7, ChildrenPerBody: 9, Proposals: 120, Votes: 700, Comments: 333, Supports: 250}
	for _, dialect := range modelstest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			s := modelstest.Open(t, dialect, nil, modelstest.FastHashing)
			rep, err := s.GenerateCity(ctx, size, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Bodies != 7 || rep.Children != 63 || rep.Proposals != 120 || rep.Votes != 700 || rep.Comments != 333 || rep.Supports != 250 {
				t.Fatalf("report %+v, want the sizes asked for", rep)
			}
			for _, stage := range models.Stages {
				if rep.ByStage[stage] == 0 {
					t.Errorf("no proposal in %s: %v", stage, rep.ByStage)
				}
			}
			diffs, err := s.VerifyCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(diffs) > 0 {
				t.Fatalf("stored counts differ from rows: %v", diffs)
			}
			// A second city on top of the first is refused.
			if _, err := s.GenerateCity(ctx, size, nil); err == nil {
				t.Fatal("a city was generated into a database with data")
			}

			child, err := s.ChildSignIn(ctx, models.SyntheticJoinCode(6), models.SyntheticLoginName(8), models.SyntheticPIN, models.SignIn{Address: "127.0.0.1"})
			if err != nil {
				t.Fatalf("child sign-in: %v", err)
			}
			if child.ConsentStatus != models.ConsentActive || len(child.BodyIDs) != 1 {
				t.Fatalf("child %+v: want active consent in one body", child)
			}
			list, err := s.ListProposals(ctx, child, models.ProposalFilter{}, models.Page{Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			items := list.Items
			if len(items) != 17 { // 120 proposals over 7 bodies: body 6 holds 17
				t.Fatalf("child sees %d proposals, want the 17 of the body", len(items))
			}
			for i := 1; i < len(items); i++ {
				if !items[i].CreatedAt.Before(items[i-1].CreatedAt) {
					t.Fatalf("list not newest first by creation time at %d", i)
				}
			}
			// The child takes part in the generated data: a vote moves a tally by one.
			var design string
			for _, it := range items {
				if it.Stage == models.StageDesign {
					design = it.ID
					break
				}
			}
			d, err := s.ProposalDetail(ctx, child, design)
			if err != nil || len(d.Options) != 3 {
				t.Fatalf("detail of a design proposal: %v, %d options", err, len(d.Options))
			}
			if err := s.CastVote(ctx, child, design, d.Options[2].ID); err != nil {
				t.Fatal(err)
			}
			if diffs, err := s.VerifyCounts(ctx); err != nil || len(diffs) > 0 {
				t.Fatalf("after a vote: %v %v", err, diffs)
			}

			committee, err := s.StaffSignIn(ctx, models.SyntheticCommittee, models.SyntheticStaffPassword, models.SignIn{Address: "127.0.0.1"})
			if err != nil {
				t.Fatalf("committee sign-in: %v", err)
			}
			st, err := s.Statistics(ctx, committee, models.StatsFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if st.ChildrenActive != 63 || st.ProposalsByStage[models.StageClosed] != rep.ByStage[models.StageClosed] {
				t.Fatalf("statistics %+v do not match the city %+v", st, rep)
			}
			fac, err := s.StaffSignIn(ctx, models.SyntheticFacilitator(0), models.SyntheticStaffPassword, models.SignIn{Address: "127.0.0.1"})
			if err != nil {
				t.Fatalf("facilitator sign-in: %v", err)
			}
			list, err = s.ListProposals(ctx, fac, models.ProposalFilter{}, models.Page{Limit: 50})
			if err != nil || len(list.Items) != 18 || *list.Total != 18 { // body 0 holds 18 (the remainder)
				t.Fatalf("facilitator sees %v (%v), want the 18 of the body", list, err)
			}
		})
	}
}
