package models

import (
	"context"
	"fmt"
)

// ItemMarks say what a proposal in a list has to do with the reading child, so their home can
// put their own things first: it is theirs, they supported it, voted on it or rated it.
type ItemMarks struct {
	Mine      bool `json:"mine"`
	Supported bool `json:"supported"`
	Voted     bool `json:"voted"`
	Evaluated bool `json:"evaluated"`
}

// MarkForChild fills Marks on each item for a child reader (one query per kind of mark); for
// any other reader it changes nothing.
func (s *Store) MarkForChild(ctx context.Context, a *Actor, items []ProposalItem) error {
	if a == nil || a.Role != RoleChild || len(items) == 0 {
		return nil
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	db := s.db.WithContext(ctx)
	sets := make([]map[string]bool, 4)
	queries := []func(*[]string) error{
		func(out *[]string) error {
			return db.Model(&Proposal{}).Where("id IN ? AND author_id = ?", ids, a.ID).Pluck("id", out).Error
		},
		func(out *[]string) error {
			return db.Model(&Support{}).Where("proposal_id IN ? AND child_id = ?", ids, a.ID).Pluck("proposal_id", out).Error
		},
		func(out *[]string) error {
			return db.Model(&Vote{}).Where("proposal_id IN ? AND child_id = ?", ids, a.ID).Pluck("proposal_id", out).Error
		},
		func(out *[]string) error {
			return db.Model(&Evaluation{}).Where("proposal_id IN ? AND child_id = ?", ids, a.ID).Pluck("proposal_id", out).Error
		},
	}
	for i, q := range queries {
		var found []string
		if err := q(&found); err != nil {
			return fmt.Errorf("read marks: %w", err)
		}
		sets[i] = map[string]bool{}
		for _, id := range found {
			sets[i][id] = true
		}
	}
	for i := range items {
		id := items[i].ID
		items[i].Marks = &ItemMarks{Mine: sets[0][id], Supported: sets[1][id], Voted: sets[2][id], Evaluated: sets[3][id]}
	}
	return nil
}
