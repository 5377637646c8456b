package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// InspectionItem is one line of an observer group's checklist.
type InspectionItem struct {
	Item string `json:"item"`
	OK   bool   `json:"ok"`
	Note string `json:"note"`
}

// Inspection is an observer group's (or staff member's) report on finished work.
type Inspection struct {
	ID         string
	ProposalID string
	AuthorID   *string
	AuthorRole string
	BodyName   string
	Items      []InspectionItem `gorm:"serializer:json;not null"`
	Summary    string
	Visibility string
	CreatedAt  time.Time
}

// InspectionView is an inspection as the proposal shows it.
type InspectionView struct {
	ID       string           `json:"id"`
	ByRole   string           `json:"by_role"`
	BodyName string           `json:"body_name"`
	Items    []InspectionItem `json:"items"`
	Summary  string           `json:"summary"`
	// Visibility is pending while a held text waits for review; only staff and the author see it then.
	Visibility string    `json:"visibility"`
	CreatedAt  time.Time `json:"created_at"`
	Held       []string  `json:"-"` // why an inspection just filed waits, as the child is told
}

// FileInspection records an inspection report on a proposal in evaluation: by a member of an
// observer group whose region holds the proposal's body, or by staff in scope. Children's texts
// are screened. Returns not_found, forbidden, consent_required, stage_closed,
// validation_failed, moderation_blocked.
func (s *Store) FileInspection(ctx context.Context, a *Actor, id string, items []InspectionItem, summary string) (*InspectionView, error) {
	in := &Inspection{ID: NewID(s.Now()), ProposalID: id, AuthorID: &a.ID, AuthorRole: string(a.Role), Summary: clean(summary),
		Visibility: VisibilityPublished, CreatedAt: s.Now()}
	var r *proposalRow
	reach := func() (err error) {
		r, err = s.proposal(ctx, a, id)
		return err
	}
	var err error
	if a.Role == RoleChild {
		err = participate(a, func() error {
			if err := reach(); err != nil {
				return err
			}
			group, err := s.observerGroupOver(ctx, a, r.BodyID)
			in.BodyName = group
			return err
		})
	} else if err = reach(); err == nil {
		err = a.Require(FileInspection)
	}
	if err != nil {
		return nil, err
	}
	if r.Stage != StageEvaluation {
		return nil, Errorf(CodeStageClosed)
	}
	var v Invalid
	if len(items) == 0 || len(items) > 20 {
		v.Add("items", "field.items_count", map[string]any{"Min": 1, "Max": 20})
	}
	texts := []field{{"summary", in.Summary}}
	for i := range items {
		items[i].Item, items[i].Note = clean(items[i].Item), clean(items[i].Note)
		v.length(fmt.Sprintf("items.%d.item", i), items[i].Item, 1, 100)
		v.length(fmt.Sprintf("items.%d.note", i), items[i].Note, 0, 500)
		texts = append(texts, field{fmt.Sprintf("items.%d.item", i), items[i].Item}, field{fmt.Sprintf("items.%d.note", i), items[i].Note})
	}
	v.length("summary", in.Summary, 0, 500)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var sc screening
	if a.Role == RoleChild {
		if sc, err = s.childText(r.BodyModerationMode, texts...); err != nil {
			return nil, err
		}
		in.Summary, in.Visibility = sc.text(texts[0]), sc.visibility
		for i := range items {
			items[i].Item, items[i].Note = sc.text(texts[1+2*i]), sc.text(texts[2+2*i])
		}
	}
	in.Items = items
	// Under the proposal's lock, so that the stage checked is the stage the report is filed in.
	err = s.onProposalFor(ctx, a, id, func(tx *gorm.DB, p *Proposal) error {
		if p.Stage != StageEvaluation {
			return Errorf(CodeStageClosed)
		}
		if err := tx.Create(in).Error; err != nil {
			return err
		}
		if in.Visibility == VisibilityPending {
			return s.enqueue(tx, TargetInspection, in.ID, p.ID, p.BodyID, a.ID, sc)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("file inspection", err)
	}
	return &InspectionView{ID: in.ID, ByRole: in.AuthorRole, BodyName: in.BodyName, Items: items, Summary: in.Summary,
		Visibility: in.Visibility, CreatedAt: in.CreatedAt, Held: sc.reasons()}, nil
}

// observerGroupOver returns the name of an observer group of the child whose region subtree
// holds the body, or forbidden.
func (s *Store) observerGroupOver(ctx context.Context, a *Actor, bodyID string) (string, error) {
	var names []string
	err := s.db.WithContext(ctx).Table("bodies AS g").Select("g.name").
		Joins("JOIN regions gr ON gr.id = g.region_id").
		Joins("JOIN bodies b ON b.id = ?", bodyID).
		Joins("JOIN regions br ON br.id = b.region_id").
		Where("g.id IN ? AND g.kind = ? AND br.path LIKE gr.path || '%'", nonEmpty(a.BodyIDs), BodyObserverGroup).
		Order("g.id").Limit(1).Pluck("g.name", &names).Error
	if err != nil {
		return "", fmt.Errorf("find observer group: %w", err)
	}
	if len(names) == 0 {
		return "", ErrForbidden
	}
	return names[0], nil
}
