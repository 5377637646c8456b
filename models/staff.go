package models

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Staff is a staff account.
type Staff struct {
	ID           string
	Username     string
	PasswordHash string
	Role         string
	RegionID     *string
	Locale       string
	CreatedAt    time.Time
}

// TableName keeps the schema's name.
func (Staff) TableName() string { return "staff" }

// StaffBody links a facilitator to a body they run.
type StaffBody struct {
	StaffID string `gorm:"primaryKey"`
	BodyID  string `gorm:"primaryKey"`
}

// StaffAccount is a staff account as the admin sees it.
type StaffAccount struct {
	ID        string    `json:"id"`
	Username  string    `json:"username"`
	Role      string    `json:"role"`
	RegionID  *string   `json:"region_id"`
	BodyIDs   []string  `json:"body_ids"`
	CreatedAt time.Time `json:"created_at"`
}

// StaffInput creates a staff account.
type StaffInput struct {
	Username, Password, Role, RegionID string
	BodyIDs                            []string
}

// Password lengths for staff accounts.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 128
)

// CreateStaff creates a staff account: committee staff need a region, facilitators at least one
// body. Returns forbidden unless admin, bad_request for an unknown role, conflict for a taken
// username, validation_failed otherwise.
func (s *Store) CreateStaff(ctx context.Context, a *Actor, in StaffInput) (*StaffAccount, error) {
	if err := a.Require(ManageStaff); err != nil {
		return nil, err
	}
	role, ok := ParseRole(in.Role)
	if in.Role != "" && (!ok || role == RoleChild) {
		return nil, BadField("role", "field.unknown_value")
	}
	var v Invalid
	username := strings.ToLower(strings.TrimSpace(in.Username))
	if !usernamePattern.MatchString(username) {
		v.Add("username", "field.username", nil)
	}
	if n := utf8.RuneCountInString(in.Password); n < MinPasswordLength || n > MaxPasswordLength {
		v.Add("password", "field.password", map[string]any{"Min": MinPasswordLength, "Max": MaxPasswordLength})
	}
	if in.Role == "" {
		v.Add("role", "field.required", nil)
	}
	acct := &StaffAccount{ID: NewID(s.Now()), Username: username, Role: string(role), BodyIDs: []string{}, CreatedAt: s.Now()}
	switch role {
	case RoleCommittee:
		if in.RegionID == "" {
			v.Add("region_id", "field.required", nil)
		} else if _, err := s.Region(ctx, a, in.RegionID); err != nil {
			v.Add("region_id", "field.unknown_reference", nil)
		} else {
			acct.RegionID = &in.RegionID
		}
	case RoleFacilitator:
		if len(in.BodyIDs) == 0 {
			v.Add("body_ids", "field.required", nil)
		}
		seen := map[string]bool{}
		for _, id := range in.BodyIDs {
			if _, err := s.Body(ctx, a, id); err != nil {
				v.Add("body_ids", "field.unknown_reference", nil)
			} else if !seen[id] {
				seen[id] = true
				acct.BodyIDs = append(acct.BodyIDs, id)
			}
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	row := &Staff{ID: acct.ID, Username: username, PasswordHash: s.hasher.hash(in.Password), Role: acct.Role, RegionID: acct.RegionID, CreatedAt: acct.CreatedAt}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(row).Error; err != nil {
			if isDuplicate(err) {
				return &Error{Code: CodeConflict, Key: "error.username_taken", Fields: map[string]FieldError{"username": {Key: "error.username_taken"}}}
			}
			return err
		}
		for _, b := range acct.BodyIDs {
			if err := tx.Create(&StaffBody{StaffID: row.ID, BodyID: b}).Error; err != nil {
				return err
			}
		}
		return s.audit(tx, a, "staff.create", "staff", row.ID, acct.Role)
	})
	if err != nil {
		return nil, wrap("create staff", err)
	}
	return acct, nil
}

// ListStaff lists staff accounts for the admin.
func (s *Store) ListStaff(ctx context.Context, a *Actor, p Page) ([]StaffAccount, string, error) {
	if err := a.Require(ManageStaff); err != nil {
		return nil, "", err
	}
	rows, next, err := pageOf(s.db.WithContext(ctx).Model(&Staff{}), p, "id", false, func(r Staff) string { return r.ID })
	if err != nil {
		return nil, "", fmt.Errorf("list staff: %w", err)
	}
	out := make([]StaffAccount, len(rows))
	ids := make([]string, len(rows))
	for i, r := range rows {
		out[i] = StaffAccount{ID: r.ID, Username: r.Username, Role: r.Role, RegionID: r.RegionID, BodyIDs: []string{}, CreatedAt: r.CreatedAt}
		ids[i] = r.ID
	}
	var links []StaffBody
	if err := s.db.WithContext(ctx).Where("staff_id IN ?", ids).Order("body_id").Find(&links).Error; err != nil {
		return nil, "", fmt.Errorf("list staff bodies: %w", err)
	}
	for _, l := range links {
		for i := range out {
			if out[i].ID == l.StaffID {
				out[i].BodyIDs = append(out[i].BodyIDs, l.BodyID)
			}
		}
	}
	return out, next, nil
}

// DeleteStaff removes a staff account; its sessions stop working on the next request.
// Returns forbidden unless admin, not_found for an unknown account, conflict for oneself.
func (s *Store) DeleteStaff(ctx context.Context, a *Actor, id string) error {
	if err := a.Require(ManageStaff); err != nil {
		return err
	}
	if !ValidID(id) {
		return ErrNotFound
	}
	if id == a.ID {
		return Errorf(CodeConflict, "error.delete_self")
	}
	return wrap("delete staff", s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Where("id = ?", id).Delete(&Staff{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		if err := tx.Where("user_id = ?", id).Delete(&Session{}).Error; err != nil {
			return err
		}
		return s.audit(tx, a, "staff.delete", "staff", id, "")
	}))
}
