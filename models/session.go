package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Session lifetimes: a child's tablet session is short, a staff working day long.
const (
	ChildSessionTTL = 30 * time.Minute
	StaffSessionTTL = 8 * time.Hour
)

// Session is one signed-in token, by its JWT ID; revoking it signs the token out everywhere.
type Session struct {
	JTI       string `gorm:"column:jti;primaryKey"`
	UserID    string
	Role      string
	ExpiresAt time.Time
	RevokedAt *time.Time
	CreatedAt time.Time
}

// StartSession records a new session for the actor and returns its ID and expiry.
func (s *Store) StartSession(ctx context.Context, a *Actor) (jti string, expires time.Time, err error) {
	now := s.Now()
	ttl := StaffSessionTTL
	if a.Role == RoleChild {
		ttl = ChildSessionTTL
	}
	sess := &Session{JTI: NewID(now), UserID: a.ID, Role: string(a.Role), ExpiresAt: now.Add(ttl), CreatedAt: now}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		// Expired sessions have no more use; keep the table small.
		if err := tx.Where("user_id = ? AND expires_at < ?", a.ID, now).Delete(&Session{}).Error; err != nil {
			return err
		}
		return tx.Create(sess).Error
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("start session: %w", err)
	}
	return sess.JTI, sess.ExpiresAt.Truncate(time.Second), nil
}

// EndSession revokes a session at once, for every instance sharing the database.
func (s *Store) EndSession(ctx context.Context, jti string) error {
	err := s.db.WithContext(ctx).Model(&Session{}).Where("jti = ? AND revoked_at IS NULL", jti).Update("revoked_at", s.Now()).Error
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// SessionActor returns the actor of a live session: it must exist, belong to userID, be neither
// expired nor revoked, and its user must still exist. Returns unauthenticated otherwise.
func (s *Store) SessionActor(ctx context.Context, jti, userID string) (*Actor, error) {
	var sess Session
	err := s.db.WithContext(ctx).Where("jti = ?", jti).Take(&sess).Error
	if err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrUnauthenticated
		}
		return nil, fmt.Errorf("read session: %w", err)
	}
	if sess.UserID != userID || sess.RevokedAt != nil || !sess.ExpiresAt.After(s.Now()) {
		return nil, ErrUnauthenticated
	}
	var a *Actor
	if sess.Role == string(RoleChild) {
		var c Child
		if err = s.db.WithContext(ctx).Where("id = ?", userID).Take(&c).Error; err == nil {
			a, err = s.childActor(ctx, &c)
		}
	} else {
		var st Staff
		if err = s.db.WithContext(ctx).Where("id = ?", userID).Take(&st).Error; err == nil {
			a, err = s.staffActor(ctx, &st)
		}
	}
	if err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrUnauthenticated // the user was deleted
		}
		return nil, fmt.Errorf("load session user: %w", err)
	}
	a.SessionID = jti
	return a, nil
}

func (s *Store) staffActor(ctx context.Context, st *Staff) (*Actor, error) {
	a := &Actor{ID: st.ID, Role: Role(st.Role), DisplayName: st.Username, Locale: st.Locale}
	switch a.Role {
	case RoleCommittee:
		if st.RegionID == nil {
			return nil, fmt.Errorf("committee account %s has no region", st.ID)
		}
		var r Region
		if err := s.db.WithContext(ctx).Where("id = ?", *st.RegionID).Take(&r).Error; err != nil {
			return nil, fmt.Errorf("read staff region: %w", err)
		}
		a.RegionID, a.RegionPath = r.ID, r.Path
	case RoleFacilitator:
		if err := s.db.WithContext(ctx).Model(&StaffBody{}).Where("staff_id = ?", st.ID).
			Order("body_id").Pluck("body_id", &a.BodyIDs).Error; err != nil {
			return nil, fmt.Errorf("read staff bodies: %w", err)
		}
	}
	return a, nil
}

func (s *Store) childActor(ctx context.Context, c *Child) (*Actor, error) {
	a := &Actor{ID: c.ID, Role: RoleChild, DisplayName: c.Nickname, Locale: c.Locale,
		ConsentStatus: c.ConsentStatus, Assent: c.Assent}
	var rows []struct {
		BodyID, Kind, Path string
	}
	err := s.db.WithContext(ctx).Table("memberships").
		Select("memberships.body_id, bodies.kind, regions.path").
		Joins("JOIN bodies ON bodies.id = memberships.body_id").
		Joins("JOIN regions ON regions.id = bodies.region_id").
		Where("memberships.child_id = ?", c.ID).Order("memberships.body_id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read memberships: %w", err)
	}
	for _, r := range rows {
		a.BodyIDs = append(a.BodyIDs, r.BodyID)
		if r.Kind == BodyObserverGroup {
			a.ObserverPaths = append(a.ObserverPaths, r.Path)
		}
	}
	return a, nil
}

// Me is what a signed-in user learns about themselves.
type Me struct {
	ID            string           `json:"id"`
	Role          Role             `json:"role"`
	DisplayName   string           `json:"display_name"`
	Locale        string           `json:"locale"`
	Memberships   []MembershipView `json:"memberships"`
	ConsentStatus string           `json:"consent_status,omitempty"`
	Assent        string           `json:"assent,omitempty"`
}

// Me describes the actor: a child's bodies, or the bodies a facilitator runs.
func (s *Store) Me(ctx context.Context, a *Actor) (*Me, error) {
	me := &Me{ID: a.ID, Role: a.Role, DisplayName: a.DisplayName, Locale: a.Locale, Memberships: []MembershipView{}}
	if a.Role == RoleChild {
		me.ConsentStatus, me.Assent = a.ConsentStatus, a.Assent
	}
	if len(a.BodyIDs) > 0 {
		err := s.db.WithContext(ctx).Model(&Body{}).Select("id AS body_id, name AS body_name, kind").
			Where("id IN ?", a.BodyIDs).Order("id").Scan(&me.Memberships).Error
		if err != nil {
			return nil, fmt.Errorf("read bodies: %w", err)
		}
	}
	return me, nil
}

// SetLocale stores the language a user's notifications are written in.
func (s *Store) SetLocale(ctx context.Context, a *Actor, locale string) error {
	model := any(&Staff{})
	if a.Role == RoleChild {
		model = &Child{}
	}
	if err := s.db.WithContext(ctx).Model(model).Where("id = ?", a.ID).Update("locale", locale).Error; err != nil {
		return fmt.Errorf("set locale: %w", err)
	}
	a.Locale = locale
	return nil
}
