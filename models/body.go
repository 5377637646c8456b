package models

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Body kinds and moderation modes.
const (
	BodyCouncil       = "council"
	BodyObserverGroup = "observer_group"
	ModerationPost    = "post"
	ModerationPre     = "pre"
)

// DefaultResponseDays is a body's response deadline when none is given.
const DefaultResponseDays = 30

// joinCodeAlphabet leaves out 0/O and 1/I so codes read aloud and type without mistakes.
const joinCodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// Body is a children's council or observer group.
type Body struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	Kind           string    `json:"kind"`
	RegionID       string    `json:"region_id"`
	Venue          string    `json:"venue"`
	TermLabel      string    `json:"term_label"`
	TermEndsOn     string    `json:"term_ends_on"`
	ResponseDays   int       `json:"response_days"`
	ModerationMode string    `json:"moderation_mode"`
	JoinCode       string    `json:"join_code,omitempty"` // staff only; see ForActor
	CreatedAt      time.Time `json:"created_at"`
}

// TableName keeps the plural the schema uses.
func (Body) TableName() string { return "bodies" }

// ForActor returns the body as the actor may see it: children do not see the join code.
func (b Body) ForActor(a *Actor) Body {
	if !a.IsStaff() {
		b.JoinCode = ""
	}
	return b
}

// BodyInput is what a client sends to create a body. ResponseDays nil means the default.
type BodyInput struct {
	Name, Kind, RegionID, Venue, TermLabel, TermEndsOn, ModerationMode string
	ResponseDays                                                       *int
}

// BodyFilter narrows ListBodies; RegionID includes the region's sub-regions.
type BodyFilter struct {
	Kind     string
	RegionID string
}

// NormaliseJoinCode makes a typed join code comparable: upper case, no spaces or dashes.
func NormaliseJoinCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(code)))
}

func newJoinCode() string {
	var b [6]byte
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(joinCodeAlphabet))))
		if err != nil {
			panic(err)
		}
		b[i] = joinCodeAlphabet[n.Int64()]
	}
	return string(b[:])
}

func validBodyKind(k string) bool { return k == BodyCouncil || k == BodyObserverGroup }

// CreateBody creates a body with a fresh join code. Returns forbidden for roles that may not,
// not_found for a region out of scope, bad_request for unknown kinds or modes, and
// validation_failed for field errors.
func (s *Store) CreateBody(ctx context.Context, a *Actor, in BodyInput) (*Body, error) {
	if err := a.Require(CreateBodies); err != nil {
		return nil, err
	}
	if in.Kind != "" && !validBodyKind(in.Kind) {
		return nil, BadField("kind", "field.unknown_value")
	}
	if in.ModerationMode == "" {
		in.ModerationMode = ModerationPost
	}
	if in.ModerationMode != ModerationPost && in.ModerationMode != ModerationPre {
		return nil, BadField("moderation_mode", "field.unknown_value")
	}
	var v Invalid
	b := &Body{
		ID: NewID(s.Now()), Name: clean(in.Name), Kind: in.Kind, Venue: clean(in.Venue),
		TermLabel: clean(in.TermLabel), TermEndsOn: strings.TrimSpace(in.TermEndsOn),
		ResponseDays: DefaultResponseDays, ModerationMode: in.ModerationMode, CreatedAt: s.Now(),
	}
	v.length("name", b.Name, 2, 60)
	if b.Kind == "" {
		v.Add("kind", "field.required", nil)
	}
	v.length("venue", b.Venue, 0, 60)
	v.length("term_label", b.TermLabel, 0, 40)
	if b.TermEndsOn != "" && !validDate(b.TermEndsOn) {
		v.Add("term_ends_on", "field.bad_date", nil)
	}
	if in.ResponseDays != nil {
		b.ResponseDays = *in.ResponseDays
		if b.ResponseDays < 0 || b.ResponseDays > 365 {
			v.Add("response_days", "field.out_of_range", map[string]any{"Min": 0, "Max": 365})
		}
	}
	if in.RegionID == "" {
		v.Add("region_id", "field.required", nil)
	} else {
		region, err := s.Region(ctx, a, in.RegionID)
		if err != nil {
			return nil, err
		}
		b.RegionID = region.ID
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	for range 5 { // a clash among 32^6 codes is rare; try again rather than fail
		b.JoinCode = newJoinCode()
		err := s.db.WithContext(ctx).Create(b).Error
		if err == nil {
			return b, nil
		}
		if !isDuplicate(err) {
			return nil, fmt.Errorf("store body: %w", err)
		}
	}
	return nil, fmt.Errorf("store body: no free join code")
}

// Body returns one body in the actor's scope, or not_found.
func (s *Store) Body(ctx context.Context, a *Actor, id string) (*Body, error) {
	if !ValidID(id) {
		return nil, ErrNotFound
	}
	var b Body
	err := scopeBodies(s.db.WithContext(ctx).Model(&Body{}), a).Where("bodies.id = ?", id).Take(&b).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &b, nil
}

// ListBodies lists the bodies the actor may see. Returns bad_request for an unknown kind and
// not_found for a region filter out of scope.
func (s *Store) ListBodies(ctx context.Context, a *Actor, f BodyFilter, p Page) ([]Body, string, error) {
	if err := a.Require(ReadBodies); err != nil {
		return nil, "", err
	}
	if f.Kind != "" && !validBodyKind(f.Kind) {
		return nil, "", BadField("kind", "field.unknown_value")
	}
	q := scopeBodies(s.db.WithContext(ctx).Model(&Body{}), a)
	if f.Kind != "" {
		q = q.Where("bodies.kind = ?", f.Kind)
	}
	if f.RegionID != "" {
		path, err := s.regionPath(ctx, f.RegionID)
		if err != nil {
			return nil, "", err
		}
		q = q.Where("bodies.region_id IN (SELECT id FROM regions WHERE path LIKE ?)", path+"%")
	}
	rows, next, err := pageOf(q, p, "bodies.id", false, func(b Body) string { return b.ID })
	if err != nil {
		return nil, "", fmt.Errorf("list bodies: %w", err)
	}
	for i := range rows {
		rows[i] = rows[i].ForActor(a)
	}
	return rows, next, nil
}

// SetJoinCode gives a body a chosen join code (demo data, a code printed on posters).
// Returns validation_failed unless code is 6 characters of the join-code alphabet, conflict
// when another body has it.
func (s *Store) SetJoinCode(ctx context.Context, a *Actor, bodyID, code string) error {
	b, err := s.Body(ctx, a, bodyID)
	if err != nil {
		return err
	}
	if err := a.Require(CreateBodies); err != nil {
		return err
	}
	code = NormaliseJoinCode(code)
	if len(code) != 6 || strings.Trim(code, joinCodeAlphabet) != "" {
		var v Invalid
		v.Add("join_code", "field.join_code", nil)
		return v.Err()
	}
	err = s.db.WithContext(ctx).Model(&Body{}).Where("id = ?", b.ID).Update("join_code", code).Error
	if isDuplicate(err) {
		return Errorf(CodeConflict)
	}
	return wrap("set join code", err)
}
