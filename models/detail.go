package models

import (
	"context"
	"errors"
	"fmt"
	"math"

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

// Averages are mean ratings, rounded to one decimal; Overall is the mean of the four.
type Averages struct {
	Safety  float64 `json:"safety"`
	Fun     float64 `json:"fun"`
	Access  float64 `json:"access"`
	Looks   float64 `json:"looks"`
	Overall float64 `json:"overall"`
}

// EvaluationSummary gathers the children's ratings, the inspections and the closing summary.
type EvaluationSummary struct {
	Count       int              `json:"count"`
	Averages    Averages         `json:"averages"`
	Inspections []InspectionView `json:"inspections"`
	Summary     string           `json:"summary"`
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

func (s *Store) evaluationSummary(ctx context.Context, a *Actor, r *proposalRow, public bool) (*EvaluationSummary, error) {
	db := s.db.WithContext(ctx)
	var agg struct {
		N                         int
		Safety, Fun, Access, Look *float64
	}
	if err := db.Model(&Evaluation{}).Where("proposal_id = ?", r.ID).
		Select("COUNT(*) AS n, AVG(safety) AS safety, AVG(fun) AS fun, AVG(access) AS access, AVG(looks) AS look").
		Scan(&agg).Error; err != nil {
		return nil, fmt.Errorf("average evaluations: %w", err)
	}
	es := &EvaluationSummary{Count: agg.N, Summary: r.Summary, Inspections: []InspectionView{}}
	if agg.N > 0 {
		es.Averages = Averages{Safety: round1(*agg.Safety), Fun: round1(*agg.Fun), Access: round1(*agg.Access), Looks: round1(*agg.Look),
			Overall: round1((*agg.Safety + *agg.Fun + *agg.Access + *agg.Look) / 4)}
	}
	q := db.Where("proposal_id = ?", r.ID)
	switch {
	case a == nil || public:
		q = q.Where("visibility = ?", VisibilityPublished)
	case !a.IsStaff(): // a child sees their own inspection while it waits for review
		q = q.Where("visibility = ? OR author_id = ?", VisibilityPublished, a.ID)
	}
	var ins []Inspection
	if err := q.Order("id").Find(&ins).Error; err != nil {
		return nil, fmt.Errorf("read inspections: %w", err)
	}
	for _, in := range ins {
		v := InspectionView{ID: in.ID, ByRole: in.AuthorRole, BodyName: in.BodyName, Items: in.Items, Summary: in.Summary,
			Visibility: in.Visibility, CreatedAt: in.CreatedAt}
		if public && in.AuthorRole == string(RoleChild) {
			// Children's own words stay out of the public notice; the checklist results do not.
			v.Summary = ""
			for i := range v.Items {
				v.Items[i].Note = ""
			}
		}
		es.Inspections = append(es.Inspections, v)
	}
	return es, nil
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
