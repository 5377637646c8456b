package models

import (
	"context"
	"fmt"
	"slices"
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

// AuditView is an audit event as the admin reads it: who (with their name), what, to whom or
// what (with its name, where it still has one).
type AuditView struct {
	ID      string       `json:"id"`
	At      time.Time    `json:"at"`
	Actor   AuditActor   `json:"actor"`
	Action  string       `json:"action"`
	Subject AuditSubject `json:"subject"`
}

// AuditActor is who acted: a staff member's user name, a child's nickname; none for a
// guardian (who acts through a link) or the system.
type AuditActor struct {
	ID   string `json:"id"`
	Role string `json:"role"`
	Name string `json:"name"`
}

// AuditSubject is what was acted on, named where it has a name: a child's nickname (gone once
// withdrawn), a body's name, a proposal's title, a staff member's user name.
type AuditSubject struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

// AuditActions are the actions the audit log records, for its filter and its words.
var AuditActions = []string{
	"proposal.stage", "proposal.decision",
	"moderation." + ActionApprove, "moderation." + ActionReject, "queue.undo",
	"safeguarding.raised", "safeguarding.escalated", "safeguarding.resolve", "safeguarding.approve", "safeguarding.reject",
	"member.add", "members.read", "child.read", "child.pin_reset", "child.purge",
	"consent.link", "consent.letters", "consent.paper", "consent.grant", "consent.deny", "consent.export",
	"consent.withdraw", "consent.withdraw_paper", "assent.given", "assent.declined",
	"staff.create", "staff.delete", "wordlists.replace",
	"meeting.record", "proposal.enter_in_meeting", "paper_votes.record", "activity.log", "targets.set", "child.sex",
}

// AuditFilter narrows the audit log: to one child (as subject), one staff member (as actor),
// one action, and a range of local dates (inclusive).
type AuditFilter struct {
	ChildID  string
	StaffID  string
	Action   string
	From, To string // YYYY-MM-DD
}

// AuditLog lists audit events, newest first. Returns forbidden unless admin, bad_request for an
// unknown action or a malformed date.
func (s *Store) AuditLog(ctx context.Context, a *Actor, f AuditFilter, p Page) ([]AuditView, string, error) {
	if err := a.Require(ManageStaff); err != nil {
		return nil, "", err
	}
	if f.Action != "" && !slices.Contains(AuditActions, f.Action) {
		return nil, "", BadField("action", "field.unknown_value")
	}
	q := s.db.WithContext(ctx).Model(&AuditEvent{})
	if f.ChildID != "" {
		q = q.Where("subject_type = ? AND subject_id = ?", "child", f.ChildID)
	}
	if f.StaffID != "" {
		q = q.Where("actor_id = ?", f.StaffID)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	q, err := s.betweenDays(q, "at", f.From, f.To)
	if err != nil {
		return nil, "", err
	}
	rows, next, err := pageOf(q, p, "id", true, func(r AuditEvent) string { return r.ID })
	if err != nil {
		return nil, "", fmt.Errorf("read audit log: %w", err)
	}
	names, err := s.auditNames(ctx, rows)
	if err != nil {
		return nil, "", err
	}
	out := make([]AuditView, len(rows))
	for i, r := range rows {
		out[i] = AuditView{ID: r.ID, At: r.At, Actor: AuditActor{ID: r.ActorID, Role: r.ActorRole, Name: names[r.ActorID]}, Action: r.Action,
			Subject: AuditSubject{Type: r.SubjectType, ID: r.SubjectID, Name: names[r.SubjectID]}}
	}
	return out, next, nil
}

// auditNames names the staff, children, bodies and proposals of audit events, by ID.
func (s *Store) auditNames(ctx context.Context, rows []AuditEvent) (map[string]string, error) {
	ids := map[string][]string{}
	for _, r := range rows {
		switch r.ActorRole {
		case string(RoleChild):
			ids["children"] = append(ids["children"], r.ActorID)
		case string(RoleAdmin), string(RoleCommittee), string(RoleFacilitator):
			ids["staff"] = append(ids["staff"], r.ActorID)
		}
		switch r.SubjectType {
		case "child":
			ids["children"] = append(ids["children"], r.SubjectID)
		case "staff":
			ids["staff"] = append(ids["staff"], r.SubjectID)
		case "body":
			ids["bodies"] = append(ids["bodies"], r.SubjectID)
		case "proposal":
			ids["proposals"] = append(ids["proposals"], r.SubjectID)
		}
	}
	names := map[string]string{}
	db := s.db.WithContext(ctx)
	for table, col := range map[string]string{"staff": "username", "children": "nickname", "bodies": "name", "proposals": "title"} {
		if len(ids[table]) == 0 {
			continue
		}
		var found []struct{ ID, Name string }
		if err := db.Table(table).Select("id, "+col+" AS name").Where("id IN ?", ids[table]).Scan(&found).Error; err != nil {
			return nil, fmt.Errorf("name audit subjects: %w", err)
		}
		for _, f := range found {
			names[f.ID] = f.Name
		}
	}
	return names, nil
}
