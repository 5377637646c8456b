package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"tongsheng/moderation"
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

// Report is one child's report of an item.
type Report struct {
	ID         string
	TargetType string
	TargetID   string
	ReporterID string
	Reason     string
	CreatedAt  time.Time
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
	names, err := s.bodyNames(ctx, rows)
	if err != nil {
		return nil, "", err
	}
	out := make([]QueueItem, len(rows))
	for i, r := range rows {
		out[i] = QueueItem{ID: r.ID, TargetType: r.TargetType, TargetID: r.TargetID, ProposalID: r.ProposalID,
			ReportCount: r.ReportCount, Safeguarding: r.Safeguarding, CreatedAt: r.CreatedAt,
			Body: BodyRef{ID: r.BodyID, Name: names[r.BodyID]}, EscalatedAt: r.EscalatedAt, Reasons: r.Reasons}
		text, err := s.targetText(ctx, r.TargetType, r.TargetID)
		if err != nil {
			return nil, "", err
		}
		out[i].Excerpt = excerpt(text, 140)
		if r.Safeguarding {
			out[i].Text = text
			if out[i].Child, err = s.queueChild(ctx, a, r.ID, r.AuthorID); err != nil {
				return nil, "", err
			}
		}
	}
	return out, next, nil
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

// ReportInput is a child's report.
type ReportInput struct {
	TargetType, TargetID, Reason string
}

// FileReport records a child's report of an item they can see. When children of three
// different accounts have reported a published item, it is hidden until a person decides. A
// cry for help in the reason is queued and raised like any other child's write, with the
// reporter as its author; the reasons returned are what the child is told (the kind message
// of a cry for help, else none). Returns forbidden for staff, consent_required, bad_request for
// an unknown type, not_found for an item the child cannot see, conflict for a second report,
// validation_failed, moderation_blocked.
func (s *Store) FileReport(ctx context.Context, a *Actor, in ReportInput) ([]string, error) {
	switch in.TargetType {
	case TargetProposal, TargetComment, TargetEvaluation:
	case "":
		var v Invalid
		v.Add("target_type", "field.required", nil)
		return nil, v.Err()
	default:
		return nil, BadField("target_type", "field.unknown_value")
	}
	var proposalID string
	var authorID *string
	err := participate(a, func() (err error) {
		proposalID, authorID, err = s.visibleTarget(ctx, a, in.TargetType, in.TargetID)
		return err
	})
	if err != nil {
		return nil, err
	}
	in.Reason = clean(in.Reason)
	var v Invalid
	v.length("reason", in.Reason, 0, 200)
	if err := v.Err(); err != nil {
		return nil, err
	}
	sc, err := s.screen(field{"reason", in.Reason})
	if err != nil {
		return nil, err
	}
	in.Reason = sc.text(field{"reason", in.Reason})
	err = wrap("report", s.onProposal(ctx, proposalID, func(tx *gorm.DB, p *Proposal) error {
		now := s.Now()
		reportID := NewID(now)
		if err := tx.Create(&Report{ID: reportID, TargetType: in.TargetType, TargetID: in.TargetID, ReporterID: a.ID, Reason: in.Reason, CreatedAt: now}).Error; err != nil {
			if isDuplicate(err) {
				return Errorf(CodeConflict, "error.reported_already")
			}
			return err
		}
		if sc.safeguarding {
			if err := s.enqueue(tx, TargetReport, reportID, p.ID, p.BodyID, a.ID, sc); err != nil {
				return err
			}
		}
		var n int64
		if err := tx.Model(&Report{}).Where("target_type = ? AND target_id = ?", in.TargetType, in.TargetID).Count(&n).Error; err != nil {
			return err
		}
		var item ModerationItem
		err = tx.Where("target_type = ? AND target_id = ?", in.TargetType, in.TargetID).Take(&item).Error
		switch {
		case err == nil:
			updates := map[string]any{"report_count": n}
			if n >= ReportsToHide && item.Status != ItemPending {
				updates["status"], updates["decided_at"], updates["decided_by"], updates["decision_reason"] = ItemPending, nil, "", ""
				// A cry for help an adult found no concern comes back for what children report
				// of it, as any reported item: not as a new cry for help, which would be
				// escalated at once for its old date. Its outcome stays on record.
				raw, _ := json.Marshal([]string{ReasonReported})
				updates["safeguarding"], updates["reasons"], updates["escalated_at"] = false, string(raw), nil
			}
			if err := tx.Model(&ModerationItem{}).Where("id = ?", item.ID).Updates(updates).Error; err != nil {
				return err
			}
		case errors.Is(err, gorm.ErrRecordNotFound):
			status := ItemPending
			if n < ReportsToHide {
				status = ItemApproved // counted, not yet queued
			}
			if err := tx.Create(&ModerationItem{ID: NewID(now), TargetType: in.TargetType, TargetID: in.TargetID, ProposalID: p.ID,
				BodyID: p.BodyID, AuthorID: authorID, Reasons: []string{ReasonReported}, ReportCount: int(n), Status: status, CreatedAt: now}).Error; err != nil {
				return err
			}
		default:
			return err
		}
		if n == ReportsToHide {
			return s.hideReported(tx, a, p, in.TargetType, in.TargetID)
		}
		return nil
	}))
	if err != nil {
		return nil, err
	}
	if sc.safeguarding {
		return sc.reasons(), nil
	}
	return nil, nil
}

// hideReported hides a published item that enough children reported.
func (s *Store) hideReported(tx *gorm.DB, a *Actor, p *Proposal, targetType, id string) error {
	current := map[string]any{TargetProposal: &Proposal{}, TargetComment: &Comment{}, TargetEvaluation: &Evaluation{}}[targetType]
	var vis string
	if err := tx.Model(current).Select("visibility").Where("id = ?", id).Scan(&vis).Error; err != nil {
		return err
	}
	if vis != VisibilityPublished {
		return nil
	}
	return s.setVisibility(tx, a, p, targetType, id, VisibilityHidden)
}

// visibleTarget finds a reported item the child can see: its proposal and author.
func (s *Store) visibleTarget(ctx context.Context, a *Actor, targetType, id string) (proposalID string, authorID *string, err error) {
	if !ValidID(id) {
		return "", nil, ErrNotFound
	}
	db := s.db.WithContext(ctx)
	var row struct {
		ProposalID string
		AuthorID   *string
		Visibility string
	}
	switch targetType {
	case TargetProposal:
		err = db.Model(&Proposal{}).Select("id AS proposal_id, author_id, visibility").Where("id = ?", id).Take(&row).Error
	case TargetComment:
		err = db.Model(&Comment{}).Select("proposal_id, author_id, visibility").Where("id = ?", id).Take(&row).Error
	case TargetEvaluation:
		err = db.Model(&Evaluation{}).Select("proposal_id, child_id AS author_id, visibility").Where("id = ?", id).Take(&row).Error
	}
	if err != nil {
		return "", nil, notFound(err)
	}
	if _, err := s.proposal(ctx, a, row.ProposalID); err != nil {
		return "", nil, err
	}
	if row.Visibility != VisibilityPublished && (row.AuthorID == nil || *row.AuthorID != a.ID) {
		return "", nil, ErrNotFound
	}
	return row.ProposalID, row.AuthorID, nil
}

// wordListsKey is the settings row holding the moderation word lists.
const wordListsKey = "moderation_words"

// listsCheckEvery is how often an instance looks for word lists another instance saved.
var listsCheckEvery = 5 * time.Second

// screenerState keeps the screener in step with the word lists in the database, so that every
// instance sharing it screens with the same lists, without a restart. Screening never waits for
// it: one goroutine per store compares the saved version every listsCheckEvery, and a new list
// is compiled and swapped in (Screener.Replace) while screening goes on with the old one.
type screenerState struct {
	s *moderation.Screener

	mu      sync.Mutex // orders swaps, so an older list never replaces a newer one
	version int64

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// screener returns the current screener; it never blocks.
func (s *Store) screener() *moderation.Screener { return s.screening.s }

// apply swaps in the lists of version unless a newer version is in place already.
func (st *screenerState) apply(version int64, l moderation.Lists) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if version <= st.version {
		return
	}
	st.s.Replace(l)
	st.version = version
}

// reloadWordLists reads the saved lists when their version differs from the one in use.
func (s *Store) reloadWordLists(ctx context.Context) error {
	st := s.screening
	db := s.db.WithContext(ctx)
	var versions []int64
	if err := db.Table("settings").Where("key = ?", wordListsKey).Pluck("version", &versions).Error; err != nil {
		return fmt.Errorf("read word list version: %w", err)
	}
	st.mu.Lock()
	current := st.version
	st.mu.Unlock()
	if len(versions) == 0 || versions[0] == current {
		return nil
	}
	var row struct {
		Value   string
		Version int64
	}
	if err := db.Table("settings").Select("value, version").Where("key = ?", wordListsKey).Take(&row).Error; err != nil {
		return fmt.Errorf("read word lists: %w", err)
	}
	var l moderation.Lists
	if err := json.Unmarshal([]byte(row.Value), &l); err != nil {
		return fmt.Errorf("decode word lists: %w", err)
	}
	st.apply(row.Version, l)
	return nil
}

// watchWordLists starts the goroutine that keeps the lists in step until Close.
func (s *Store) watchWordLists() {
	st := s.screening
	st.stop, st.done = make(chan struct{}), make(chan struct{})
	every := listsCheckEvery
	go func() {
		defer close(st.done)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			select {
			case <-st.stop:
				cancel() // a check under way ends with the store
			case <-st.done:
			}
		}()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-st.stop:
				return
			case <-t.C:
				_ = s.reloadWordLists(ctx) // the database may be busy or away: try again next tick
			}
		}
	}()
}

// stopWatching ends the goroutine of watchWordLists, if it runs, and waits for it.
func (st *screenerState) stopWatching() {
	if st.stop == nil {
		return
	}
	st.once.Do(func() { close(st.stop) })
	<-st.done
}

// WordLists returns the moderation word lists (admin).
func (s *Store) WordLists(ctx context.Context, a *Actor) (moderation.Lists, error) {
	if err := a.Require(ManageStaff); err != nil {
		return moderation.Lists{}, err
	}
	return s.screener().Lists(), nil
}

// Word list limits.
const (
	MaxListWords  = 100000
	MaxWordLength = 50
)

// SetWordLists replaces the moderation word lists: in effect at once here, and within
// seconds on every instance sharing the database. Returns forbidden unless admin,
// validation_failed for too many or too long words.
func (s *Store) SetWordLists(ctx context.Context, a *Actor, l moderation.Lists) error {
	if err := a.Require(ManageStaff); err != nil {
		return err
	}
	var v Invalid
	for name, words := range map[string][]string{"block": l.Block, "hold": l.Hold, "allow": l.Allow} {
		if len(words) > MaxListWords {
			v.Add(name, "field.too_many", map[string]any{"Max": MaxListWords})
		}
		for _, w := range words {
			if n := utf8.RuneCountInString(strings.TrimSpace(w)); n == 0 || n > MaxWordLength {
				v.Add(name, "field.word_length", map[string]any{"Max": MaxWordLength})
				break
			}
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	raw, err := json.Marshal(l)
	if err != nil {
		return err
	}
	// No lock is held while saving: screening goes on with the old lists until the swap.
	var version int64
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Table("settings").Select("version").Where("key = ?", wordListsKey).Scan(&version).Error; err != nil {
			return err
		}
		version++
		if err := tx.Exec(`INSERT INTO settings (key, value, version, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version, updated_at = excluded.updated_at`,
			wordListsKey, string(raw), version, s.Now()).Error; err != nil {
			return err
		}
		return s.audit(tx, a, "wordlists.replace", "settings", wordListsKey, fmt.Sprintf("%d/%d/%d", len(l.Block), len(l.Hold), len(l.Allow)))
	})
	if err != nil {
		return fmt.Errorf("save word lists: %w", err)
	}
	s.screening.apply(version, l)
	return nil
}

// Check screens a text without storing anything: the frontend's warning before submitting. A cry
// for help reads as a write would take it: held, with the kind message alone, whatever else it
// holds (what would block is masked, not refused).
func (s *Store) Check(text string) moderation.Verdict {
	v := s.screener().Screen(text)
	if v.Safeguarding() {
		v.Action = moderation.Hold
		v.Reasons = slices.DeleteFunc(v.Reasons, func(r moderation.Reason) bool { return r.Kind != moderation.KindSafeguarding })
	}
	return v
}

// keyedHash identifies a blocked item in the log without revealing it.
func (s *Store) keyedHash(text string) string {
	m := hmac.New(sha256.New, s.hashKey)
	m.Write([]byte(text))
	return hex.EncodeToString(m.Sum(nil)[:8])
}
