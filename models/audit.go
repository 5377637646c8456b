package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// AuditEvent records who did what to whom: staff reads of children's data, consent changes,
// moderation actions and stage changes.
type AuditEvent struct {
	ID          string
	At          time.Time
	ActorID     string
	ActorRole   string
	Action      string
	SubjectType string
	SubjectID   string
	Detail      string
}

func (s *Store) audit(tx *gorm.DB, a *Actor, action, subjectType, subjectID, detail string) error {
	now := s.Now()
	return tx.Create(&AuditEvent{
		ID: NewID(now), At: now, ActorID: a.ID, ActorRole: string(a.Role), Action: action,
		SubjectType: subjectType, SubjectID: subjectID, Detail: detail,
	}).Error
}

// AuditView is an audit event as the admin reads it.
type AuditView struct {
	ID      string       `json:"id"`
	At      time.Time    `json:"at"`
	Actor   AuditActor   `json:"actor"`
	Action  string       `json:"action"`
	Subject AuditSubject `json:"subject"`
}

// AuditActor is who acted.
type AuditActor struct {
	ID   string `json:"id"`
	Role string `json:"role"`
}

// AuditSubject is what was acted on.
type AuditSubject struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// AuditFilter narrows the audit log to one child or one staff member.
type AuditFilter struct {
	ChildID string
	StaffID string
}

// AuditLog lists audit events, newest first. Returns forbidden unless admin.
func (s *Store) AuditLog(ctx context.Context, a *Actor, f AuditFilter, p Page) ([]AuditView, string, error) {
	if err := a.Require(ManageStaff); err != nil {
		return nil, "", err
	}
	q := s.db.WithContext(ctx).Model(&AuditEvent{})
	if f.ChildID != "" {
		q = q.Where("subject_type = ? AND subject_id = ?", "child", f.ChildID)
	}
	if f.StaffID != "" {
		q = q.Where("actor_id = ?", f.StaffID)
	}
	rows, next, err := pageOf(q, p, "id", true, func(r AuditEvent) string { return r.ID })
	if err != nil {
		return nil, "", fmt.Errorf("read audit log: %w", err)
	}
	out := make([]AuditView, len(rows))
	for i, r := range rows {
		out[i] = AuditView{ID: r.ID, At: r.At, Actor: AuditActor{ID: r.ActorID, Role: r.ActorRole}, Action: r.Action,
			Subject: AuditSubject{Type: r.SubjectType, ID: r.SubjectID}}
	}
	return out, next, nil
}
