package models

import (
	"context"
	"errors"
	"fmt"
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

// Vote is a child's one vote on a proposal's design options.
type Vote struct {
	ID         string
	ProposalID string
	OptionID   string
	ChildID    *string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// audienceWrite lets a child write on a proposal of their own bodies (support, vote, comment)
// through the write gate: the proposal in scope (not_found), the child in its audience
// (forbidden), consent (consent_required); then the proposal must be published (conflict).
func (s *Store) audienceWrite(ctx context.Context, a *Actor, id string) (*proposalRow, error) {
	var r *proposalRow
	err := participate(a, func() (err error) {
		if r, err = s.proposal(ctx, a, id); err != nil {
			return err
		}
		if !a.inAudience(r.BodyID) {
			return ErrForbidden
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if r.Visibility != VisibilityPublished {
		return nil, Errorf(CodeConflict, "error.not_published")
	}
	return r, nil
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
	err = s.onProposal(ctx, id, func(tx *gorm.DB, p *Proposal) error {
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

// CastVote records or changes a child's vote while the proposal is in design. Votes are exact
// under any concurrency: each runs with the proposal locked, and the option counts move with
// the vote row in one transaction. Returns the errors of audienceWrite, stage_closed outside
// design, validation_failed for an option of another proposal.
func (s *Store) CastVote(ctx context.Context, a *Actor, id, optionID string) error {
	if _, err := s.audienceWrite(ctx, a, id); err != nil {
		return err
	}
	err := s.onProposal(ctx, id, func(tx *gorm.DB, p *Proposal) error {
		if p.Stage != StageDesign {
			return Errorf(CodeStageClosed)
		}
		var n int64
		if err := tx.Model(&Option{}).Where("id = ? AND proposal_id = ?", optionID, id).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			var v Invalid
			v.Add("option_id", "field.unknown_reference", nil)
			return v.Err()
		}
		var old Vote
		err := tx.Where("proposal_id = ? AND child_id = ?", id, a.ID).Take(&old).Error
		switch {
		case err == nil && old.OptionID == optionID:
			return nil
		case err == nil:
			if err := tx.Model(&Vote{}).Where("id = ?", old.ID).Updates(map[string]any{"option_id": optionID, "updated_at": s.Now()}).Error; err != nil {
				return err
			}
			if err := addVotes(tx, old.OptionID, -1); err != nil {
				return err
			}
		case errors.Is(err, gorm.ErrRecordNotFound):
			now := s.Now()
			if err := tx.Create(&Vote{ID: NewID(now), ProposalID: id, OptionID: optionID, ChildID: &a.ID, CreatedAt: now, UpdatedAt: now}).Error; err != nil {
				return err
			}
		default:
			return err
		}
		return addVotes(tx, optionID, 1)
	})
	return wrap("vote", err)
}

// Results are the tally of a proposal's design options.
type Results struct {
	Options []OptionTally `json:"options"`
	Total   int           `json:"total"`
}

// OptionTally is one option's votes.
type OptionTally struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Votes int    `json:"votes"`
}

// Results returns the tally. Children see it only once voting has closed (no bandwagon);
// staff see it live. Returns not_found, forbidden for a child while design is open.
func (s *Store) Results(ctx context.Context, a *Actor, id string) (*Results, error) {
	r, err := s.proposal(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if !a.IsStaff() && !votingClosed(r.Stage) {
		return nil, Errorf(CodeForbidden, "error.results_hidden")
	}
	return s.tally(ctx, id)
}

// votingClosed reports whether the design stage is over.
func votingClosed(stage string) bool {
	return stage != StageNeeds && stage != StageDesign
}

func (s *Store) tally(ctx context.Context, id string) (*Results, error) {
	var opts []Option
	if err := s.db.WithContext(ctx).Where("proposal_id = ?", id).Order("id").Find(&opts).Error; err != nil {
		return nil, fmt.Errorf("read options: %w", err)
	}
	res := &Results{Options: make([]OptionTally, len(opts))}
	for i, o := range opts {
		res.Options[i] = OptionTally{ID: o.ID, Title: o.Title, Votes: o.VoteCount}
		res.Total += o.VoteCount
	}
	return res, nil
}

// Comment is a comment on a proposal, or a reply to one.
type Comment struct {
	ID         string
	ProposalID string
	OptionID   *string
	ParentID   *string
	AuthorID   *string
	AuthorRole string
	Body       string
	Visibility string
	CreatedAt  time.Time
}

// CommentView is a comment as readers see it. Author is nil for staff (see AuthorRole) and for
// children shown as "a participant".
type CommentView struct {
	ID         string      `json:"id"`
	Body       string      `json:"body"`
	Author     *PublicName `json:"author"`
	AuthorRole string      `json:"author_role"`
	OptionID   *string     `json:"option_id"`
	ParentID   *string     `json:"parent_id"`
	CreatedAt  time.Time   `json:"created_at"`
	Visibility string      `json:"visibility"`
	Held       []string    `json:"-"` // why a comment just written waits, as the child is told
}

// CommentInput is a new comment.
type CommentInput struct {
	Body, OptionID, ParentID string
}

// commentStages are the stages in which comments are taken (children may still comment
// during the notice period of a decision).
var commentStages = map[string]bool{StageNeeds: true, StageDesign: true, StageDecision: true}

// AddComment adds a comment by a child of the proposal's audience or by staff in scope (a
// staff comment counts as the first response). A child's text is screened. Returns not_found,
// forbidden, consent_required, stage_closed, validation_failed, moderation_blocked.
func (s *Store) AddComment(ctx context.Context, a *Actor, id string, in CommentInput) (*CommentView, error) {
	var r *proposalRow
	var err error
	if a.IsStaff() {
		if r, err = s.proposal(ctx, a, id); err != nil {
			return nil, err
		}
		if err := a.Require(CommentAsStaff); err != nil {
			return nil, err
		}
	} else if r, err = s.audienceWrite(ctx, a, id); err != nil {
		return nil, err
	}
	if !commentStages[r.Stage] {
		return nil, Errorf(CodeStageClosed)
	}
	c := &Comment{ID: NewID(s.Now()), ProposalID: id, AuthorID: &a.ID, AuthorRole: string(a.Role), Body: clean(in.Body),
		Visibility: VisibilityPublished, CreatedAt: s.Now()}
	var v Invalid
	v.length("body", c.Body, 1, 500)
	if in.OptionID != "" {
		var n int64
		if err := s.db.WithContext(ctx).Model(&Option{}).Where("id = ? AND proposal_id = ?", in.OptionID, id).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("read option: %w", err)
		}
		if n == 0 {
			v.Add("option_id", "field.unknown_reference", nil)
		}
		c.OptionID = &in.OptionID
	}
	var parent Comment
	if in.ParentID != "" {
		err := s.db.WithContext(ctx).Where("id = ? AND proposal_id = ? AND parent_id IS NULL AND visibility = ?", in.ParentID, id, VisibilityPublished).Take(&parent).Error
		if err != nil {
			v.Add("parent_id", "field.unknown_reference", nil)
		}
		c.ParentID = &in.ParentID
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var sc screening
	if a.Role == RoleChild {
		if sc, err = s.childText(r.BodyModerationMode, field{"body", c.Body}); err != nil {
			return nil, err
		}
		c.Body, c.Visibility = sc.text(field{"body", c.Body}), sc.visibility
	}
	err = s.onProposal(ctx, id, func(tx *gorm.DB, p *Proposal) error {
		if !commentStages[p.Stage] {
			return Errorf(CodeStageClosed)
		}
		if err := tx.Create(c).Error; err != nil {
			return err
		}
		if c.Visibility == VisibilityPublished {
			if err := addComments(tx, id, 1); err != nil {
				return err
			}
			return s.commentPublished(tx, a, p, c, parent)
		}
		return s.enqueue(tx, TargetComment, c.ID, p.ID, p.BodyID, a.ID, sc)
	})
	if err != nil {
		return nil, wrap("add comment", err)
	}
	views, err := s.commentViews(ctx, "comments.id = ?", c.ID)
	if err != nil || len(views) == 0 {
		return nil, fmt.Errorf("read comment: %w", err)
	}
	views[0].Held = sc.reasons()
	return &views[0], nil
}

// commentPublished does what a newly visible comment sets off: a staff comment is a response
// and tells the author; a reply tells the author of the comment it answers.
func (s *Store) commentPublished(tx *gorm.DB, a *Actor, p *Proposal, c *Comment, parent Comment) error {
	if a.IsStaff() {
		if err := s.markResponded(tx, p); err != nil {
			return err
		}
		if p.AuthorID != nil {
			if err := s.notify(tx, []string{*p.AuthorID}, a.ID, p.ID, NotifyStaffReply, nil); err != nil {
				return err
			}
		}
	}
	if parent.AuthorID != nil && parent.AuthorRole == string(RoleChild) {
		return s.notify(tx, []string{*parent.AuthorID}, a.ID, p.ID, NotifyReply, nil)
	}
	return nil
}

// ListComments lists a proposal's comments, oldest first: the published ones, a child's own
// waiting ones, and for staff every one.
func (s *Store) ListComments(ctx context.Context, a *Actor, id string, p Page) ([]CommentView, string, error) {
	if _, err := s.proposal(ctx, a, id); err != nil {
		return nil, "", err
	}
	cond, args := "comments.proposal_id = ? AND (comments.visibility = ? OR comments.author_id = ?)", []any{id, VisibilityPublished, a.ID}
	if a.IsStaff() {
		cond, args = "comments.proposal_id = ?", []any{id}
	}
	q := s.commentQuery(ctx).Where(cond, args...)
	rows, next, err := pageOf(q, p, "comments.id", false, func(r commentRow) string { return r.ID })
	if err != nil {
		return nil, "", fmt.Errorf("list comments: %w", err)
	}
	return s.toCommentViews(rows), next, nil
}

type commentRow struct {
	Comment
	AuthorNickname   *string
	AuthorBirthYear  *int
	AuthorBirthMonth *int
}

func (s *Store) commentQuery(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Table("comments").
		Select("comments.*, children.nickname AS author_nickname, children.birth_year AS author_birth_year, children.birth_month AS author_birth_month").
		Joins("LEFT JOIN children ON children.id = comments.author_id AND comments.author_role = 'child'")
}

func (s *Store) commentViews(ctx context.Context, cond string, args ...any) ([]CommentView, error) {
	var rows []commentRow
	if err := s.commentQuery(ctx).Where(cond, args...).Order("comments.id").Find(&rows).Error; err != nil {
		return nil, err
	}
	return s.toCommentViews(rows), nil
}

func (s *Store) toCommentViews(rows []commentRow) []CommentView {
	today := s.Now().In(s.loc)
	out := make([]CommentView, len(rows))
	for i, r := range rows {
		out[i] = CommentView{ID: r.ID, Body: r.Body, AuthorRole: r.AuthorRole, OptionID: r.OptionID, ParentID: r.ParentID,
			CreatedAt: r.CreatedAt, Visibility: r.Visibility}
		if r.AuthorNickname != nil && *r.AuthorNickname != "" {
			age := Age(*r.AuthorBirthYear, *r.AuthorBirthMonth, today)
			out[i].Author = &PublicName{Nickname: *r.AuthorNickname, Age: &age}
		}
	}
	return out
}

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
	err = s.onProposal(ctx, id, func(tx *gorm.DB, p *Proposal) error {
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
	err = s.onProposal(ctx, id, func(tx *gorm.DB, p *Proposal) error {
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
