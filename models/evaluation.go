package models

import (
	"context"
	"fmt"
	"math"
	"time"

	"gorm.io/gorm"
)

// Ratings are a child's 1–5 marks on the four fixed criteria.
type Ratings struct {
	Safety int `json:"safety"`
	Fun    int `json:"fun"`
	Access int `json:"access"`
	Looks  int `json:"looks"`
}

// Evaluation is a child's rating of finished work.
type Evaluation struct {
	ID         string
	ProposalID string
	ChildID    *string
	Safety     int
	Fun        int
	Access     int
	Looks      int
	Comment    string
	Visibility string // of the comment; the ratings always count
	CreatedAt  time.Time
}

// Receipt tells a child what became of a text just written: whether others see it, and the
// reason kinds they are told about when it waits for a person.
type Receipt struct {
	Visibility string
	Held       []string
}

// Evaluate records a child's one evaluation of a proposal in evaluation: its audience, and
// observer-group members of its region, may rate it. Returns not_found, forbidden,
// consent_required, stage_closed, conflict on a second, validation_failed, moderation_blocked.
func (s *Store) Evaluate(ctx context.Context, a *Actor, id string, ratings Ratings, comment string) (*Receipt, error) {
	var r *proposalRow
	err := participate(a, func() (err error) {
		r, err = s.proposal(ctx, a, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if r.Stage != StageEvaluation {
		return nil, Errorf(CodeStageClosed)
	}
	var v Invalid
	for name, val := range map[string]int{"ratings.safety": ratings.Safety, "ratings.fun": ratings.Fun, "ratings.access": ratings.Access, "ratings.looks": ratings.Looks} {
		if val < 1 || val > 5 {
			v.Add(name, "field.out_of_range", map[string]any{"Min": 1, "Max": 5})
		}
	}
	comment = clean(comment)
	v.length("comment", comment, 0, 500)
	if err := v.Err(); err != nil {
		return nil, err
	}
	sc, err := s.childText(r.BodyModerationMode, field{"comment", comment})
	if err != nil {
		return nil, err
	}
	comment = sc.text(field{"comment", comment})
	e := &Evaluation{ID: NewID(s.Now()), ProposalID: id, ChildID: &a.ID, Safety: ratings.Safety, Fun: ratings.Fun,
		Access: ratings.Access, Looks: ratings.Looks, Comment: comment, Visibility: sc.visibility, CreatedAt: s.Now()}
	err = s.onProposalFor(ctx, a, id, func(tx *gorm.DB, p *Proposal) error {
		if p.Stage != StageEvaluation {
			return Errorf(CodeStageClosed)
		}
		if err := tx.Create(e).Error; err != nil {
			if isDuplicate(err) {
				return Errorf(CodeConflict, "error.evaluated_already")
			}
			return err
		}
		if e.Visibility == VisibilityPending {
			return s.enqueue(tx, TargetEvaluation, e.ID, p.ID, p.BodyID, a.ID, sc)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("evaluate", err)
	}
	return &Receipt{Visibility: e.Visibility, Held: sc.reasons()}, nil
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
