package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// What can be queued or reported.
const (
	TargetProposal   = "proposal"
	TargetComment    = "comment"
	TargetEvaluation = "evaluation"
	TargetInspection = "inspection"
	// TargetReport is a report's reason, queued when a child wrote a cry for help in it.
	TargetReport = "report"
)

// Moderation item statuses, and the number of reports from different children that hides a
// published item until a person decides.
const (
	ItemPending     = "pending"
	ItemApproved    = "approved"
	ItemRejected    = "rejected"
	ItemResolved    = "resolved" // a cry for help closed by an adult, who recorded what they did
	ReportsToHide   = 3
	ReasonPreReview = "pre_moderation" // queued because the body reviews everything first
	ReasonReported  = "reported"
)

// ModerationItem is one thing waiting for a person: held by screening, posted in a body that
// reviews everything first, or reported.
type ModerationItem struct {
	ID             string
	TargetType     string
	TargetID       string
	ProposalID     string
	BodyID         string
	AuthorID       *string
	Reasons        []string `gorm:"serializer:json;not null"` // the kinds of what waits, for the person deciding
	Safeguarding   bool
	ReportCount    int
	Status         string
	CreatedAt      time.Time
	DecidedAt      *time.Time
	DecidedBy      string
	DecisionReason string
	Outcome        string // what the adult did about a cry for help (Outcome* constants)
	OutcomeNote    string
	EscalatedAt    *time.Time // when the committee was told that nobody had acted
}

// enqueue opens (or reopens) the queue item of a target that waits for a person.
func (s *Store) enqueue(tx *gorm.DB, targetType, targetID, proposalID, bodyID, authorID string, sc screening) error {
	kinds := sc.kinds
	if len(kinds) == 0 {
		kinds = []string{ReasonPreReview}
	}
	item := &ModerationItem{ID: NewID(s.Now()), TargetType: targetType, TargetID: targetID, ProposalID: proposalID, BodyID: bodyID,
		AuthorID: &authorID, Reasons: kinds, Safeguarding: sc.safeguarding, Status: ItemPending, CreatedAt: s.Now()}
	if err := tx.Create(item).Error; err != nil {
		return err
	}
	if sc.safeguarding {
		return s.raiseSafeguarding(tx, item)
	}
	return nil
}

// scopeItems limits queue items to those a staff member may see: the items of the bodies in
// their scope and, for a facilitator, also the cries for help of the children of their own
// bodies, wherever the child wrote them, to read and to close (never to publish: Decide). The
// committee sees its own subtree's items only: it is told of a cry for help as the committee of
// the region of the body where it was written.
func scopeItems(db *gorm.DB, q *gorm.DB, a *Actor) *gorm.DB {
	if a.Role != RoleFacilitator {
		return q.Where("moderation_items.body_id IN (?)", scopeBodies(db.Table("bodies").Select("bodies.id"), a))
	}
	bodies := nonEmpty(a.BodyIDs)
	return q.Where(`(moderation_items.body_id IN ? OR (moderation_items.safeguarding = ? AND
		moderation_items.author_id IN (SELECT child_id FROM memberships WHERE body_id IN ?)))`, bodies, true, bodies)
}

// bodyInScope reports whether a body is one the staff member may see.
func bodyInScope(db *gorm.DB, a *Actor, bodyID string) (bool, error) {
	var n int64
	if err := scopeBodies(db.Table("bodies"), a).Where("bodies.id = ?", bodyID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("check body scope: %w", err)
	}
	return n > 0, nil
}

// QueueItem is a pending item as the queue shows it.
type QueueItem struct {
	ID           string    `json:"id"`
	TargetType   string    `json:"target_type"`
	TargetID     string    `json:"target_id"`
	ProposalID   string    `json:"proposal_id"`
	Excerpt      string    `json:"excerpt"`
	Reasons      []string  `json:"reasons"`
	ReportCount  int       `json:"report_count"`
	Safeguarding bool      `json:"safeguarding"`
	CreatedAt    time.Time `json:"created_at"`
	Body         BodyRef   `json:"body"`
	// Text is the whole text of a cry for help, for the adult who acts on it.
	Text string `json:"text,omitempty"`
	// Child is the author of a cry for help; EscalatedAt says when the committee was told.
	Child       *QueueChild `json:"child,omitempty"`
	EscalatedAt *time.Time  `json:"escalated_at,omitempty"`
	// Author is who wrote it, by nickname (absent once withdrawn or for staff texts).
	Author *QueueAuthor `json:"author,omitempty"`
	// Status is pending in the queue; a decided item says how and when it was decided and,
	// for a cry for help, what the adult did.
	Status      string     `json:"status"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Outcome     string     `json:"outcome,omitempty"`
	OutcomeNote string     `json:"outcome_note,omitempty"`
}

// QueueAuthor names the writer of a queued text.
type QueueAuthor struct {
	Nickname string `json:"nickname"`
}

// QueueChild is who wrote a cry for help, as the desk shows it. RealName is given only to the
// facilitators of the child's bodies.
type QueueChild struct {
	ID       string  `json:"id"`
	Nickname string  `json:"nickname"`
	RealName *string `json:"real_name,omitempty"`
}

// Queue lists the pending items in the staff member's scope: cries for help first, then the
// oldest. The cursor is the last item's ID. Returns forbidden for children.
func (s *Store) Queue(ctx context.Context, a *Actor, p Page) ([]QueueItem, string, error) {
	if err := a.Require(ManageModeration); err != nil {
		return nil, "", err
	}
	p = p.normalise()
	db := s.db.WithContext(ctx)
	q := scopeItems(db, db.Model(&ModerationItem{}), a).Where("status = ?", ItemPending)
	if p.Cursor != "" {
		var last ModerationItem
		if err := db.Where("id = ?", p.Cursor).Take(&last).Error; err != nil {
			return nil, "", Errorf(CodeBadRequest, "error.bad_cursor")
		}
		if last.Safeguarding { // the rest of the cries for help, then everything else
			q = q.Where("(safeguarding = ? AND id > ?) OR safeguarding = ?", true, last.ID, false)
		} else {
			q = q.Where("safeguarding = ? AND id > ?", false, last.ID)
		}
	}
	var rows []ModerationItem
	if err := q.Order("safeguarding DESC, id").Limit(p.Limit + 1).Find(&rows).Error; err != nil {
		return nil, "", fmt.Errorf("read queue: %w", err)
	}
	next := ""
	if len(rows) > p.Limit {
		rows = rows[:p.Limit]
		next = rows[len(rows)-1].ID
	}
	out, err := s.queueItems(ctx, a, rows)
	return out, next, err
}

// queueItems turns stored items into what the queue shows.
func (s *Store) queueItems(ctx context.Context, a *Actor, rows []ModerationItem) ([]QueueItem, error) {
	names, err := s.bodyNames(ctx, rows)
	if err != nil {
		return nil, err
	}
	authors, err := s.authorNames(ctx, rows)
	if err != nil {
		return nil, err
	}
	out := make([]QueueItem, len(rows))
	for i, r := range rows {
		out[i] = QueueItem{ID: r.ID, TargetType: r.TargetType, TargetID: r.TargetID, ProposalID: r.ProposalID,
			ReportCount: r.ReportCount, Safeguarding: r.Safeguarding, CreatedAt: r.CreatedAt,
			Body: BodyRef{ID: r.BodyID, Name: names[r.BodyID]}, EscalatedAt: r.EscalatedAt, Reasons: r.Reasons,
			Status: r.Status, DecidedAt: r.DecidedAt, Outcome: r.Outcome, OutcomeNote: r.OutcomeNote}
		if r.AuthorID != nil && authors[*r.AuthorID] != "" {
			out[i].Author = &QueueAuthor{Nickname: authors[*r.AuthorID]}
		}
		text, err := s.targetText(ctx, r.TargetType, r.TargetID)
		if err != nil {
			return nil, err
		}
		out[i].Excerpt = excerpt(text, 140)
		if r.Safeguarding {
			out[i].Text = text
			if out[i].Child, err = s.queueChild(ctx, a, r.ID, r.AuthorID); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// bodyNames returns the names of the queue items' bodies by ID.
func (s *Store) bodyNames(ctx context.Context, rows []ModerationItem) (map[string]string, error) {
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.BodyID)
	}
	var bodies []Body
	if err := s.db.WithContext(ctx).Select("id, name").Where("id IN ?", nonEmpty(ids)).Find(&bodies).Error; err != nil {
		return nil, fmt.Errorf("read body names: %w", err)
	}
	names := make(map[string]string, len(bodies))
	for _, b := range bodies {
		names[b.ID] = b.Name
	}
	return names, nil
}

func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// targetText returns the words of a queued or reported item, for the person deciding.
func (s *Store) targetText(ctx context.Context, targetType, id string) (string, error) {
	db := s.db.WithContext(ctx)
	var parts []string
	var err error
	switch targetType {
	case TargetProposal:
		var p Proposal
		err = db.Select("title, description").Where("id = ?", id).Take(&p).Error
		parts = []string{p.Title, p.Description}
	case TargetComment:
		var c Comment
		err = db.Select("body").Where("id = ?", id).Take(&c).Error
		parts = []string{c.Body}
	case TargetEvaluation:
		var e Evaluation
		err = db.Select("comment").Where("id = ?", id).Take(&e).Error
		parts = []string{e.Comment}
	case TargetInspection:
		var in Inspection
		err = db.Select("summary, items").Where("id = ?", id).Take(&in).Error
		for _, it := range in.Items {
			parts = append(parts, it.Item+" "+it.Note)
		}
		parts = append(parts, in.Summary)
	case TargetReport:
		var r Report
		err = db.Select("reason").Where("id = ?", id).Take(&r).Error
		parts = []string{r.Reason}
	}
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", fmt.Errorf("read queued text: %w", err)
	}
	return strings.TrimSpace(strings.Join(parts, " ")), nil
}

// Decision on a queue item. Resolve closes a cry for help without publishing it.
const (
	ActionApprove = "approve"
	ActionReject  = "reject"
	ActionResolve = "resolve"
)

// DecideInput is a person's decision on a queue item. Outcome and Note record what an adult did
// about a cry for help; Reason is told to the author.
type DecideInput struct {
	Action, Reason, Outcome, Note string
}

// Decide approves (the item is published), rejects (it stays out of sight) or, for a cry for
// help, resolves a pending item. A cry for help needs an outcome, recording what the adult did,
// and only "not a concern" may publish it; its author hears about it from the adult, not from a
// notification. Returns not_found out of scope, forbidden (also for approving an item written in
// a body outside the actor's scope), bad_request for an unknown action or outcome, conflict when
// already decided or when resolving an item that is no cry for help, validation_failed for a
// missing outcome or a reason or note too long.
func (s *Store) Decide(ctx context.Context, a *Actor, itemID string, in DecideInput) error {
	if err := a.Require(ManageModeration); err != nil {
		if a.Role == RoleChild {
			return ErrNotFound
		}
		return err
	}
	if !ValidID(itemID) {
		return ErrNotFound
	}
	switch in.Action {
	case ActionApprove, ActionReject, ActionResolve:
	case "":
		var v Invalid
		v.Add("action", "field.required", nil)
		return v.Err()
	default:
		return BadField("action", "field.unknown_value")
	}
	if in.Outcome != "" && !slices.Contains(Outcomes, in.Outcome) {
		return BadField("outcome", "field.unknown_value")
	}
	in.Reason, in.Note = clean(in.Reason), clean(in.Note)
	var v Invalid
	v.length("reason", in.Reason, 0, 200)
	v.length("note", in.Note, 0, 500)
	if err := v.Err(); err != nil {
		return err
	}
	db := s.db.WithContext(ctx)
	var item ModerationItem
	if err := scopeItems(db, db.Model(&ModerationItem{}), a).Where("moderation_items.id = ?", itemID).Take(&item).Error; err != nil {
		return notFound(err)
	}
	if err := checkOutcome(item, in); err != nil {
		return err
	}
	if in.Action == ActionApprove {
		// A facilitator sees the cries for help of their own children written in other bodies,
		// but only the staff of the body where a text was written may publish it there.
		ok, err := bodyInScope(db, a, item.BodyID)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(CodeForbidden, "error.publish_outside_scope")
		}
	}
	status := map[string]string{ActionApprove: ItemApproved, ActionReject: ItemRejected, ActionResolve: ItemResolved}[in.Action]
	return wrap("decide", s.onProposal(ctx, item.ProposalID, func(tx *gorm.DB, p *Proposal) error {
		updates := map[string]any{"status": status, "decided_at": s.Now(), "decided_by": a.ID, "decision_reason": in.Reason}
		if item.Safeguarding { // an ordinary decision keeps the outcome of an earlier cry for help
			updates["outcome"], updates["outcome_note"] = in.Outcome, in.Note
		}
		res := tx.Model(&ModerationItem{}).Where("id = ? AND status = ?", item.ID, ItemPending).Updates(updates)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(CodeConflict, "error.decided_already")
		}
		visibility := VisibilityRejected
		if in.Action == ActionApprove {
			visibility = VisibilityPublished
		}
		if err := s.setVisibility(tx, a, p, item.TargetType, item.TargetID, visibility); err != nil {
			return err
		}
		if item.Safeguarding {
			if err := s.audit(tx, a, "safeguarding."+in.Action, "moderation_item", item.ID, in.Outcome); err != nil {
				return err
			}
		} else if err := s.audit(tx, a, "moderation."+in.Action, item.TargetType, item.TargetID, ""); err != nil {
			return err
		}
		if item.AuthorID == nil || item.Safeguarding && in.Action != ActionApprove || item.TargetType == TargetReport {
			return nil
		}
		kind := NotifyApproved
		if in.Action == ActionReject {
			kind = NotifyRejected
		}
		return s.notify(tx, []string{*item.AuthorID}, a.ID, p.ID, kind, map[string]string{"target": item.TargetType, "reason": in.Reason})
	}))
}

// checkOutcome applies the rules of closing a cry for help: an outcome is required, and only
// "not a concern" may publish the text. Resolving is for cries for help only.
func checkOutcome(item ModerationItem, in DecideInput) error {
	if !item.Safeguarding {
		if in.Action == ActionResolve {
			return Errorf(CodeConflict, "error.resolve_safeguarding_only")
		}
		return nil
	}
	var v Invalid
	switch {
	case in.Outcome == "":
		v.Add("outcome", "field.required", nil)
	case in.Action == ActionApprove && in.Outcome != OutcomeNotAConcern:
		v.Add("outcome", "field.publish_not_a_concern", nil)
	}
	return v.Err()
}

// setVisibility changes what others see of a target, keeping the proposal's counts exact and
// starting a proposal's response deadline when it is first published. The caller holds the
// proposal's lock.
func (s *Store) setVisibility(tx *gorm.DB, a *Actor, p *Proposal, targetType, id, visibility string) error {
	switch targetType {
	case TargetProposal:
		updates := map[string]any{"visibility": visibility}
		if visibility == VisibilityPublished && p.PublishedAt == nil {
			var body Body
			if err := tx.Where("id = ?", p.BodyID).Take(&body).Error; err != nil {
				return err
			}
			s.publish(p, body.ResponseDays)
			updates["published_at"], updates["response_due_at"] = p.PublishedAt, p.ResponseDueAt
		}
		return tx.Model(&Proposal{}).Where("id = ?", id).Updates(updates).Error
	case TargetComment:
		var c Comment
		if err := tx.Where("id = ?", id).Take(&c).Error; err != nil {
			return notFound(err)
		}
		if c.Visibility == visibility {
			return nil
		}
		if err := tx.Model(&Comment{}).Where("id = ?", id).Update("visibility", visibility).Error; err != nil {
			return err
		}
		delta := 0
		switch {
		case visibility == VisibilityPublished:
			delta = 1
		case c.Visibility == VisibilityPublished:
			delta = -1
		}
		if delta != 0 {
			if err := addComments(tx, p.ID, delta); err != nil {
				return err
			}
		}
		if delta > 0 && c.Visibility == VisibilityPending {
			// First time out of the queue: tell whom a new comment tells.
			var parent Comment
			if c.ParentID != nil {
				if err := tx.Where("id = ?", *c.ParentID).Take(&parent).Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
					return err // a reply whose comment is gone tells nobody
				}
			}
			author := &Actor{ID: "", Role: Role(c.AuthorRole)}
			if c.AuthorID != nil {
				author.ID = *c.AuthorID
			}
			return s.commentPublished(tx, author, p, &c, parent)
		}
		return nil
	case TargetEvaluation:
		return tx.Model(&Evaluation{}).Where("id = ?", id).Update("visibility", visibility).Error
	case TargetInspection:
		return tx.Model(&Inspection{}).Where("id = ?", id).Update("visibility", visibility).Error
	case TargetReport:
		return nil // a report's reason is shown to staff only, whatever the decision
	}
	return fmt.Errorf("unknown target type %q", targetType)
}
