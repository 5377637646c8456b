package models

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"
)

// Consent statuses of a child, and the child's own assent.
const (
	ConsentPending   = "pending"
	ConsentActive    = "active"
	ConsentRefused   = "refused"
	ConsentWithdrawn = "withdrawn"

	AssentRequired = "required"
	AssentGiven    = "given"
	AssentDeclined = "declined"
)

// Child is a child's account. Real name is sealed; the rest is the minimum DESIGN.md allows.
type Child struct {
	ID            string
	Nickname      string
	LoginName     string
	PINHash       string `gorm:"column:pin_hash"`
	BirthYear     int
	BirthMonth    int
	Sex           string // female, male or empty: counted in split statistics, never shown to children or the public
	RealName      string // sealed
	ConsentStatus string
	Assent        string
	ShowPublicly  bool // the guardian allowed nickname and age in public views
	Locale        string
	CreatedAt     time.Time
}

// TableName keeps the plural the schema uses.
func (Child) TableName() string { return "children" }

// Membership places a child in a body under a login name unique within that body.
type Membership struct {
	ID        string
	BodyID    string
	ChildID   string
	LoginName string
	CreatedAt time.Time
}

// Guardian is who answers for a child; name, relation and contact are sealed.
type Guardian struct {
	ID        string
	ChildID   string
	Name      string
	Relation  string // sealed
	Contact   string // sealed
	CreatedAt time.Time
}

// Member is a child as a list of a body's members shows it to staff.
type Member struct {
	ID            string `json:"id"`
	Nickname      string `json:"nickname"`
	LoginName     string `json:"login_name"`
	Age           int    `json:"age"`
	ConsentStatus string `json:"consent_status"`
	Assent        string `json:"assent"`
	// The live consent link (unanswered, unexpired): when it was issued and when it expires;
	// null when the child has none.
	LinkIssuedAt  *time.Time `json:"link_issued_at"`
	LinkExpiresAt *time.Time `json:"link_expires_at"`
	// LockedUntil is set while the child cannot sign in after too many wrong PINs; a PIN reset
	// lifts it.
	LockedUntil *time.Time `json:"locked_until"`
	Sex         string     `json:"sex,omitempty"` // staff only, for split statistics
}

// GuardianInput is the guardian part of a new member.
type GuardianInput struct {
	Name, Relation, Contact string
}

// MemberInput adds a member: either ChildID (an existing child) or a new child's fields.
type MemberInput struct {
	ChildID               string
	Nickname, LoginName   string
	PIN                   string
	BirthYear, BirthMonth int
	Sex                   string // optional: female or male
	RealName              string
	Guardian              GuardianInput
}

// NewMember is what adding a member answers: the child, and a consent link for a new child.
type NewMember struct {
	Child   MemberChild  `json:"child"`
	Consent *ConsentLink `json:"consent,omitempty"`
}

// MemberChild is the short form of a child in replies to staff.
type MemberChild struct {
	ID            string `json:"id"`
	Nickname      string `json:"nickname"`
	ConsentStatus string `json:"consent_status"`
}

// Age is a child's age in whole years on the given local date.
func Age(birthYear, birthMonth int, today time.Time) int {
	if birthYear == 0 {
		return 0 // removed on withdrawal or purge
	}
	age := today.Year() - birthYear
	if int(today.Month()) < birthMonth {
		age--
	}
	return age
}

// Children are about 6–17; a little room either side for early and late members.
const (
	MinChildAge = 4
	MaxChildAge = 18
)

// AddMember adds a child to a body. With ChildID it adds an existing child the actor can see
// (conflict if its login name is taken in the body); otherwise it creates the child with a
// hashed PIN, a sealed real name and guardian, and a pending consent link.
// Returns not_found (body or child out of scope), forbidden, conflict, validation_failed.
func (s *Store) AddMember(ctx context.Context, a *Actor, bodyID string, in MemberInput) (*NewMember, error) {
	body, err := s.Body(ctx, a, bodyID)
	if err != nil {
		return nil, err
	}
	if err := a.Require(ManageMembers); err != nil {
		return nil, err
	}
	if in.ChildID != "" {
		return s.addExistingMember(ctx, a, body, in.ChildID)
	}
	if in.Sex != "" && !slices.Contains(Sexes, in.Sex) {
		return nil, BadField("sex", "field.unknown_value")
	}
	now := s.Now()
	child := &Child{
		ID: NewID(now), Nickname: clean(in.Nickname), LoginName: clean(in.LoginName),
		BirthYear: in.BirthYear, BirthMonth: in.BirthMonth, Sex: in.Sex,
		ConsentStatus: ConsentPending, Assent: AssentRequired, CreatedAt: now,
	}
	var v Invalid
	v.length("nickname", child.Nickname, 1, 12)
	if !loginNamePattern.MatchString(child.LoginName) {
		v.Add("login_name", "field.login_name", nil)
	}
	if !pinPattern.MatchString(in.PIN) {
		v.Add("pin", "field.pin", nil)
	}
	if in.BirthMonth < 1 || in.BirthMonth > 12 {
		v.Add("birth_month", "field.out_of_range", map[string]any{"Min": 1, "Max": 12})
	}
	if age := Age(in.BirthYear, in.BirthMonth, now.In(s.loc)); age < MinChildAge || age > MaxChildAge {
		v.Add("birth_year", "field.child_age", map[string]any{"Min": MinChildAge, "Max": MaxChildAge})
	}
	realName := clean(in.RealName)
	v.length("real_name", realName, 0, 40)
	g := GuardianInput{Name: clean(in.Guardian.Name), Relation: clean(in.Guardian.Relation), Contact: clean(in.Guardian.Contact)}
	v.length("guardian.name", g.Name, 0, 40)
	v.length("guardian.relation", g.Relation, 0, 100)
	v.length("guardian.contact", g.Contact, 0, 100)
	if err := v.Err(); err != nil {
		return nil, err
	}
	child.PINHash = s.hasher.hash(in.PIN)
	child.RealName = s.sealer.seal(realName)

	var link *ConsentLink
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(child).Error; err != nil {
			return err
		}
		m := &Membership{ID: NewID(now), BodyID: body.ID, ChildID: child.ID, LoginName: child.LoginName, CreatedAt: now}
		if err := tx.Create(m).Error; err != nil {
			if isDuplicate(err) {
				return &Error{Code: CodeConflict, Key: "error.login_name_taken", Fields: map[string]FieldError{"login_name": {Key: "error.login_name_taken"}}}
			}
			return err
		}
		if g != (GuardianInput{}) {
			if err := tx.Create(&Guardian{
				ID: NewID(now), ChildID: child.ID, Name: s.sealer.seal(g.Name), Relation: s.sealer.seal(g.Relation),
				Contact: s.sealer.seal(g.Contact), CreatedAt: now,
			}).Error; err != nil {
				return err
			}
		}
		var err error
		link, err = s.newConsentLink(tx, child.ID)
		if err != nil {
			return err
		}
		return s.audit(tx, a, "member.add", "child", child.ID, body.ID)
	})
	if err != nil {
		return nil, wrap("add member", err)
	}
	return &NewMember{Child: MemberChild{ID: child.ID, Nickname: child.Nickname, ConsentStatus: child.ConsentStatus}, Consent: link}, nil
}

func (s *Store) addExistingMember(ctx context.Context, a *Actor, body *Body, childID string) (*NewMember, error) {
	child, err := s.child(ctx, a, childID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	err = s.tx(ctx, func(tx *gorm.DB) error {
		m := &Membership{ID: NewID(now), BodyID: body.ID, ChildID: child.ID, LoginName: child.LoginName, CreatedAt: now}
		if err := tx.Create(m).Error; err != nil {
			if isDuplicate(err) {
				return Errorf(CodeConflict, "error.login_name_taken")
			}
			return err
		}
		return s.audit(tx, a, "member.add", "child", child.ID, body.ID)
	})
	if err != nil {
		return nil, wrap("add member", err)
	}
	return &NewMember{Child: MemberChild{ID: child.ID, Nickname: child.Nickname, ConsentStatus: child.ConsentStatus}}, nil
}

// child loads a child the actor may see, or not_found.
func (s *Store) child(ctx context.Context, a *Actor, id string) (*Child, error) {
	if !ValidID(id) {
		return nil, ErrNotFound
	}
	var c Child
	q := scopeChildren(s.db.WithContext(ctx), s.db.WithContext(ctx).Model(&Child{}), a)
	if err := q.Where("children.id = ?", id).Take(&c).Error; err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// ListMembers lists a body's children with their consent status; each read is audited.
func (s *Store) ListMembers(ctx context.Context, a *Actor, bodyID string, p Page) ([]Member, string, error) {
	body, err := s.Body(ctx, a, bodyID)
	if err != nil {
		return nil, "", err
	}
	if err := a.Require(ManageMembers); err != nil {
		return nil, "", err
	}
	type row struct {
		MembershipID string
		Child
	}
	q := s.db.WithContext(ctx).Table("memberships").
		Select("memberships.id AS membership_id, children.*").
		Joins("JOIN children ON children.id = memberships.child_id").
		Where("memberships.body_id = ?", body.ID)
	rows, next, err := pageOf(q, p, "memberships.id", false, func(r row) string { return r.MembershipID })
	if err != nil {
		return nil, "", fmt.Errorf("list members: %w", err)
	}
	now := s.Now()
	today := now.In(s.loc)
	out := make([]Member, len(rows))
	ids := make([]string, len(rows))
	accounts := make([]string, len(rows))
	index := map[string]int{}
	for i, r := range rows {
		out[i] = Member{ID: r.Child.ID, Nickname: r.Nickname, LoginName: r.LoginName,
			Age: Age(r.BirthYear, r.BirthMonth, today), ConsentStatus: r.ConsentStatus, Assent: r.Assent, Sex: r.Sex}
		ids[i], accounts[i] = r.Child.ID, childAccount(r.Child.ID)
		index[r.Child.ID], index[accounts[i]] = i, i
	}
	db := s.db.WithContext(ctx)
	var links []Consent
	if err := liveLinks(db, now).Where("child_id IN ?", nonEmpty(ids)).Find(&links).Error; err != nil {
		return nil, "", fmt.Errorf("read consent links: %w", err)
	}
	for _, l := range links {
		m := &out[index[l.ChildID]]
		m.LinkIssuedAt, m.LinkExpiresAt = &l.CreatedAt, l.ExpiresAt
	}
	var locks []accountLock
	if err := db.Where("account IN ? AND locked_until > ?", nonEmpty(accounts), now).Find(&locks).Error; err != nil {
		return nil, "", fmt.Errorf("read sign-in locks: %w", err)
	}
	for _, l := range locks {
		out[index[l.Account]].LockedUntil = l.LockedUntil
	}
	if err := s.audit(s.db.WithContext(ctx), a, "members.read", "body", body.ID, ""); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// ChildDetails is a child's record as staff see it. RealName and Guardians are filled only for
// the facilitators of the child's bodies.
type ChildDetails struct {
	ID            string            `json:"id"`
	Nickname      string            `json:"nickname"`
	Age           int               `json:"age"`
	BirthYear     int               `json:"birth_year"`
	BirthMonth    int               `json:"birth_month"`
	Sex           string            `json:"sex,omitempty"`
	ConsentStatus string            `json:"consent_status"`
	Assent        string            `json:"assent"`
	Memberships   []MembershipView  `json:"memberships"`
	RealName      *string           `json:"real_name,omitempty"`
	Guardians     []GuardianDetails `json:"guardians,omitempty"`
}

// MembershipView is one body a child belongs to.
type MembershipView struct {
	BodyID    string `json:"body_id"`
	BodyName  string `json:"body_name"`
	Kind      string `json:"kind"`
	LoginName string `json:"login_name,omitempty"`
}

// GuardianDetails is a guardian as the child's facilitators see them.
type GuardianDetails struct {
	Name     string `json:"name"`
	Relation string `json:"relation"`
	Contact  string `json:"contact"`
}

// ChildDetails returns a child's record to staff who can see the child, and audits the read.
// Returns not_found out of scope and forbidden for children.
func (s *Store) ChildDetails(ctx context.Context, a *Actor, id string) (*ChildDetails, error) {
	if err := a.Require(ManageMembers); err != nil {
		if a.Role == RoleChild {
			return nil, ErrNotFound // a child's record is never another child's business
		}
		return nil, err
	}
	c, err := s.child(ctx, a, id)
	if err != nil {
		return nil, err
	}
	d := &ChildDetails{
		ID: c.ID, Nickname: c.Nickname, Age: Age(c.BirthYear, c.BirthMonth, s.Now().In(s.loc)),
		BirthYear: c.BirthYear, BirthMonth: c.BirthMonth, Sex: c.Sex, ConsentStatus: c.ConsentStatus, Assent: c.Assent,
	}
	if d.Memberships, err = s.memberships(ctx, c.ID, true); err != nil {
		return nil, err
	}
	if a.Role == RoleFacilitator {
		name := s.sealer.open(c.RealName)
		d.RealName = &name
		var gs []Guardian
		if err := s.db.WithContext(ctx).Where("child_id = ?", c.ID).Order("id").Find(&gs).Error; err != nil {
			return nil, fmt.Errorf("read guardians: %w", err)
		}
		for _, g := range gs {
			d.Guardians = append(d.Guardians, GuardianDetails{Name: s.sealer.open(g.Name), Relation: s.sealer.open(g.Relation), Contact: s.sealer.open(g.Contact)})
		}
	}
	if err := s.audit(s.db.WithContext(ctx), a, "child.read", "child", c.ID, ""); err != nil {
		return nil, err
	}
	return d, nil
}

// memberships lists the bodies a child belongs to.
func (s *Store) memberships(ctx context.Context, childID string, withLogin bool) ([]MembershipView, error) {
	var out []MembershipView
	err := s.db.WithContext(ctx).Table("memberships").
		Select("bodies.id AS body_id, bodies.name AS body_name, bodies.kind AS kind, memberships.login_name AS login_name").
		Joins("JOIN bodies ON bodies.id = memberships.body_id").
		Where("memberships.child_id = ?", childID).Order("memberships.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("read memberships: %w", err)
	}
	if !withLogin {
		for i := range out {
			out[i].LoginName = ""
		}
	}
	if out == nil {
		out = []MembershipView{}
	}
	return out, nil
}

// SetPIN gives a child a new PIN chosen by staff and lifts any sign-in lock on the child.
// Returns not_found out of scope, forbidden for roles that may not, validation_failed.
func (s *Store) SetPIN(ctx context.Context, a *Actor, childID, pin string) error {
	c, err := s.managedChild(ctx, a, childID)
	if err != nil {
		return err
	}
	if !pinPattern.MatchString(pin) {
		var v Invalid
		v.Add("pin", "field.pin", nil)
		return v.Err()
	}
	hash := s.hasher.hash(pin)
	return wrap("set pin", s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&Child{}).Where("id = ?", c.ID).Update("pin_hash", hash).Error; err != nil {
			return err
		}
		if err := tx.Where("account = ?", childAccount(c.ID)).Delete(&accountLock{}).Error; err != nil {
			return err
		}
		return s.audit(tx, a, "child.pin_reset", "child", c.ID, "")
	}))
}

// managedChild returns a child whose membership the actor manages: not_found out of scope and
// for children (a child's record is never another child's business), forbidden for other roles.
func (s *Store) managedChild(ctx context.Context, a *Actor, id string) (*Child, error) {
	if err := a.Require(ManageMembers); err != nil {
		if a.Role == RoleChild {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return s.child(ctx, a, id)
}
