package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"
)

// The write gate of DESIGN.md rule 1, in its one order: reach (not_found, forbidden), then a
// child (forbidden), then consent and assent both (consent_required).
func TestParticipate(t *testing.T) {
	for _, c := range []struct {
		consent, assent string
		want            error
	}{
		{ConsentActive, AssentGiven, nil},
		{ConsentActive, AssentRequired, ErrConsentRequired},
		{ConsentActive, AssentDeclined, ErrConsentRequired},
		{ConsentPending, AssentGiven, ErrConsentRequired},
		{ConsentRefused, AssentGiven, ErrConsentRequired},
		{ConsentWithdrawn, AssentGiven, ErrConsentRequired},
	} {
		a := &Actor{Role: RoleChild, ConsentStatus: c.consent, Assent: c.assent}
		if got := participate(a, nil); !errors.Is(got, c.want) && got != c.want {
			t.Errorf("consent %s, assent %s: %v, want %v", c.consent, c.assent, got, c.want)
		}
	}
	if err := participate(&Actor{Role: RoleAdmin}, nil); !errors.Is(err, ErrForbidden) {
		t.Errorf("staff: %v, want forbidden", err)
	}
	unconsented := &Actor{Role: RoleChild, ConsentStatus: ConsentPending}
	if err := participate(unconsented, func() error { return ErrNotFound }); !errors.Is(err, ErrNotFound) {
		t.Errorf("out of reach: %v, want not_found before consent_required", err)
	}
	if err := participate(&Actor{Role: RoleCommittee}, func() error { return ErrNotFound }); !errors.Is(err, ErrNotFound) {
		t.Errorf("staff out of scope: %v, want not_found before forbidden", err)
	}
}

// An inspection is filed under the proposal's lock: a proposal closed between the first look
// and the write takes no report.
func TestInspectionRechecksStageUnderLock(t *testing.T) {
	for dialect, s := range internalStores(t) {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			sys := SystemActor()
			_, p := evaluatedProposal(t, s)
			// Right after the inspection's first read of the proposal, it closes.
			var armed atomic.Bool
			armed.Store(true)
			err := s.db.Callback().Query().After("gorm:query").Register("test:close_after_read", func(db *gorm.DB) {
				if db.Statement.Table == "proposals" && armed.CompareAndSwap(true, false) {
					if err := s.db.Exec("UPDATE proposals SET stage = ? WHERE id = ?", StageClosed, p.ID).Error; err != nil {
						t.Error(err)
					}
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.FileInspection(ctx, sys, p.ID, []InspectionItem{{Item: "座椅装好了", OK: true}}, "都好")
			if ErrorCode(err) != CodeStageClosed {
				t.Errorf("inspection of a proposal closed meanwhile: %v, want stage_closed", err)
			}
			if armed.Load() {
				t.Fatal("the proposal was never read")
			}
			var n int64
			if err := s.db.Model(&Inspection{}).Where("proposal_id = ?", p.ID).Count(&n).Error; err != nil || n != 0 {
				t.Errorf("%d inspections stored on a closed proposal (err %v)", n, err)
			}
		})
	}
}

// evaluatedProposal gives a store a council, a consented child and the child's proposal, adopted
// and in evaluation.
func evaluatedProposal(t *testing.T, s *Store) (*Actor, *ProposalDetail) {
	t.Helper()
	ctx := context.Background()
	sys := SystemActor()
	child, p := proposalInNewRegion(t, s, "", "乐清市")
	if _, err := s.PostDecision(ctx, sys, p.ID, DecisionInput{Outcome: OutcomeAdopted, ChildSummary: "加十张座椅。"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChangeStage(ctx, sys, p.ID, StageInput{To: StageEvaluation}); err != nil {
		t.Fatal(err)
	}
	return child, p
}

// proposalInNewRegion makes a region named name under parent ("" for a root), a council in it, a
// child member with consent and assent, and the child's published proposal.
func proposalInNewRegion(t *testing.T, s *Store, parent, name string) (*Actor, *ProposalDetail) {
	t.Helper()
	ctx := context.Background()
	sys := SystemActor()
	kind := "city"
	if parent != "" {
		kind = "district"
	}
	region, err := s.CreateRegion(ctx, sys, RegionInput{Name: name, Kind: kind, ParentID: parent})
	if err != nil {
		t.Fatal(err)
	}
	body, err := s.CreateBody(ctx, sys, BodyInput{Name: "儿童议事会", Kind: BodyCouncil, RegionID: region.ID})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.AddMember(ctx, sys, body.ID, MemberInput{Nickname: "小雨", LoginName: "xy" + region.ID[len(region.ID)-8:], PIN: "1357", BirthYear: 2015, BirthMonth: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RecordPaperConsent(ctx, sys, m.Child.ID, PaperConsent{GuardianName: "家长", Relation: "母亲", Reference: "F-1"}); err != nil {
		t.Fatal(err)
	}
	child := &Actor{ID: m.Child.ID, Role: RoleChild, ConsentStatus: ConsentActive, BodyIDs: []string{body.ID}}
	if err := s.SetAssent(ctx, child, true); err != nil {
		t.Fatal(err)
	}
	p, err := s.CreateProposal(ctx, child, ProposalInput{BodyID: body.ID, Title: "清和公园加座椅", Category: "park"})
	if err != nil {
		t.Fatal(err)
	}
	return child, p
}

// JSON in text columns is read and written by GORM's serializer now; rows written by hand
// before (including "null" and empty texts) still read.
func TestJSONColumnsReadOlderRows(t *testing.T) {
	for dialect, s := range internalStores(t) {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			sys := SystemActor()
			child, p := evaluatedProposal(t, s)
			if err := s.db.Exec("DELETE FROM notifications").Error; err != nil {
				t.Fatal(err)
			}
			for i, params := range []string{`{"stage":"design","reason":""}`, `null`, ``} {
				err := s.db.Exec("INSERT INTO notifications (id, user_id, kind, proposal_id, params, created_at) VALUES (?, ?, ?, ?, ?, ?)",
					fmt.Sprintf("01aaaaaaaaaaaaaaaaaaaaaaa%d", i), child.ID, NotifyStageChanged, p.ID, params, time.Now()).Error
				if err != nil {
					t.Fatal(err)
				}
			}
			notes, _, _, err := s.Notifications(ctx, child, Page{})
			if err != nil || len(notes) != 3 {
				t.Fatalf("notifications %v (err %v)", notes, err)
			}
			if got := notes[2].Params["stage"]; got != "design" { // newest first
				t.Errorf("params of an older row: %v", notes[2].Params)
			}
			err = s.db.Exec(`INSERT INTO inspections (id, proposal_id, author_id, author_role, body_name, items, summary, visibility, created_at)
				VALUES ('01aaaaaaaaaaaaaaaaaaaaaaab', ?, 'system', 'admin', '', '[{"item":"座椅","ok":true,"note":"结实"}]', '', 'published', ?)`,
				p.ID, time.Now()).Error
			if err != nil {
				t.Fatal(err)
			}
			err = s.db.Exec(`INSERT INTO moderation_items (id, target_type, target_id, proposal_id, body_id, reasons, status, created_at)
				VALUES ('01aaaaaaaaaaaaaaaaaaaaaaac', 'inspection', '01aaaaaaaaaaaaaaaaaaaaaaab', ?, ?, '["insult"]', 'pending', ?)`,
				p.ID, p.Body.ID, time.Now()).Error
			if err != nil {
				t.Fatal(err)
			}
			d, err := s.ProposalDetail(ctx, sys, p.ID)
			if err != nil || len(d.EvaluationSummary.Inspections) != 1 || d.EvaluationSummary.Inspections[0].Items[0].Note != "结实" {
				t.Fatalf("inspection of an older row: %+v (err %v)", d.EvaluationSummary, err)
			}
			queue, _, err := s.Queue(ctx, sys, Page{})
			if err != nil || len(queue) != 1 || !slices.Equal(queue[0].Reasons, []string{"insult"}) || queue[0].Excerpt != "座椅 结实" {
				t.Fatalf("queue of an older row: %+v (err %v)", queue, err)
			}
		})
	}
}
