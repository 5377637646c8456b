package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// StageInput moves a proposal: to a stage, with a note; closing from evaluation needs a
// summary, closing from needs (a merge) the proposal it joins.
type StageInput struct {
	To, Note, Summary, MergedInto string
}

type stageChange struct {
	note, summary, closedReason string
	mergedInto                  *string
}

// ChangeStage moves a proposal through the stage machine. Returns not_found, forbidden,
// bad_request for an unknown stage, invalid_transition for a move the machine does not allow,
// validation_failed for a missing summary or merge target.
func (s *Store) ChangeStage(ctx context.Context, a *Actor, id string, in StageInput) (*ProposalDetail, error) {
	if _, err := s.proposal(ctx, a, id); err != nil {
		return nil, err
	}
	if err := a.Require(ManageStages); err != nil {
		return nil, err
	}
	if !ValidStage(in.To) {
		if in.To == "" {
			var v Invalid
			v.Add("to", "field.required", nil)
			return nil, v.Err()
		}
		return nil, BadField("to", "field.unknown_value")
	}
	var v Invalid
	ch := stageChange{note: clean(in.Note), summary: clean(in.Summary)}
	v.length("note", ch.note, 0, 500)
	v.length("summary", ch.summary, 0, 500)
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.onProposal(ctx, id, func(tx *gorm.DB, p *Proposal) error {
		f, err := stageFacts(tx, p)
		if err != nil {
			return err
		}
		move, err := checkMove(f, in.To, byStageChange)
		if err != nil {
			return err
		}
		ch.closedReason = move.closedReason
		switch move.needs {
		case NeedsMergedInto:
			target, err := s.proposal(ctx, a, in.MergedInto)
			if errors.Is(err, ErrNotFound) || err == nil && target.ID == p.ID {
				v.Add("merged_into", "field.merge_target", nil)
				return v.Err()
			}
			if err != nil {
				return err
			}
			ch.mergedInto = &target.ID
		case NeedsSummary:
			if ch.summary == "" {
				v.Add("summary", "field.required", nil)
				return v.Err()
			}
		}
		return s.moveStage(tx, a, p, in.To, ch)
	})
	if err != nil {
		return nil, wrap("change stage", err)
	}
	return s.ProposalDetail(ctx, a, id)
}

// moveStage records a stage change: the new stage, a timeline event, the first staff response,
// an audit event and the notifications. The caller holds the proposal's lock.
func (s *Store) moveStage(tx *gorm.DB, a *Actor, p *Proposal, to string, ch stageChange) error {
	now := s.Now()
	updates := map[string]any{"stage": to, "updated_at": now}
	if ch.closedReason != "" {
		updates["closed_reason"] = ch.closedReason
	}
	if ch.summary != "" {
		updates["summary"] = ch.summary
	}
	if ch.mergedInto != nil {
		updates["merged_into"] = *ch.mergedInto
	}
	if err := tx.Model(&Proposal{}).Where("id = ?", p.ID).Updates(updates).Error; err != nil {
		return err
	}
	from := p.Stage
	if err := tx.Create(&Event{ID: NewID(now), ProposalID: p.ID, FromStage: &from, ToStage: to,
		ActorRole: string(a.Role), ActorID: a.ID, Note: ch.note, At: now}).Error; err != nil {
		return err
	}
	if a.IsStaff() {
		if err := s.audit(tx, a, "proposal.stage", "proposal", p.ID, from+">"+to); err != nil {
			return err
		}
		if err := s.markResponded(tx, p); err != nil {
			return err
		}
	}
	kind := NotifyStageChanged
	switch ch.closedReason {
	case ClosedWithdrawn:
		kind = NotifyWithdrawn
	case ClosedMerged:
		kind = NotifyMerged // "closed" alone would read as if nothing came of it
	}
	return s.notifyParticipants(tx, a, p.ID, kind, map[string]string{"stage": to, "reason": ch.closedReason})
}

// markResponded records the first staff response to a published proposal (rule 3).
func (s *Store) markResponded(tx *gorm.DB, p *Proposal) error {
	if p.FirstResponseAt != nil || p.Visibility != VisibilityPublished {
		return nil
	}
	now := s.Now()
	p.FirstResponseAt = &now
	return tx.Model(&Proposal{}).Where("id = ? AND first_response_at IS NULL", p.ID).Update("first_response_at", now).Error
}

// stageFacts reads what the stage machine looks at. The caller holds the proposal's lock when
// it acts on the answer.
func stageFacts(db *gorm.DB, p *Proposal) (StageFacts, error) {
	f := StageFacts{Stage: p.Stage, Published: p.Visibility == VisibilityPublished}
	switch p.Stage {
	case StageDesign:
		var n int64
		if err := db.Model(&Option{}).Where("proposal_id = ?", p.ID).Count(&n).Error; err != nil {
			return f, fmt.Errorf("count options: %w", err)
		}
		f.Options = int(n)
	case StageDecision:
		var outcomes []string
		if err := db.Model(&Decision{}).Where("proposal_id = ?", p.ID).Pluck("outcome", &outcomes).Error; err != nil {
			return f, fmt.Errorf("read outcome: %w", err)
		}
		if len(outcomes) > 0 {
			f.Outcome = outcomes[0]
		}
	}
	return f, nil
}
