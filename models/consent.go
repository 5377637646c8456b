package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// CurrentNoticeVersion is the version of the privacy notice (儿童个人信息保护规则) this binary
// ships; its text is in the locale catalog under notice.*.
const CurrentNoticeVersion = 1

// ConsentLinkLifetime is how long an unanswered consent link stays valid.
const ConsentLinkLifetime = 14 * 24 * time.Hour

// Consent is one consent request or record for a child. Only the hash of a link's token is
// kept. A withdrawn or purged child keeps these rows, stripped of the guardian's name, as the
// record of the consent events.
type Consent struct {
	ID            string
	ChildID       string
	TokenHash     *string
	Status        string
	Method        string // "link" or "paper"
	NoticeVersion int
	GuardianName  string // sealed
	Relation      string // sealed
	ShowPublicly  bool
	Photos        bool
	Reference     string
	RecordedBy    string
	ExpiresAt     *time.Time
	DecidedAt     *time.Time
	WithdrawnAt   *time.Time
	CreatedAt     time.Time
}

// ConsentLink is a link a guardian opens to give or refuse consent.
type ConsentLink struct {
	Link      string    `json:"link"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Scopes are the optional things a guardian may allow; taking part is implied by consent.
type Scopes struct {
	ShowPublicly bool `json:"show_publicly"`
	Photos       bool `json:"photos"`
}

// newConsentLink replaces any unanswered link of the child with a fresh pending one.
func (s *Store) newConsentLink(tx *gorm.DB, childID string) (*ConsentLink, error) {
	now := s.Now()
	if err := tx.Where("child_id = ? AND status = ? AND method = ?", childID, ConsentPending, "link").
		Delete(&Consent{}).Error; err != nil {
		return nil, err
	}
	token, hash := NewToken()
	expires := now.Add(ConsentLinkLifetime)
	c := &Consent{
		ID: NewID(now), ChildID: childID, TokenHash: &hash, Status: ConsentPending, Method: "link",
		NoticeVersion: s.notice, ExpiresAt: &expires, CreatedAt: now,
	}
	if err := tx.Create(c).Error; err != nil {
		return nil, err
	}
	return &ConsentLink{Link: s.publicURL + "/consent/" + token, ExpiresAt: expires}, nil
}

// NoticeVersion is the privacy notice in force.
func (s *Store) NoticeVersion() int { return s.notice }

// applyNoticeVersion puts back to pending every active consent given under an older notice:
// the guardian confirms again, and until then the child's writes are refused.
func (s *Store) applyNoticeVersion(ctx context.Context) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var stale []string
		if err := tx.Model(&Consent{}).Where("status = ? AND notice_version < ?", ConsentActive, s.notice).
			Distinct().Pluck("child_id", &stale).Error; err != nil {
			return err
		}
		if len(stale) == 0 {
			return nil
		}
		return tx.Model(&Child{}).Where("id IN ? AND consent_status = ?", stale, ConsentActive).
			Update("consent_status", ConsentPending).Error
	})
}

// guardianActor stands for a guardian acting through a link, in the audit log.
func guardianActor(c *Consent) *Actor { return &Actor{ID: "guardian:" + c.ID, Role: "guardian"} }

// linkConsent finds the consent a guardian's link opens: pending and not expired, or granted
// (a granted link stays valid for viewing, repeated grants, export and withdrawal), or granted
// and then withdrawn (still valid for viewing and export, until purge). Unknown, expired,
// replaced and refused links are all not_found, without saying which;
// failures count against the address like failed sign-ins.
func (s *Store) linkConsent(ctx context.Context, token, address string) (*Consent, *Child, error) {
	if err := s.linkAttemptsAllowed(ctx, address); err != nil {
		return nil, nil, err
	}
	var c Consent
	err := s.db.WithContext(ctx).Where("token_hash = ? AND method = ?", HashToken(token), "link").Take(&c).Error
	ok := err == nil && (c.Status == ConsentActive || c.Status == ConsentWithdrawn ||
		c.Status == ConsentPending && c.ExpiresAt != nil && c.ExpiresAt.After(s.Now()))
	if !ok {
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil, fmt.Errorf("find consent: %w", err)
		}
		return nil, nil, s.linkFailed(ctx, address)
	}
	var child Child
	if err := s.db.WithContext(ctx).Where("id = ?", c.ChildID).Take(&child).Error; err != nil {
		return nil, nil, notFound(err)
	}
	return &c, &child, nil
}

func (s *Store) linkAttemptsAllowed(ctx context.Context, address string) error {
	var n int64
	now := s.Now()
	if err := s.db.WithContext(ctx).Model(&signInFailure{}).Where("address = ? AND at > ?", "link:"+address, now.Add(-AddressWindow)).
		Count(&n).Error; err != nil {
		return fmt.Errorf("count link failures: %w", err)
	}
	if n >= MaxAddressFailures {
		return &Error{Code: CodeTooManyRequests, RetryAfter: AddressWindow}
	}
	return nil
}

func (s *Store) linkFailed(ctx context.Context, address string) error {
	now := s.Now()
	if err := s.db.WithContext(ctx).Create(&signInFailure{ID: NewID(now), Address: "link:" + address, At: now}).Error; err != nil {
		return fmt.Errorf("record link failure: %w", err)
	}
	return ErrNotFound
}

// ConsentView is what a guardian's link shows: whose consent, and where it stands.
type ConsentView struct {
	Nickname      string `json:"nickname"`
	BodyName      string `json:"body_name"`
	Status        string `json:"status"`
	NoticeVersion int    `json:"notice_version"`
	Scopes        Scopes `json:"scopes"`
}

// ConsentByLink shows a guardian the consent their link opens. Returns not_found,
// too_many_requests.
func (s *Store) ConsentByLink(ctx context.Context, token, address string) (*ConsentView, error) {
	c, child, err := s.linkConsent(ctx, token, address)
	if err != nil {
		return nil, err
	}
	v := &ConsentView{Nickname: child.Nickname, Status: child.ConsentStatus, NoticeVersion: s.notice,
		Scopes: Scopes{ShowPublicly: c.ShowPublicly, Photos: c.Photos}}
	var names []string
	if err := s.db.WithContext(ctx).Table("memberships").Joins("JOIN bodies ON bodies.id = memberships.body_id").
		Where("memberships.child_id = ?", child.ID).Order("memberships.id").Pluck("bodies.name", &names).Error; err != nil {
		return nil, fmt.Errorf("read bodies: %w", err)
	}
	v.BodyName = strings.Join(names, "、")
	return v, nil
}

// ConsentDecision is a guardian's answer on the link.
type ConsentDecision struct {
	Decision     string // grant or deny
	GuardianName string
	Relation     string
	Scopes       Scopes
}

// DecideConsent records a guardian's grant or refusal. Granting again is idempotent (and
// may change the optional scopes); a refusal spends the link and needs no name (any given is
// not kept). Returns not_found,
// bad_request for an unknown decision, validation_failed, too_many_requests.
func (s *Store) DecideConsent(ctx context.Context, token, address string, in ConsentDecision) (string, error) {
	if in.Decision != "grant" && in.Decision != "deny" {
		if in.Decision == "" {
			var v Invalid
			v.Add("decision", "field.required", nil)
			return "", v.Err()
		}
		return "", BadField("decision", "field.unknown_value")
	}
	c, child, err := s.linkConsent(ctx, token, address)
	if err != nil {
		return "", err
	}
	var v Invalid
	in.GuardianName, in.Relation = clean(in.GuardianName), clean(in.Relation)
	// Who grants is recorded; a refusal asks for nothing, so nothing about the family is kept.
	need := 1
	if in.Decision == "deny" {
		need, in.GuardianName, in.Relation = 0, "", ""
	}
	v.length("guardian_name", in.GuardianName, need, 40)
	v.length("relation", in.Relation, need, 100)
	if err := v.Err(); err != nil {
		return "", err
	}
	if c.Status == ConsentWithdrawn {
		// Taking part again is a new consent, on a new link from staff.
		return "", Errorf(CodeConflict, "error.consent_withdrawn")
	}
	if in.Decision == "deny" && c.Status == ConsentActive {
		// Refusing after granting is a withdrawal, which has its own explained choice.
		return "", Errorf(CodeConflict, "error.use_withdraw")
	}
	now := s.Now()
	status := ConsentActive
	if in.Decision == "deny" {
		status = ConsentRefused
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		updates := map[string]any{"status": status, "guardian_name": s.sealer.seal(in.GuardianName), "relation": s.sealer.seal(in.Relation),
			"show_publicly": in.Scopes.ShowPublicly, "photos": in.Scopes.Photos, "decided_at": now, "notice_version": s.notice}
		if status == ConsentRefused {
			updates["token_hash"] = nil // a refused link is spent
		}
		if err := tx.Model(&Consent{}).Where("id = ?", c.ID).Updates(updates).Error; err != nil {
			return err
		}
		if err := tx.Model(&Child{}).Where("id = ?", child.ID).
			Updates(map[string]any{"consent_status": status, "show_publicly": status == ConsentActive && in.Scopes.ShowPublicly}).Error; err != nil {
			return err
		}
		return s.audit(tx, guardianActor(c), "consent."+in.Decision, "child", child.ID, fmt.Sprintf("notice v%d", s.notice))
	})
	if err != nil {
		return "", fmt.Errorf("record consent: %w", err)
	}
	return status, nil
}

// PaperConsent is a guardian's signed form, recorded by staff. Participation is implied.
type PaperConsent struct {
	GuardianName string
	Relation     string
	ShowPublicly bool
	Photos       bool
	Reference    string // the form's number, to find the paper again
}

// staffChild loads a child a staff member may manage: not_found for children and out of
// scope, forbidden for roles that may not.
func (s *Store) staffChild(ctx context.Context, a *Actor, childID string) (*Child, error) {
	if err := a.Require(ManageMembers); err != nil {
		if a.Role == RoleChild {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return s.child(ctx, a, childID)
}

// staffChildTakingPart is staffChild for consent actions, which a withdrawn child (whose
// account is closed) no longer takes: conflict.
func (s *Store) staffChildTakingPart(ctx context.Context, a *Actor, childID string) (*Child, error) {
	c, err := s.staffChild(ctx, a, childID)
	if err != nil {
		return nil, err
	}
	if c.ConsentStatus == ConsentWithdrawn {
		return nil, Errorf(CodeConflict, "error.child_withdrawn")
	}
	return c, nil
}

// RecordPaperConsent records a guardian's own paper consent for a child the actor can see and
// makes the child's consent active. Staff record a guardian's decision; they never give it.
// Returns not_found out of scope, forbidden for roles that may not, conflict for a withdrawn
// child, validation_failed.
func (s *Store) RecordPaperConsent(ctx context.Context, a *Actor, childID string, in PaperConsent) error {
	c, err := s.staffChildTakingPart(ctx, a, childID)
	if err != nil {
		return err
	}
	var v Invalid
	in.GuardianName, in.Relation, in.Reference = clean(in.GuardianName), clean(in.Relation), clean(in.Reference)
	v.length("guardian_name", in.GuardianName, 1, 40)
	v.length("relation", in.Relation, 1, 100)
	v.length("reference", in.Reference, 1, 100)
	if err := v.Err(); err != nil {
		return err
	}
	now := s.Now()
	return wrap("record paper consent", s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&Consent{
			ID: NewID(now), ChildID: c.ID, Status: ConsentActive, Method: "paper", NoticeVersion: s.notice,
			GuardianName: s.sealer.seal(in.GuardianName), Relation: s.sealer.seal(in.Relation), ShowPublicly: in.ShowPublicly,
			Photos: in.Photos, Reference: in.Reference, RecordedBy: a.ID, DecidedAt: &now, CreatedAt: now,
		}).Error; err != nil {
			return err
		}
		// The paper answers any link still waiting.
		if err := tx.Where("child_id = ? AND status = ? AND method = ?", c.ID, ConsentPending, "link").Delete(&Consent{}).Error; err != nil {
			return err
		}
		if err := tx.Model(&Child{}).Where("id = ?", c.ID).
			Updates(map[string]any{"consent_status": ConsentActive, "show_publicly": in.ShowPublicly}).Error; err != nil {
			return err
		}
		return s.audit(tx, a, "consent.paper", "child", c.ID, in.Reference)
	}))
}

// NewConsentLink gives a child a fresh link (the old one stops working). Returns not_found,
// forbidden, conflict for a withdrawn child.
func (s *Store) NewConsentLink(ctx context.Context, a *Actor, childID string) (*ConsentLink, error) {
	c, err := s.staffChildTakingPart(ctx, a, childID)
	if err != nil {
		return nil, err
	}
	var link *ConsentLink
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var err error
		if link, err = s.newConsentLink(tx, c.ID); err != nil {
			return err
		}
		return s.audit(tx, a, "consent.link", "child", c.ID, "")
	})
	if err != nil {
		return nil, fmt.Errorf("new consent link: %w", err)
	}
	return link, nil
}

// LetterLink is one child's fresh link, for a printed letter.
type LetterLink struct {
	ChildID  string `json:"child_id"`
	Nickname string `json:"nickname"`
	ConsentLink
}

// Letters are the links issued for printing, and what became of the live links: Replaced
// were replaced by these; Kept were left alone (a reprint with replace would replace them).
type Letters struct {
	Items    []LetterLink
	Replaced int
	Kept     int
}

// liveLinks selects the consent links a guardian can still answer: unanswered and unexpired.
func liveLinks(db *gorm.DB, now time.Time) *gorm.DB {
	return db.Model(&Consent{}).Where("method = ? AND status = ? AND token_hash IS NOT NULL AND expires_at > ?", "link", ConsentPending, now)
}

// BodyConsentLinks issues links for printing letters to the children of a body still waiting
// for consent (a new notice version puts children back among them). A child whose guardian
// already holds a live link keeps it and gets no letter, unless replace: then every waiting
// child gets a fresh link and the old ones stop working. Returns not_found, forbidden.
func (s *Store) BodyConsentLinks(ctx context.Context, a *Actor, bodyID string, replace bool) (*Letters, error) {
	body, err := s.Body(ctx, a, bodyID)
	if err != nil {
		return nil, err
	}
	if err := a.Require(ManageMembers); err != nil {
		return nil, err
	}
	out := &Letters{Items: []LetterLink{}}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var kids []Child
		if err := tx.Model(&Child{}).Joins("JOIN memberships ON memberships.child_id = children.id").
			Where("memberships.body_id = ? AND children.consent_status = ?", body.ID, ConsentPending).
			Order("memberships.id").Find(&kids).Error; err != nil {
			return fmt.Errorf("read waiting children: %w", err)
		}
		ids := make([]string, len(kids))
		for i, k := range kids {
			ids[i] = k.ID
		}
		var live []string
		if err := liveLinks(tx, s.Now()).Where("child_id IN ?", nonEmpty(ids)).Pluck("child_id", &live).Error; err != nil {
			return fmt.Errorf("read live links: %w", err)
		}
		for _, k := range kids {
			if slices.Contains(live, k.ID) {
				if !replace {
					out.Kept++
					continue
				}
				out.Replaced++
			}
			link, err := s.newConsentLink(tx, k.ID)
			if err != nil {
				return err
			}
			out.Items = append(out.Items, LetterLink{ChildID: k.ID, Nickname: k.Nickname, ConsentLink: *link})
		}
		return s.audit(tx, a, "consent.letters", "body", body.ID, fmt.Sprintf("%d/%d", len(out.Items), out.Replaced))
	})
	if err != nil {
		return nil, fmt.Errorf("consent letters: %w", err)
	}
	return out, nil
}

// SetAssent records a child's own agreement, asked once a guardian has consented. Returns
// forbidden for staff and conflict while the guardian's consent is not active.
func (s *Store) SetAssent(ctx context.Context, a *Actor, agree bool) error {
	if a.Role != RoleChild {
		return ErrForbidden
	}
	if a.ConsentStatus != ConsentActive {
		return Errorf(CodeConflict, "error.consent_required")
	}
	assent := AssentDeclined
	if agree {
		assent = AssentGiven
	}
	return wrap("set assent", s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&Child{}).Where("id = ?", a.ID).Update("assent", assent).Error; err != nil {
			return err
		}
		a.Assent = assent
		return s.audit(tx, a, "assent."+assent, "child", a.ID, "")
	}))
}
