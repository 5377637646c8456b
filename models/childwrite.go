package models

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"tongsheng/moderation"
)

// This file is the door every child write goes through: the write gate of DESIGN.md rule 1
// (participate) and what a child's words become (childText). Proposals, supports, votes,
// comments, evaluations, inspections, withdrawals and reports all pass here, so each rule has
// one home and one order.

// participate is the write gate. First, what the write is on must be within the writer's reach:
// reach returns its own error (not_found out of scope, forbidden outside the audience), so
// nothing out of sight is revealed by a later answer. Then the writer must be a child
// (forbidden), with a guardian's active consent and their own assent (consent_required). Only
// then does a write look at its input.
func participate(a *Actor, reach func() error) error {
	if reach != nil {
		if err := reach(); err != nil {
			return err
		}
	}
	if a.Role != RoleChild {
		return ErrForbidden
	}
	if a.ConsentStatus != ConsentActive || a.Assent != AssentGiven {
		return ErrConsentRequired
	}
	return nil
}

// stillTakingPart checks again, inside a child's write transaction, that the child may still
// write: a withdrawal that committed after the request read its session refuses the write
// (consent_required). On PostgreSQL the child's row stays share-locked until the write commits,
// and a withdrawal locks that row before it erases anything, so a write either commits first
// and is erased with the rest, or waits and is refused. SQLite runs one write transaction at a
// time, which orders them the same way. Staff writes pass.
func (s *Store) stillTakingPart(tx *gorm.DB, a *Actor) error {
	if a.Role != RoleChild {
		return nil
	}
	var status, assent string
	if err := s.queryRow(tx.Statement.Context, tx, []any{&status, &assent}, consentLock[s.dialect == DialectPostgres], a.ID); err != nil {
		return fmt.Errorf("check consent: %w", err)
	}
	if status != ConsentActive || assent != AssentGiven {
		return ErrConsentRequired
	}
	return nil
}

// consentLock reads a child's consent in a write transaction; on PostgreSQL it share-locks the
// child's row (see stillTakingPart).
var consentLock = map[bool]string{
	false: "SELECT consent_status, assent FROM children WHERE id = ?",
	true:  "SELECT consent_status, assent FROM children WHERE id = ? FOR SHARE",
}

// childText decides what a child's words become, for every write that stores them: refused
// with moderation_blocked (nothing is stored), pending (held by screening, a cry for help, or
// written where the proposal's body reviews everything first) or published. A write with no
// words at all (an evaluation's ratings alone) has nothing to wait for. The screening tells the
// queue why and the child what to hear; its visibility is the decision.
func (s *Store) childText(moderationMode string, fields ...field) (screening, error) {
	sc, err := s.screen(fields...)
	if err != nil {
		return screening{}, err
	}
	sc.visibility = VisibilityPublished
	empty := !slices.ContainsFunc(fields, func(f field) bool { return f.text != "" })
	if sc.held || moderationMode != ModerationPost && !empty {
		sc.visibility = VisibilityPending
	}
	return sc, nil
}

// field is one text a child wrote, by the name of its field.
type field struct{ name, text string }

// screening is what moderation found in a child's write that is allowed to be stored.
type screening struct {
	visibility   string // what the text becomes (see childText): published or pending
	held         bool
	kinds        []string // of the held findings, for the queue
	safeguarding bool
	// masked holds, by field name, a cry for help's text with what would have blocked it
	// (personal information, severe words) masked: such a text is never refused, and what
	// screening found is never stored.
	masked map[string]string
}

// text returns what may be stored of a field: the text itself, or its masked form.
func (sc screening) text(f field) string {
	if m, ok := sc.masked[f.name]; ok {
		return m
	}
	return f.text
}

// reasons are the kinds the child is told about when a write waits for a person: a cry for help
// hears only the kind message, never a correction.
func (sc screening) reasons() []string {
	if sc.safeguarding {
		return []string{moderation.KindSafeguarding}
	}
	return sc.kinds
}

// screen runs every field through moderation. It returns moderation_blocked with the reasons
// when any field is blocked (nothing of it is stored); otherwise what must wait for a person.
// A write that asks for help (safeguarding) is never refused: what would have blocked it is
// masked instead.
func (s *Store) screen(fields ...field) (screening, error) {
	var sc screening
	var blocked []BlockReason
	spans := map[string][]moderation.Reason{}
	screener := s.screener()
	for _, f := range fields {
		if f.text == "" {
			continue
		}
		v := screener.Screen(f.text)
		for _, r := range v.Reasons {
			switch r.Action {
			case moderation.Block:
				blocked = append(blocked, BlockReason{Field: f.name, Kind: r.Kind, Hash: s.keyedHash(f.text[r.Start:r.End])})
				spans[f.name] = append(spans[f.name], r)
			case moderation.Hold:
				sc.held = true
				if !slices.Contains(sc.kinds, r.Kind) {
					sc.kinds = append(sc.kinds, r.Kind)
				}
				sc.safeguarding = sc.safeguarding || r.Kind == moderation.KindSafeguarding
			}
		}
	}
	if len(blocked) > 0 && !sc.safeguarding {
		return screening{}, &Error{Code: CodeModerationBlocked, Reasons: blocked}
	}
	for _, b := range blocked {
		if !slices.Contains(sc.kinds, b.Kind) {
			sc.kinds = append(sc.kinds, b.Kind) // tells the adult what was taken out
		}
	}
	for _, f := range fields {
		if rs := spans[f.name]; len(rs) > 0 {
			if sc.masked == nil {
				sc.masked = map[string]string{}
			}
			sc.masked[f.name] = mask(f.text, rs)
		}
	}
	return sc, nil
}

// maskText stands where screening found something that may not be stored.
const maskText = "＊＊＊"

// mask replaces the byte spans of the findings in text, overlapping ones once.
func mask(text string, found []moderation.Reason) string {
	found = slices.Clone(found)
	slices.SortFunc(found, func(a, b moderation.Reason) int { return a.Start - b.Start })
	var b strings.Builder
	at := 0
	for _, r := range found {
		end := min(r.End, len(text))
		switch {
		case r.Start < at: // overlaps the finding before: widen its mask
			at = max(at, end)
		case r.Start < end:
			b.WriteString(text[at:r.Start])
			b.WriteString(maskText)
			at = end
		}
	}
	b.WriteString(text[at:])
	return b.String()
}

// audienceWrite lets a child write on a proposal of their own bodies (support, vote, comment)
// through the write gate: the proposal in scope (not_found), the child in its audience
// (forbidden), consent (consent_required); then the proposal must be published (conflict).
func (s *Store) audienceWrite(ctx context.Context, a *Actor, id string) (*proposalRow, error) {
	var r *proposalRow
	err := participate(a, func() (err error) {
		if r, err = s.proposal(ctx, a, id); err != nil {
			return err
		}
		if !a.inAudience(r.BodyID) {
			return ErrForbidden
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if r.Visibility != VisibilityPublished {
		return nil, Errorf(CodeConflict, "error.not_published")
	}
	return r, nil
}

// keyedHash identifies a blocked item in the log without revealing it.
func (s *Store) keyedHash(text string) string {
	m := hmac.New(sha256.New, s.hashKey)
	m.Write([]byte(text))
	return hex.EncodeToString(m.Sum(nil)[:8])
}
