package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Stages of a proposal, in the order of DESIGN.md's table.
const (
	StageNeeds      = "needs"
	StageDesign     = "design"
	StageDecision   = "decision"
	StageEvaluation = "evaluation"
	StageClosed     = "closed"
)

// Stages lists every stage in order.
var Stages = []string{StageNeeds, StageDesign, StageDecision, StageEvaluation, StageClosed}

// Visibility of a proposal, comment or evaluation.
const (
	VisibilityPending   = "pending"
	VisibilityPublished = "published"
	VisibilityRejected  = "rejected"
	VisibilityHidden    = "hidden"
)

// Categories a proposal may have.
var Categories = []string{"park", "school_route", "library", "childrens_home", "safety", "other"}

// Why a proposal was closed.
const (
	ClosedWithdrawn  = "withdrawn"
	ClosedMerged     = "merged"
	ClosedNotAdopted = "not_adopted"
	ClosedCompleted  = "completed"
)

// Proposal is a child's proposal as stored. Counts are kept exact in the transaction of every
// change, never recounted on read.
type Proposal struct {
	ID              string
	BodyID          string
	AuthorID        *string
	Title           string
	Description     string
	Category        string
	Stage           string
	Visibility      string
	SupportCount    int
	CommentCount    int
	ClosedReason    string
	MergedInto      *string
	Summary         string
	CreatedAt       time.Time
	PublishedAt     *time.Time
	ResponseDueAt   *time.Time
	FirstResponseAt *time.Time
	UpdatedAt       time.Time
	Erased          bool // the author's texts were erased: Title and Description are empty, and read as "withdrawn by its author"
}

// Event is one step of a proposal's timeline.
type Event struct {
	ID         string    `json:"-"`
	ProposalID string    `json:"-"`
	FromStage  *string   `json:"from" gorm:"column:from_stage"`
	ToStage    string    `json:"to" gorm:"column:to_stage"`
	ActorRole  string    `json:"actor_role"`
	ActorID    string    `json:"-"`
	Note       string    `json:"note"`
	At         time.Time `json:"at"`
}

// TableName names the timeline table.
func (Event) TableName() string { return "proposal_events" }

// PublicName is how a child appears to others: nickname and age, never more. Nil means the
// child is shown as "a participant" (no permission to be named, or erased).
type PublicName struct {
	Nickname string `json:"nickname"`
	Age      *int   `json:"age"`
}

// BodyRef names a body in a list item.
type BodyRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ProposalItem is a proposal in a list.
type ProposalItem struct {
	ID            string      `json:"id"`
	Title         string      `json:"title"`
	Category      string      `json:"category"`
	Stage         string      `json:"stage"`
	Visibility    string      `json:"visibility"`
	Body          BodyRef     `json:"body"`
	Author        *PublicName `json:"author"`
	SupportCount  int         `json:"support_count"`
	CommentCount  int         `json:"comment_count"`
	ClosedReason  string      `json:"closed_reason,omitempty"`
	CreatedAt     time.Time   `json:"created_at"`
	ResponseDueAt *time.Time  `json:"response_due_at"`
	Erased        bool        `json:"erased,omitempty"` // withdrawn by its author: say so in the reader's language
	Marks         *ItemMarks  `json:"marks,omitempty"`  // for a child reader of a list: see MarkForChild
	// FirstResponseAt is, in staff lists, when staff first answered (absent: not yet), so the
	// desk knows whether the deadline still counts.
	FirstResponseAt *time.Time `json:"first_response_at,omitempty"`
}

// ProposalInput is a new proposal.
type ProposalInput struct {
	BodyID, Title, Description, Category string
}

// proposalRow is a proposal joined with what a list item shows.
type proposalRow struct {
	Proposal
	BodyName           string
	BodyModerationMode string // where a child's text waits for a person first (see childText)
	AuthorNickname     *string
	AuthorBirthYear    *int
	AuthorBirthMonth   *int
	AuthorShowPublicly *bool
	marks              *ItemMarks // a child's marks, when the page read them (childPage)
}

const proposalColumns = `proposals.*, bodies.name AS body_name, bodies.moderation_mode AS body_moderation_mode,
	children.nickname AS author_nickname,
	children.birth_year AS author_birth_year, children.birth_month AS author_birth_month,
	children.show_publicly AS author_show_publicly`

func (s *Store) proposalQuery(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Table("proposals").Select(proposalColumns).
		Joins("JOIN bodies ON bodies.id = proposals.body_id").
		Joins("LEFT JOIN children ON children.id = proposals.author_id")
}

// item turns a row into a list item. public applies the guardian's show_publicly choice.
func (s *Store) item(r proposalRow, public bool) ProposalItem {
	it := ProposalItem{
		ID: r.ID, Title: r.Title, Category: r.Category, Stage: r.Stage, Visibility: r.Visibility,
		Body: BodyRef{ID: r.BodyID, Name: r.BodyName}, SupportCount: r.SupportCount, CommentCount: r.CommentCount,
		ClosedReason: r.ClosedReason, CreatedAt: r.CreatedAt, ResponseDueAt: r.ResponseDueAt, Erased: r.Erased,
	}
	if r.AuthorNickname != nil && *r.AuthorNickname != "" && (!public || r.AuthorShowPublicly != nil && *r.AuthorShowPublicly) {
		age := Age(*r.AuthorBirthYear, *r.AuthorBirthMonth, s.Now().In(s.loc))
		it.Author = &PublicName{Nickname: *r.AuthorNickname, Age: &age}
	}
	return it
}

func validCategory(c string) bool { return slices.Contains(Categories, c) }

// ValidStage reports whether s names a stage.
func ValidStage(s string) bool { return slices.Contains(Stages, s) }

// CreateProposal records a child's proposal in one of the child's bodies. The texts are screened
// first: a blocked text is not stored at all; a held one, or any in a body with pre-moderation,
// waits for a person (see childText). Returns not_found for a body out of scope, forbidden for
// staff, consent_required, bad_request for an unknown category, validation_failed, moderation_blocked.
func (s *Store) CreateProposal(ctx context.Context, a *Actor, in ProposalInput) (*ProposalDetail, error) {
	var body *Body
	err := participate(a, func() (err error) {
		if in.BodyID == "" {
			var v Invalid
			v.Add("body_id", "field.required", nil)
			return v.Err()
		}
		body, err = s.Body(ctx, a, in.BodyID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if in.Category != "" && !validCategory(in.Category) {
		return nil, BadField("category", "field.unknown_value")
	}
	var v Invalid
	title, desc := clean(in.Title), clean(in.Description)
	v.length("title", title, 2, 60)
	v.length("description", desc, 0, 2000)
	if in.Category == "" {
		v.Add("category", "field.required", nil)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	sc, err := s.childText(body.ModerationMode, field{"title", title}, field{"description", desc})
	if err != nil {
		return nil, err
	}
	title, desc = sc.text(field{"title", title}), sc.text(field{"description", desc})
	now := s.Now()
	p := &Proposal{
		ID: NewID(now), BodyID: body.ID, AuthorID: &a.ID, Title: title, Description: desc, Category: in.Category,
		Stage: StageNeeds, Visibility: VisibilityPending, CreatedAt: now, UpdatedAt: now,
	}
	if sc.visibility == VisibilityPublished {
		s.publish(p, body.ResponseDays)
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.stillTakingPart(tx, a); err != nil {
			return err
		}
		if err := tx.Create(p).Error; err != nil {
			return err
		}
		if err := tx.Create(&Event{ID: NewID(now), ProposalID: p.ID, ToStage: StageNeeds, ActorRole: string(RoleChild), ActorID: a.ID, At: now}).Error; err != nil {
			return err
		}
		if p.Visibility == VisibilityPending {
			return s.enqueue(tx, TargetProposal, p.ID, p.ID, body.ID, a.ID, sc)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store proposal: %w", err)
	}
	d, err := s.ProposalDetail(ctx, a, p.ID)
	if err != nil {
		return nil, err
	}
	d.Held = sc.reasons()
	return d, nil
}

// publish makes a proposal visible and starts its response deadline.
func (s *Store) publish(p *Proposal, responseDays int) {
	now := s.Now()
	due := now.Add(time.Duration(responseDays) * 24 * time.Hour)
	p.Visibility, p.PublishedAt, p.ResponseDueAt = VisibilityPublished, &now, &due
}

// proposal loads a proposal the actor may read, or not_found.
func (s *Store) proposal(ctx context.Context, a *Actor, id string) (*proposalRow, error) {
	if !ValidID(id) {
		return nil, ErrNotFound
	}
	var r proposalRow
	err := scopeProposals(s.db.WithContext(ctx), s.proposalQuery(ctx), a).Where("proposals.id = ?", id).Take(&r).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &r, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// WithdrawProposal lets a child take back their own proposal while it is still in needs.
// Returns not_found, forbidden (not the author), consent_required, invalid_transition.
func (s *Store) WithdrawProposal(ctx context.Context, a *Actor, id string) (*ProposalDetail, error) {
	err := participate(a, func() error {
		r, err := s.proposal(ctx, a, id)
		if err != nil {
			return err
		}
		if r.AuthorID == nil || *r.AuthorID != a.ID {
			return ErrForbidden
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.onProposal(ctx, id, func(tx *gorm.DB, p *Proposal) error {
		f, err := stageFacts(tx, p)
		if err != nil {
			return err
		}
		move, err := checkMove(f, StageClosed, byWithdrawal)
		if err != nil {
			return err
		}
		return s.moveStage(tx, a, p, move.to, stageChange{closedReason: move.closedReason})
	})
	if err != nil {
		return nil, wrap("withdraw proposal", err)
	}
	return s.ProposalDetail(ctx, a, id)
}

// onProposalFor is onProposal for a child's write: the child's row is checked, and on
// PostgreSQL share-locked, before the proposal's lock (see stillTakingPart), always in this
// order, the order a withdrawal takes them in, so that the two never wait on each other.
func (s *Store) onProposalFor(ctx context.Context, a *Actor, id string, fn func(tx *gorm.DB, p *Proposal) error) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.stillTakingPart(tx, a); err != nil {
			return err
		}
		p, err := lockProposal(tx, id)
		if err != nil {
			return err
		}
		return fn(tx, p)
	})
}

// onProposal runs fn in a write transaction holding the proposal's lock (see lockProposal).
func (s *Store) onProposal(ctx context.Context, id string, fn func(tx *gorm.DB, p *Proposal) error) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		p, err := lockProposal(tx, id)
		if err != nil {
			return err
		}
		return fn(tx, p)
	})
}

// lockProposal reads a proposal inside a write transaction and holds it until the transaction
// ends, so that changes to one proposal's counts and stage happen one after another. (The
// no-op update takes the row lock on PostgreSQL; SQLite's write transactions are serial.)
func lockProposal(tx *gorm.DB, id string) (*Proposal, error) {
	if err := tx.Exec("UPDATE proposals SET updated_at = updated_at WHERE id = ?", id).Error; err != nil {
		return nil, err
	}
	var p Proposal
	if err := tx.Where("id = ?", id).Take(&p).Error; err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

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
	// Mine: the reading child wrote it.
	Mine bool `json:"mine"`
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
		d.FirstResponseAt = r.FirstResponseAt // whether the deadline still counts
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
		d.My = &MyStatus{Mine: r.AuthorID != nil && *r.AuthorID == a.ID}
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
