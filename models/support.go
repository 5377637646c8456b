package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Support is a child's 附议 of a proposal in needs.
type Support struct {
	ID         string
	ProposalID string
	ChildID    *string
	CreatedAt  time.Time
}

// SetSupport adds (on) or removes a child's support while the proposal is in needs; both are
// idempotent. Returns the support count, or the errors of audienceWrite, stage_closed outside
// needs, conflict for one's own proposal.
func (s *Store) SetSupport(ctx context.Context, a *Actor, id string, on bool) (int, error) {
	r, err := s.audienceWrite(ctx, a, id)
	if err != nil {
		return 0, err
	}
	if r.AuthorID != nil && *r.AuthorID == a.ID {
		return 0, Errorf(CodeConflict, "error.support_own")
	}
	var count int
	err = s.onProposalFor(ctx, a, id, func(tx *gorm.DB, p *Proposal) error {
		if p.Stage != StageNeeds {
			return Errorf(CodeStageClosed)
		}
		count = p.SupportCount
		var change int64
		if on {
			res := tx.Exec(`INSERT INTO supports (id, proposal_id, child_id, created_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (proposal_id, child_id) DO NOTHING`, NewID(s.Now()), id, a.ID, s.Now())
			err, change = res.Error, res.RowsAffected
		} else {
			res := tx.Where("proposal_id = ? AND child_id = ?", id, a.ID).Delete(&Support{})
			err, change = res.Error, -res.RowsAffected
		}
		if err != nil || change == 0 {
			return err
		}
		count += int(change)
		return addSupports(tx, id, change)
	})
	if err != nil {
		return 0, wrap("support", err)
	}
	return count, nil
}
