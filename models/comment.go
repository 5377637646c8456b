package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

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
	err = s.onProposalFor(ctx, a, id, func(tx *gorm.DB, p *Proposal) error {
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
	if err != nil {
		return nil, fmt.Errorf("read comment: %w", err)
	}
	if len(views) == 0 {
		return nil, ErrNotFound // erased by a withdrawal that came just after it
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
