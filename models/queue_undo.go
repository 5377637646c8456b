package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// UndoWindow is how long after a decision on a queue item it may be taken back.
const UndoWindow = 7 * 24 * time.Hour

// authorNames returns the nicknames of the queue items' authors by ID.
func (s *Store) authorNames(ctx context.Context, rows []ModerationItem) (map[string]string, error) {
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		if r.AuthorID != nil {
			ids = append(ids, *r.AuthorID)
		}
	}
	var kids []Child
	if err := s.db.WithContext(ctx).Select("id, nickname").Where("id IN ?", nonEmpty(ids)).Find(&kids).Error; err != nil {
		return nil, fmt.Errorf("read authors: %w", err)
	}
	names := make(map[string]string, len(kids))
	for _, k := range kids {
		names[k.ID] = k.Nickname
	}
	return names, nil
}

// Decided lists the items in the staff member's scope decided within UndoWindow, the most
// recently queued first, so that a decision can be checked and taken back. Returns forbidden for
// children.
func (s *Store) Decided(ctx context.Context, a *Actor, p Page) ([]QueueItem, string, error) {
	if err := a.Require(ManageModeration); err != nil {
		return nil, "", err
	}
	db := s.db.WithContext(ctx)
	q := scopeItems(db, db.Model(&ModerationItem{}), a).
		Where("moderation_items.status <> ? AND moderation_items.decided_at >= ?", ItemPending, s.Now().Add(-UndoWindow))
	rows, next, err := pageOf(q, p, "moderation_items.id", true, func(r ModerationItem) string { return r.ID })
	if err != nil {
		return nil, "", fmt.Errorf("read decided items: %w", err)
	}
	out, err := s.queueItems(ctx, a, rows)
	return out, next, err
}

// UndoDecision takes a decision back within UndoWindow: the item waits in the queue again and
// its text is out of sight again until a person decides anew (a published comment leaves the
// counts). The notification the author already had stays. Returns not_found out of scope,
// forbidden for roles that may not or for an item written outside the actor's bodies, conflict
// for an item not decided or decided too long ago.
func (s *Store) UndoDecision(ctx context.Context, a *Actor, itemID string) error {
	if err := a.Require(ManageModeration); err != nil {
		if a.Role == RoleChild {
			return ErrNotFound
		}
		return err
	}
	if !ValidID(itemID) {
		return ErrNotFound
	}
	db := s.db.WithContext(ctx)
	var item ModerationItem
	if err := scopeItems(db, db.Model(&ModerationItem{}), a).Where("moderation_items.id = ?", itemID).Take(&item).Error; err != nil {
		return notFound(err)
	}
	if ok, err := bodyInScope(db, a, item.BodyID); err != nil {
		return err
	} else if !ok {
		return Errorf(CodeForbidden, "error.publish_outside_scope")
	}
	return wrap("undo decision", s.onProposal(ctx, item.ProposalID, func(tx *gorm.DB, p *Proposal) error {
		res := tx.Model(&ModerationItem{}).Where("id = ? AND status <> ? AND decided_at >= ?", item.ID, ItemPending, s.Now().Add(-UndoWindow)).
			Updates(map[string]any{"status": ItemPending, "decided_at": nil, "decided_by": "", "decision_reason": "", "outcome": "", "outcome_note": ""})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(CodeConflict, "error.undo_not_decided")
		}
		if err := s.setVisibility(tx, a, p, item.TargetType, item.TargetID, VisibilityPending); err != nil {
			return err
		}
		return s.audit(tx, a, "queue.undo", item.TargetType, item.TargetID, item.Status)
	}))
}
