package models

import (
	"context"
	"fmt"
	"slices"
)

// ItemMarks say what a proposal in a list has to do with the reading child, so their home can
// put their own things first: it is theirs, they supported it, voted on it or rated it.
type ItemMarks struct {
	Mine      bool `json:"mine"`
	Supported bool `json:"supported"`
	Voted     bool `json:"voted"`
	Evaluated bool `json:"evaluated"`
}

// MarkForChild fills Marks on each item for a child reader, in one statement over the page's
// IDs, unless the page read them already; for any other reader it changes nothing.
func (s *Store) MarkForChild(ctx context.Context, a *Actor, items []ProposalItem) error {
	if a == nil || a.Role != RoleChild || !slices.ContainsFunc(items, func(it ProposalItem) bool { return it.Marks == nil }) {
		return nil
	}
	marks := make(map[string]*ItemMarks, len(items))
	args := make([]any, 0, 4*(len(items)+1))
	for kind := range 4 {
		for i := range items {
			args = append(args, items[i].ID)
			if kind == 0 {
				items[i].Marks = &ItemMarks{}
				marks[items[i].ID] = items[i].Marks
			}
		}
		args = append(args, a.ID)
	}
	in := placeholders(len(items))
	rows, err := s.query(ctx, nil, `SELECT id, 0 FROM proposals WHERE id IN (`+in+`) AND author_id = ?
		UNION ALL SELECT proposal_id, 1 FROM supports WHERE proposal_id IN (`+in+`) AND child_id = ?
		UNION ALL SELECT proposal_id, 2 FROM votes WHERE proposal_id IN (`+in+`) AND child_id = ?
		UNION ALL SELECT proposal_id, 3 FROM evaluations WHERE proposal_id IN (`+in+`) AND child_id = ?`, args...)
	if err != nil {
		return fmt.Errorf("read marks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var kind int
		if err := rows.Scan(&id, &kind); err != nil {
			return fmt.Errorf("read marks: %w", err)
		}
		m := marks[id]
		if m == nil {
			continue
		}
		switch kind {
		case 0:
			m.Mine = true
		case 1:
			m.Supported = true
		case 2:
			m.Voted = true
		case 3:
			m.Evaluated = true
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read marks: %w", err)
	}
	return nil
}
