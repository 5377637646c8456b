package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Decision outcomes, and the limits on a decision notice.
const (
	OutcomeAdopted      = "adopted"
	OutcomePartly       = "partly_adopted"
	OutcomeNotAdopted   = "not_adopted"
	DefaultNoticeDays   = 7
	MaxNoticeDays       = 90
	MaxChildSummaryRune = 300
)

// Decision is the committee's answer to a proposal.
type Decision struct {
	ProposalID        string    `json:"-" gorm:"primaryKey"`
	Outcome           string    `json:"outcome"`
	ChildSummary      string    `json:"child_summary"`
	Details           string    `json:"details"`
	ResponsibleUnit   string    `json:"responsible_unit"`
	PlannedCompletion string    `json:"planned_completion"`
	NoticeDays        int       `json:"notice_days"`
	DecidedAt         time.Time `json:"decided_at"`
	NoticeUntil       string    `json:"notice_until"` // local date: the end of the public notice period
}

// DecisionInput is a decision as the committee writes it. NoticeDays nil means the default.
type DecisionInput struct {
	Outcome, ChildSummary, Details, ResponsibleUnit, PlannedCompletion string
	NoticeDays                                                         *int
}

func validOutcome(o string) bool {
	return o == OutcomeAdopted || o == OutcomePartly || o == OutcomeNotAdopted
}

// PostDecision publishes (or, while in decision, corrects) the committee's decision, which is
// the only way into decision: from needs, or from design with at least two options. Returns
// not_found, forbidden, bad_request for an unknown outcome, validation_failed (a child summary
// is required), invalid_transition from any other stage.
func (s *Store) PostDecision(ctx context.Context, a *Actor, id string, in DecisionInput) (*ProposalDetail, error) {
	if _, err := s.proposal(ctx, a, id); err != nil {
		return nil, err
	}
	if err := a.Require(ManageStages); err != nil {
		return nil, err
	}
	if in.Outcome != "" && !validOutcome(in.Outcome) {
		return nil, BadField("outcome", "field.unknown_value")
	}
	d := Decision{
		ProposalID: id, Outcome: in.Outcome, ChildSummary: clean(in.ChildSummary), Details: clean(in.Details),
		ResponsibleUnit: clean(in.ResponsibleUnit), PlannedCompletion: in.PlannedCompletion, NoticeDays: DefaultNoticeDays,
	}
	var v Invalid
	if d.Outcome == "" {
		v.Add("outcome", "field.required", nil)
	}
	v.length("child_summary", d.ChildSummary, 1, MaxChildSummaryRune)
	v.length("details", d.Details, 0, 5000)
	v.length("responsible_unit", d.ResponsibleUnit, 0, 100)
	if d.PlannedCompletion != "" && !validDate(d.PlannedCompletion) {
		v.Add("planned_completion", "field.bad_date", nil)
	}
	if in.NoticeDays != nil {
		d.NoticeDays = *in.NoticeDays
		if d.NoticeDays < 1 || d.NoticeDays > MaxNoticeDays {
			v.Add("notice_days", "field.out_of_range", map[string]any{"Min": 1, "Max": MaxNoticeDays})
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.Now()
	d.DecidedAt = now
	d.NoticeUntil = now.In(s.loc).AddDate(0, 0, d.NoticeDays).Format(time.DateOnly)
	err := s.onProposal(ctx, id, func(tx *gorm.DB, p *Proposal) error {
		f, err := stageFacts(tx, p)
		if err != nil {
			return err
		}
		if _, err := checkMove(f, StageDecision, byDecision); err != nil {
			return err
		}
		if err := tx.Save(&d).Error; err != nil {
			return err
		}
		if err := s.audit(tx, a, "proposal.decision", "proposal", p.ID, d.Outcome); err != nil {
			return err
		}
		return s.moveStage(tx, a, p, StageDecision, stageChange{note: d.ChildSummary})
	})
	if err != nil {
		return nil, wrap("post decision", err)
	}
	return s.ProposalDetail(ctx, a, id)
}
