package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
)

// Moderation item statuses, and the number of reports from different children that hides a
// published item until a person decides.
const (
	ItemPending     = "pending"
	ItemApproved    = "approved"
	ItemRejected    = "rejected"
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
	Reasons        string // JSON list of kinds
	Safeguarding   bool
	ReportCount    int
	Status         string
	CreatedAt      time.Time
	DecidedAt      *time.Time
	DecidedBy      string
	DecisionReason string
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
	raw, _ := json.Marshal(kinds)
	item := &ModerationItem{ID: NewID(s.Now()), TargetType: targetType, TargetID: targetID, ProposalID: proposalID, BodyID: bodyID,
		AuthorID: &authorID, Reasons: string(raw), Safeguarding: sc.safeguarding, Status: ItemPending, CreatedAt: s.Now()}
	return tx.Create(item).Error
}

// scopeItems limits queue items to the bodies a staff member may see.
func scopeItems(db *gorm.DB, q *gorm.DB, a *Actor) *gorm.DB {
	return q.Where("moderation_items.body_id IN (?)", scopeBodies(db.Table("bodies").Select("bodies.id"), a))
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
	out := make([]QueueItem, len(rows))
	for i, r := range rows {
		out[i] = QueueItem{ID: r.ID, TargetType: r.TargetType, TargetID: r.TargetID, ProposalID: r.ProposalID,
			ReportCount: r.ReportCount, Safeguarding: r.Safeguarding, CreatedAt: r.CreatedAt}
		_ = json.Unmarshal([]byte(r.Reasons), &out[i].Reasons)
		text, err := s.targetText(ctx, r.TargetType, r.TargetID)
		if err != nil {
			return nil, "", err
		}
		out[i].Excerpt = excerpt(text, 140)
	}
	return out, next, nil
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
		var items []InspectionItem
		_ = json.Unmarshal([]byte(in.Items), &items)
		for _, it := range items {
			parts = append(parts, it.Item+" "+it.Note)
		}
		parts = append(parts, in.Summary)
	}
	if err != nil && notFound(err) != ErrNotFound {
		return "", fmt.Errorf("read queued text: %w", err)
	}
	return strings.TrimSpace(strings.Join(parts, " ")), nil
}

// Decision on a queue item.
const (
	ActionApprove = "approve"
	ActionReject  = "reject"
)

// Decide approves (the item is published) or rejects (it stays out of sight) a pending item,
// and tells its author kindly. Returns not_found out of scope, forbidden, bad_request for an
// unknown action, conflict when already decided, validation_failed for a reason too long.
func (s *Store) Decide(ctx context.Context, a *Actor, itemID, action, reason string) error {
	if err := a.Require(ManageModeration); err != nil {
		if a.Role == RoleChild {
			return ErrNotFound
		}
		return err
	}
	if !ValidID(itemID) {
		return ErrNotFound
	}
	if action != ActionApprove && action != ActionReject {
		if action == "" {
			var v Invalid
			v.Add("action", "field.required", nil)
			return v.Err()
		}
		return BadField("action", "field.unknown_value")
	}
	reason = clean(reason)
	var v Invalid
	v.length("reason", reason, 0, 200)
	if err := v.Err(); err != nil {
		return err
	}
	db := s.db.WithContext(ctx)
	var item ModerationItem
	if err := scopeItems(db, db.Model(&ModerationItem{}), a).Where("id = ?", itemID).Take(&item).Error; err != nil {
		return notFound(err)
	}
	return wrap("decide", s.onProposal(ctx, item.ProposalID, func(tx *gorm.DB, p *Proposal) error {
		res := tx.Model(&ModerationItem{}).Where("id = ? AND status = ?", item.ID, ItemPending).
			Updates(map[string]any{"status": map[string]string{ActionApprove: ItemApproved, ActionReject: ItemRejected}[action],
				"decided_at": s.Now(), "decided_by": a.ID, "decision_reason": reason})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return Errorf(CodeConflict, "error.decided_already")
		}
		visibility := VisibilityRejected
		if action == ActionApprove {
			visibility = VisibilityPublished
		}
		if err := s.setVisibility(tx, a, p, item.TargetType, item.TargetID, visibility); err != nil {
			return err
		}
		if err := s.audit(tx, a, "moderation."+action, item.TargetType, item.TargetID, ""); err != nil {
			return err
		}
		if item.AuthorID == nil {
			return nil
		}
		kind := NotifyApproved
		if action == ActionReject {
			kind = NotifyRejected
		}
		return s.notify(tx, []string{*item.AuthorID}, a.ID, p.ID, kind, map[string]string{"target": item.TargetType, "reason": reason})
	}))
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
			if err := tx.Model(&Proposal{}).Where("id = ?", p.ID).Update("comment_count", gorm.Expr("comment_count + ?", delta)).Error; err != nil {
				return err
			}
		}
		if delta > 0 && c.Visibility == VisibilityPending {
			// First time out of the queue: tell whom a new comment tells.
			var parent Comment
			if c.ParentID != nil {
				tx.Where("id = ?", *c.ParentID).Take(&parent)
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
	}
	return fmt.Errorf("unknown target type %q", targetType)
}

// ReportInput is a child's report.
type ReportInput struct {
	TargetType, TargetID, Reason string
}

// FileReport records a child's report of an item they can see. When children of three
// different accounts have reported a published item, it is hidden until a person decides.
// Returns forbidden for staff, consent_required, bad_request for an unknown type, not_found for
// an item the child cannot see, conflict for a second report, validation_failed,
// moderation_blocked.
func (s *Store) FileReport(ctx context.Context, a *Actor, in ReportInput) error {
	if a.Role != RoleChild {
		return ErrForbidden
	}
	if err := a.RequireParticipation(); err != nil {
		return err
	}
	switch in.TargetType {
	case TargetProposal, TargetComment, TargetEvaluation:
	case "":
		var v Invalid
		v.Add("target_type", "field.required", nil)
		return v.Err()
	default:
		return BadField("target_type", "field.unknown_value")
	}
	in.Reason = clean(in.Reason)
	var v Invalid
	v.length("reason", in.Reason, 0, 200)
	if err := v.Err(); err != nil {
		return err
	}
	if _, err := s.screen(field{"reason", in.Reason}); err != nil {
		return err
	}
	proposalID, authorID, err := s.visibleTarget(ctx, a, in.TargetType, in.TargetID)
	if err != nil {
		return err
	}
	return wrap("report", s.onProposal(ctx, proposalID, func(tx *gorm.DB, p *Proposal) error {
		now := s.Now()
		if err := tx.Create(&Report{ID: NewID(now), TargetType: in.TargetType, TargetID: in.TargetID, ReporterID: a.ID, Reason: in.Reason, CreatedAt: now}).Error; err != nil {
			if isDuplicate(err) {
				return Errorf(CodeConflict, "error.reported_already")
			}
			return err
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
			}
			if err := tx.Model(&ModerationItem{}).Where("id = ?", item.ID).Updates(updates).Error; err != nil {
				return err
			}
		case notFound(err) == ErrNotFound:
			status := ItemPending
			if n < ReportsToHide {
				status = ItemApproved // counted, not yet queued
			}
			raw, _ := json.Marshal([]string{ReasonReported})
			if err := tx.Create(&ModerationItem{ID: NewID(now), TargetType: in.TargetType, TargetID: in.TargetID, ProposalID: p.ID,
				BodyID: p.BodyID, AuthorID: authorID, Reasons: string(raw), ReportCount: int(n), Status: status, CreatedAt: now}).Error; err != nil {
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
var listsCheckEvery = 15 * time.Second

// screenerState keeps the screener in step with the word lists in the database, so that every
// instance sharing it screens with the same lists, without a restart.
type screenerState struct {
	mu      sync.Mutex
	s       *moderation.Screener
	version int64
	checked time.Time
}

// screener returns the current screener, reloading the lists when another instance saved new
// ones.
func (s *Store) screener() *moderation.Screener {
	st := s.screening
	st.mu.Lock()
	defer st.mu.Unlock()
	if time.Since(st.checked) < listsCheckEvery {
		return st.s
	}
	st.checked = time.Now()
	var row struct {
		Value   string
		Version int64
	}
	err := s.db.Table("settings").Select("value, version").Where("key = ?", wordListsKey).Take(&row).Error
	if err == nil && row.Version != st.version {
		var l moderation.Lists
		if json.Unmarshal([]byte(row.Value), &l) == nil {
			st.s.Replace(l)
			st.version = row.Version
		}
	}
	return st.s
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
	st := s.screening
	st.mu.Lock()
	defer st.mu.Unlock()
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var version int64
		tx.Table("settings").Select("version").Where("key = ?", wordListsKey).Scan(&version)
		version++
		if err := tx.Exec(`INSERT INTO settings (key, value, version, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, version = excluded.version, updated_at = excluded.updated_at`,
			wordListsKey, string(raw), version, s.Now()).Error; err != nil {
			return err
		}
		st.version = version
		return s.audit(tx, a, "wordlists.replace", "settings", wordListsKey, fmt.Sprintf("%d/%d/%d", len(l.Block), len(l.Hold), len(l.Allow)))
	})
	if err != nil {
		return fmt.Errorf("save word lists: %w", err)
	}
	st.s.Replace(l)
	st.checked = time.Now()
	return nil
}

// Check screens a text without storing anything: the frontend's warning before submitting.
func (s *Store) Check(text string) moderation.Verdict {
	return s.screener().Screen(text)
}

// keyedHash identifies a blocked item in the log without revealing it.
func (s *Store) keyedHash(text string) string {
	m := hmac.New(sha256.New, s.hashKey)
	m.Write([]byte(text))
	return hex.EncodeToString(m.Sum(nil)[:8])
}
