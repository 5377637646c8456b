package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"gorm.io/gorm"
)

// What an adult did about a cry for help, recorded when they close it.
const (
	OutcomeSpokeWithChild = "spoke_with_child"
	OutcomeToldGuardian   = "told_guardian"
	OutcomeToldSchool     = "told_school"
	OutcomeReferred       = "referred"
	OutcomeNotAConcern    = "not_a_concern" // the only outcome that may publish the text
)

// Outcomes lists every outcome of a cry for help.
var Outcomes = []string{OutcomeSpokeWithChild, OutcomeToldGuardian, OutcomeToldSchool, OutcomeReferred, OutcomeNotAConcern}

// SafeguardingEscalateAfter is how long a cry for help may wait for a facilitator before the
// committee of the body's region is told.
const SafeguardingEscalateAfter = 24 * time.Hour

// raiseSafeguarding alerts every facilitator of every body the author of a cry for help belongs
// to, in the transaction that stored it, and audits the alert.
func (s *Store) raiseSafeguarding(tx *gorm.DB, item *ModerationItem) error {
	if item.AuthorID == nil {
		return nil
	}
	var staff []string
	err := tx.Raw(`SELECT DISTINCT staff_bodies.staff_id FROM staff_bodies
		JOIN staff ON staff.id = staff_bodies.staff_id AND staff.role = ?
		WHERE staff_bodies.body_id IN (SELECT body_id FROM memberships WHERE child_id = ?)
		ORDER BY staff_bodies.staff_id`, string(RoleFacilitator), *item.AuthorID).Scan(&staff).Error
	if err != nil {
		return fmt.Errorf("find facilitators: %w", err)
	}
	if err := s.notifySafeguarding(tx, staff, item); err != nil {
		return err
	}
	if err := s.audit(tx, &Actor{ID: *item.AuthorID, Role: RoleChild}, "safeguarding.raised", "moderation_item", item.ID, fmt.Sprintf("%d", len(staff))); err != nil {
		return err
	}
	if len(staff) == 0 {
		// No facilitator runs the child's bodies: waiting 24 hours would tell nobody. The
		// committee (or, failing one, the admins) is told at once.
		_, err := s.escalate(tx, item)
		return err
	}
	return nil
}

// escalate tells the committee staff whose region holds the item's body, once; when no
// committee covers that region, the admins. It reports false and tells nobody when the item was
// decided or escalated meanwhile, or when there is nobody to tell: then the item stays
// unescalated, to be tried again, and the log warns, since no adult has heard of it.
func (s *Store) escalate(tx *gorm.DB, item *ModerationItem) (bool, error) {
	var committee []string
	err := tx.Raw(`SELECT staff.id FROM staff
		JOIN regions cr ON cr.id = staff.region_id
		JOIN bodies b ON b.id = ?
		JOIN regions br ON br.id = b.region_id
		WHERE staff.role = ? AND br.path LIKE cr.path || '%'
		ORDER BY staff.id`, item.BodyID, string(RoleCommittee)).Scan(&committee).Error
	if err != nil {
		return false, fmt.Errorf("find committee: %w", err)
	}
	told, detail := committee, fmt.Sprintf("%d", len(committee))
	if len(told) == 0 {
		if err := tx.Model(&Staff{}).Where("role = ?", string(RoleAdmin)).Order("id").Pluck("id", &told).Error; err != nil {
			return false, fmt.Errorf("find admins: %w", err)
		}
		detail = fmt.Sprintf("admins %d", len(told))
	}
	if len(told) == 0 {
		s.log.Warn("a cry for help reaches nobody: no facilitator, committee or admin covers its body",
			slog.String("queue_item_id", item.ID), slog.String("body_id", item.BodyID))
		return false, nil
	}
	res := tx.Model(&ModerationItem{}).Where("id = ? AND status = ? AND escalated_at IS NULL", item.ID, ItemPending).
		Update("escalated_at", s.Now())
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	if err := s.notifySafeguarding(tx, told, item); err != nil {
		return false, err
	}
	return true, s.audit(tx, SystemActor(), "safeguarding.escalated", "moderation_item", item.ID, detail)
}

// queueChild names the author of a cry for help for the desk: the nickname for everyone in
// scope, the real name only for a facilitator of one of the child's bodies (an audited read).
func (s *Store) queueChild(ctx context.Context, a *Actor, itemID string, childID *string) (*QueueChild, error) {
	if childID == nil {
		return nil, nil
	}
	db := s.db.WithContext(ctx)
	var c Child
	if err := db.Select("id, nickname, real_name").Where("id = ?", *childID).Take(&c).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("read child: %w", err)
	}
	out := &QueueChild{ID: c.ID, Nickname: c.Nickname}
	if a.Role != RoleFacilitator || c.RealName == "" {
		return out, nil
	}
	var bodies []string
	if err := db.Table("memberships").Where("child_id = ?", c.ID).Pluck("body_id", &bodies).Error; err != nil {
		return nil, fmt.Errorf("read memberships: %w", err)
	}
	if !slices.ContainsFunc(bodies, func(b string) bool { return slices.Contains(a.BodyIDs, b) }) {
		return out, nil
	}
	name := s.sealer.open(c.RealName)
	if name == "" {
		return out, nil
	}
	s.auditDeskRead(db, a, c.ID, itemID)
	out.RealName = &name
	return out, nil
}

// auditDeskRead records that a staff member read a child's real name on a cry for help: once per
// item and staff member, not on every poll of the desk. It is best-effort: on a full disk the
// read goes on (the failed write marks the store unavailable, and that is logged once), since
// an adult must still see who needs help.
func (s *Store) auditDeskRead(db *gorm.DB, a *Actor, childID, itemID string) {
	detail := "safeguarding " + itemID
	var n int64
	err := db.Model(&AuditEvent{}).Where("subject_id = ? AND actor_id = ? AND action = ? AND detail = ?",
		childID, a.ID, "child.read", detail).Limit(1).Count(&n).Error
	if err != nil || n > 0 {
		return
	}
	_ = s.audit(db, a, "child.read", "child", childID, detail)
}

// EscalateSafeguarding tells the committee staff whose region holds the body of each cry for help
// that no one has acted on within SafeguardingEscalateAfter, once per item, even with several
// instances running it. It returns how many items it escalated. serve runs it every few minutes.
func (s *Store) EscalateSafeguarding(ctx context.Context) (int, error) {
	now := s.Now()
	var items []ModerationItem
	err := s.db.WithContext(ctx).Where("status = ? AND safeguarding = ? AND escalated_at IS NULL AND created_at <= ?",
		ItemPending, true, now.Add(-SafeguardingEscalateAfter)).Order("id").Limit(500).Find(&items).Error
	if err != nil {
		return 0, fmt.Errorf("find unanswered cries for help: %w", err)
	}
	n := 0
	for i := range items {
		item := &items[i]
		escalated := false
		err := s.tx(ctx, func(tx *gorm.DB) (err error) {
			escalated, err = s.escalate(tx, item)
			return err
		})
		if err != nil {
			return n, fmt.Errorf("escalate: %w", err)
		}
		if escalated {
			n++
		}
	}
	return n, nil
}
