package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Notification kinds.
const (
	NotifyStageChanged = "stage_changed"
	NotifyWithdrawn    = "withdrawn"
	NotifyMerged       = "merged"
	NotifyStaffReply   = "staff_reply"
	NotifyReply        = "reply"
	NotifyApproved     = "moderation_approved"
	NotifyRejected     = "moderation_rejected"
	// NotifySafeguarding alerts staff to a cry for help. Its words name the body and the time,
	// never the child's text.
	NotifySafeguarding = "safeguarding"
)

// Notification is an inbox entry. Its words are written when read, in the reader's language,
// from Kind and Params.
type Notification struct {
	ID         string
	UserID     string
	Kind       string
	ProposalID *string
	// QueueItemID is the moderation queue item a safeguarding alert is about.
	QueueItemID *string
	Params      map[string]string `gorm:"serializer:json;not null"`
	CreatedAt   time.Time
	ReadAt      *time.Time
}

// notifyParticipants tells the author, the supporters and the voters of a proposal, except the
// actor, that something happened to it.
func (s *Store) notifyParticipants(tx *gorm.DB, a *Actor, proposalID, kind string, params map[string]string) error {
	var users []string
	err := tx.Raw(`SELECT author_id FROM proposals WHERE id = ? AND author_id IS NOT NULL
		UNION SELECT child_id FROM supports WHERE proposal_id = ? AND child_id IS NOT NULL
		UNION SELECT child_id FROM votes WHERE proposal_id = ? AND child_id IS NOT NULL`,
		proposalID, proposalID, proposalID).Scan(&users).Error
	if err != nil {
		return err
	}
	return s.notify(tx, users, a.ID, proposalID, kind, params)
}

// notify writes one notification to each user but the actor.
func (s *Store) notify(tx *gorm.DB, users []string, actorID, proposalID, kind string, params map[string]string) error {
	now := s.Now()
	var rows []Notification
	seen := map[string]bool{actorID: true}
	for _, u := range users {
		if seen[u] {
			continue
		}
		seen[u] = true
		rows = append(rows, Notification{ID: NewID(now), UserID: u, Kind: kind, ProposalID: &proposalID, Params: params, CreatedAt: now})
	}
	return insertNotifications(tx, rows)
}

// notifySafeguarding writes the alert about item to each of users: which body, and when.
func (s *Store) notifySafeguarding(tx *gorm.DB, users []string, item *ModerationItem) error {
	if len(users) == 0 {
		return nil
	}
	var body Body
	if err := tx.Select("id, name").Where("id = ?", item.BodyID).Take(&body).Error; err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	params := map[string]string{"body": body.Name, "at": item.CreatedAt.UTC().Format(time.RFC3339)}
	now := s.Now()
	rows := make([]Notification, 0, len(users))
	for _, u := range users {
		rows = append(rows, Notification{ID: NewID(now), UserID: u, Kind: NotifySafeguarding, ProposalID: &item.ProposalID,
			QueueItemID: &item.ID, Params: params, CreatedAt: now})
	}
	return insertNotifications(tx, rows)
}

// insertNotifications writes rows, in batches so a large audience stays one statement per batch.
func insertNotifications(tx *gorm.DB, rows []Notification) error {
	if len(rows) == 0 {
		return nil
	}
	if err := tx.CreateInBatches(rows, 200).Error; err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// NotificationView is an inbox entry before its words are written in the reader's language.
type NotificationView struct {
	ID             string
	Kind           string
	ProposalID     *string
	QueueItemID    *string
	ProposalTitle  string
	ProposalErased bool // the title reads "withdrawn by its author" in the reader's language
	Params         map[string]string
	CreatedAt      time.Time
	Read           bool
}

// Notifications lists the actor's inbox, newest first, with the number still unread.
func (s *Store) Notifications(ctx context.Context, a *Actor, p Page) ([]NotificationView, string, int64, error) {
	q := s.db.WithContext(ctx).Table("notifications").
		Select("notifications.*, proposals.title AS proposal_title, proposals.erased AS proposal_erased").
		Joins("LEFT JOIN proposals ON proposals.id = notifications.proposal_id").
		Where("notifications.user_id = ?", a.ID)
	type row struct {
		Notification
		ProposalTitle  string
		ProposalErased *bool // NULL for an alert without a proposal
	}
	rows, next, err := pageOf(q, p, "notifications.id", true, func(r row) string { return r.ID })
	if err != nil {
		return nil, "", 0, fmt.Errorf("list notifications: %w", err)
	}
	var unread int64
	if err := s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", a.ID).Count(&unread).Error; err != nil {
		return nil, "", 0, fmt.Errorf("count unread: %w", err)
	}
	out := make([]NotificationView, len(rows))
	for i, r := range rows {
		out[i] = NotificationView{ID: r.ID, Kind: r.Kind, ProposalID: r.ProposalID, QueueItemID: r.QueueItemID, ProposalTitle: r.ProposalTitle,
			ProposalErased: r.ProposalErased != nil && *r.ProposalErased,
			Params:         r.Params, CreatedAt: r.CreatedAt, Read: r.ReadAt != nil}
	}
	return out, next, unread, nil
}

// MarkRead marks one of the actor's notifications read. Returns not_found for anyone else's.
func (s *Store) MarkRead(ctx context.Context, a *Actor, id string) error {
	if !ValidID(id) {
		return ErrNotFound
	}
	res := s.db.WithContext(ctx).Model(&Notification{}).Where("id = ? AND user_id = ?", id, a.ID).
		Update("read_at", gorm.Expr("COALESCE(read_at, ?)", s.Now()))
	if res.Error != nil {
		return fmt.Errorf("mark read: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}
