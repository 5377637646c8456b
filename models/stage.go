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
	ch, err := checkStageInput(in)
	if err != nil {
		return nil, err
	}
	if err := s.applyStage(ctx, a, id, in, ch); err != nil {
		return nil, err
	}
	return s.ProposalDetail(ctx, a, id)
}

// checkStageInput checks what a stage change asks for before any proposal is touched.
func checkStageInput(in StageInput) (stageChange, error) {
	if !ValidStage(in.To) {
		if in.To == "" {
			var v Invalid
			v.Add("to", "field.required", nil)
			return stageChange{}, v.Err()
		}
		return stageChange{}, BadField("to", "field.unknown_value")
	}
	var v Invalid
	ch := stageChange{note: clean(in.Note), summary: clean(in.Summary)}
	v.length("note", ch.note, 0, 500)
	v.length("summary", ch.summary, 0, 500)
	return ch, v.Err()
}

// applyStage makes one checked stage change under the proposal's lock, as the stage machine
// allows it now.
func (s *Store) applyStage(ctx context.Context, a *Actor, id string, in StageInput, ch stageChange) error {
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
		var v Invalid
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
	return wrap("change stage", err)
}

// MaxBulkMoves is how many proposals one bulk stage change may name.
const MaxBulkMoves = 100

// BulkMove is what became of one proposal of a bulk stage change: its new stage, or why it
// did not move (a domain error, as the single move would answer).
type BulkMove struct {
	ID    string
	Stage string
	Err   error
}

// BulkStage makes the same stage change on several proposals, each on its own as ChangeStage
// would (the one stage machine, each under its own lock), and says per proposal what became of
// it; one refused move does not stop the others. Returns forbidden for roles that may not move
// proposals, validation_failed for no IDs, more than MaxBulkMoves or repeated ones, bad_request
// for an unknown stage. A proposal out of scope answers not_found in its own result.
func (s *Store) BulkStage(ctx context.Context, a *Actor, ids []string, in StageInput) ([]BulkMove, error) {
	if err := a.Require(ManageStages); err != nil {
		return nil, err
	}
	var v Invalid
	switch {
	case len(ids) == 0:
		v.Add("ids", "field.required", nil)
	case len(ids) > MaxBulkMoves:
		v.Add("ids", "field.too_many", map[string]any{"Max": MaxBulkMoves})
	default:
		seen := make(map[string]bool, len(ids))
		for _, id := range ids {
			if seen[id] {
				v.Add("ids", "field.repeated_id", nil)
				break
			}
			seen[id] = true
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	ch, err := checkStageInput(in)
	if err != nil {
		return nil, err
	}
	out := make([]BulkMove, 0, len(ids))
	for _, id := range ids {
		res := BulkMove{ID: id}
		_, err := s.proposal(ctx, a, id)
		if err == nil {
			err = s.applyStage(ctx, a, id, in, ch)
		}
		switch {
		case err == nil:
			res.Stage = in.To
		case ErrorCode(err) == CodeInternal || ErrorCode(err) == CodeUnavailable:
			return nil, err // the database failed: no answer per proposal would be true
		default:
			res.Err = err
		}
		out = append(out, res)
	}
	return out, nil
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
	updates := map[string]any{"first_response_at": now}
	if p.PublishedAt != nil { // statistics keep the days to the first answer (0013a)
		updates["response_days"] = s.localDays(*p.PublishedAt, now)
	}
	return tx.Model(&Proposal{}).Where("id = ? AND first_response_at IS NULL", p.ID).Updates(updates).Error
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
