package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
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

// sessionCacheTTL bounds how long an instance keeps a signed-in actor without reading it again,
// even when nothing it is made of has changed.
const sessionCacheTTL = time.Minute

// sessionCacheMax bounds the number of actors kept; past it the cache starts afresh.
const sessionCacheMax = 100_000

// sessionCache keeps the actors of live sessions, so that a request costs one read of the
// auth epoch instead of the session, the user and the memberships. Every change to what an actor
// is made of (a logout, a PIN reset, a withdrawal, a membership, a staff account's bodies) moves
// the epoch by trigger (migration 0008), in whichever instance it happens: an entry read under
// another epoch is never used.
type sessionCache struct {
	mu      sync.Mutex
	epoch   int64
	entries map[string]sessionEntry
}

type sessionEntry struct {
	actor    Actor
	userID   string
	expires  time.Time
	loadedAt time.Time
}

func (c *sessionCache) get(jti string, epoch int64) (sessionEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch {
		c.epoch, c.entries = epoch, nil
		return sessionEntry{}, false
	}
	e, ok := c.entries[jti]
	return e, ok
}

func (c *sessionCache) put(jti string, epoch int64, e sessionEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch {
		if epoch < c.epoch {
			return // read before a change this instance has seen already
		}
		c.epoch, c.entries = epoch, nil
	}
	if c.entries == nil || len(c.entries) >= sessionCacheMax {
		c.entries = map[string]sessionEntry{}
	}
	c.entries[jti] = e
}

// authEpoch reads the counter that every change to an actor's makings moves.
func (s *Store) authEpoch(ctx context.Context) (int64, error) {
	var v int64
	err := s.queryRow(ctx, nil, []any{&v}, "SELECT version FROM auth_epoch WHERE id = 1")
	return v, err
}

// copyActor gives each request an actor of its own: handlers may change theirs.
func copyActor(a *Actor) *Actor {
	c := *a
	c.BodyIDs = slices.Clone(a.BodyIDs)
	c.ObserverPaths = slices.Clone(a.ObserverPaths)
	return &c
}

// SessionActor returns the actor of a live session: it must exist, belong to userID, be neither
// expired nor revoked, and its user must still exist. Returns unauthenticated otherwise.
func (s *Store) SessionActor(ctx context.Context, jti, userID string) (*Actor, error) {
	now := s.Now()
	epoch, err := s.authEpoch(ctx)
	if err != nil {
		return nil, s.fault(fmt.Errorf("read auth epoch: %w", err))
	}
	if e, ok := s.sessions.get(jti, epoch); ok && e.userID == userID && e.expires.After(now) && now.Sub(e.loadedAt) < sessionCacheTTL {
		a := copyActor(&e.actor)
		a.epoch = epoch
		return a, nil
	}
	a, expires, err := s.loadSessionActor(ctx, jti, userID)
	if err != nil {
		return nil, err
	}
	s.sessions.put(jti, epoch, sessionEntry{actor: *copyActor(a), userID: userID, expires: expires, loadedAt: now})
	a.epoch = epoch
	return a, nil
}

// loadSessionActor reads a session and its actor from the database.
func (s *Store) loadSessionActor(ctx context.Context, jti, userID string) (*Actor, time.Time, error) {
	var sess Session
	err := s.db.WithContext(ctx).Where("jti = ?", jti).Take(&sess).Error
	if err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, time.Time{}, ErrUnauthenticated
		}
		return nil, time.Time{}, fmt.Errorf("read session: %w", err)
	}
	if sess.UserID != userID || sess.RevokedAt != nil || !sess.ExpiresAt.After(s.Now()) {
		return nil, time.Time{}, ErrUnauthenticated
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
			return nil, time.Time{}, ErrUnauthenticated // the user was deleted
		}
		return nil, time.Time{}, fmt.Errorf("load session user: %w", err)
	}
	a.SessionID = jti
	return a, sess.ExpiresAt, nil
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
