package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// ProposalDetail is one proposal with everything a child needs to follow it to the end.
type ProposalDetail struct {
	ProposalItem
	Description       string             `json:"description"`
	Timeline          []Event            `json:"timeline"`
	Options           []OptionView       `json:"options"`
	Decision          *Decision          `json:"decision"`
	EvaluationSummary *EvaluationSummary `json:"evaluation_summary"`
	My                *MyStatus          `json:"my,omitempty"`
	MergedInto        *string            `json:"merged_into"`
	Summary           string             `json:"summary"`
	// Moves are, for staff, the stage changes the caller may make now (none for those who may
	// make none), from the stage machine: the desk offers exactly these.
	Moves []Move `json:"moves,omitzero"`
	// Held are the reason kinds a child is told about when the proposal just written waits
	// for a person (see screening.reasons).
	Held []string `json:"-"`
}

// OptionView is a design option; Votes is nil for children while voting is open.
type OptionView struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	ImageURL    string `json:"image_url"`
	Votes       *int   `json:"votes"`
}

// MyStatus is what the reading child has done on the proposal.
type MyStatus struct {
	Supported    bool    `json:"supported"`
	VoteOptionID *string `json:"vote_option_id"`
	Evaluated    bool    `json:"evaluated"`
	// CanInspect: the proposal is in evaluation and the child belongs to an observer group
	// whose region holds it, so may file an inspection.
	CanInspect bool `json:"can_inspect"`
}

// ProposalDetail returns a proposal the actor may read. Returns not_found.
func (s *Store) ProposalDetail(ctx context.Context, a *Actor, id string) (*ProposalDetail, error) {
	r, err := s.proposal(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return s.detail(ctx, a, r, false)
}

// detail assembles a proposal's detail; public leaves out what the public notice must not show.
func (s *Store) detail(ctx context.Context, a *Actor, r *proposalRow, public bool) (*ProposalDetail, error) {
	db := s.db.WithContext(ctx)
	d := &ProposalDetail{ProposalItem: s.item(*r, public), Description: r.Description, MergedInto: r.MergedInto, Summary: r.Summary,
		Timeline: []Event{}, Options: []OptionView{}}
	if err := db.Where("proposal_id = ?", r.ID).Order("id").Find(&d.Timeline).Error; err != nil {
		return nil, fmt.Errorf("read timeline: %w", err)
	}
	var opts []Option
	if err := db.Where("proposal_id = ?", r.ID).Order("id").Find(&opts).Error; err != nil {
		return nil, fmt.Errorf("read options: %w", err)
	}
	showVotes := votingClosed(r.Stage) || (a != nil && a.IsStaff())
	for _, o := range opts {
		ov := OptionView{ID: o.ID, Title: o.Title, Description: o.Description, ImageURL: o.ImageURL}
		if showVotes {
			n := o.VoteCount
			ov.Votes = &n
		}
		d.Options = append(d.Options, ov)
	}
	var dec Decision
	err := db.Where("proposal_id = ?", r.ID).Take(&dec).Error
	if err == nil {
		d.Decision = &dec
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("read decision: %w", err)
	}
	if a != nil && a.IsStaff() && !public {
		d.Moves = []Move{}
		if a.Can(ManageStages) {
			f, err := stageFacts(db, &r.Proposal)
			if err != nil {
				return nil, err
			}
			d.Moves = Moves(f)
		}
	}
	if r.Stage == StageEvaluation || r.Stage == StageClosed {
		if d.EvaluationSummary, err = s.evaluationSummary(ctx, a, r, public); err != nil {
			return nil, err
		}
	}
	if a != nil && a.Role == RoleChild && !public {
		d.My = &MyStatus{}
		var supports, evaluations int64
		if err := db.Model(&Support{}).Where("proposal_id = ? AND child_id = ?", r.ID, a.ID).Count(&supports).Error; err != nil {
			return nil, fmt.Errorf("read own support: %w", err)
		}
		d.My.Supported = supports > 0
		var votes []Vote
		if err := db.Where("proposal_id = ? AND child_id = ?", r.ID, a.ID).Limit(1).Find(&votes).Error; err != nil {
			return nil, fmt.Errorf("read own vote: %w", err)
		}
		if len(votes) > 0 {
			d.My.VoteOptionID = &votes[0].OptionID
		}
		if err := db.Model(&Evaluation{}).Where("proposal_id = ? AND child_id = ?", r.ID, a.ID).Count(&evaluations).Error; err != nil {
			return nil, fmt.Errorf("read own evaluation: %w", err)
		}
		d.My.Evaluated = evaluations > 0
		if r.Stage == StageEvaluation {
			_, err := s.observerGroupOver(ctx, a, r.BodyID)
			if err != nil && !errors.Is(err, ErrForbidden) {
				return nil, err
			}
			d.My.CanInspect = err == nil
		}
	}
	return d, nil
}
