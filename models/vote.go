package models

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// How many design options a proposal may have: at least MinOptions before it moves to decision.
const (
	MinOptions = 2
	MaxOptions = 5
)

// Option is a design option of a proposal.
type Option struct {
	ID          string    `json:"id"`
	ProposalID  string    `json:"-"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	ImageURL    string    `json:"image_url" gorm:"column:image_url"`
	VoteCount   int       `json:"votes"`
	CreatedAt   time.Time `json:"-"`
}

// OptionInput is a new design option.
type OptionInput struct {
	Title, Description, ImageURL string
}

// AddOption adds a design option while the proposal is in design, at most five. Returns
// not_found, forbidden, stage_closed outside design, conflict past five, validation_failed.
func (s *Store) AddOption(ctx context.Context, a *Actor, id string, in OptionInput) (*Option, error) {
	if _, err := s.proposal(ctx, a, id); err != nil {
		return nil, err
	}
	if err := a.Require(ManageStages); err != nil {
		return nil, err
	}
	o := &Option{ID: NewID(s.Now()), ProposalID: id, Title: clean(in.Title), Description: clean(in.Description), ImageURL: clean(in.ImageURL), CreatedAt: s.Now()}
	var v Invalid
	v.length("title", o.Title, 2, 60)
	v.length("description", o.Description, 0, 2000)
	v.length("image_url", o.ImageURL, 0, 500)
	if o.ImageURL != "" && !validImageURL(o.ImageURL) {
		v.Add("image_url", "field.image_url", nil)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.onProposal(ctx, id, func(tx *gorm.DB, p *Proposal) error {
		if p.Stage != StageDesign {
			return Errorf(CodeStageClosed)
		}
		var n int64
		if err := tx.Model(&Option{}).Where("proposal_id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n >= MaxOptions {
			return Errorf(CodeConflict, "error.too_many_options")
		}
		if err := tx.Create(o).Error; err != nil {
			return err
		}
		return s.markResponded(tx, p)
	})
	if err != nil {
		return nil, wrap("add option", err)
	}
	return o, nil
}

// validImageURL accepts an https:// address with a host, or a path on this site that starts
// with exactly one "/" and holds no "//": browsers read "//host" and "/\host" as another site.
// Backslashes, spaces and control characters are refused anywhere.
func validImageURL(u string) bool {
	if strings.ContainsFunc(u, func(r rune) bool { return r == '\\' || r <= ' ' || r == 0x7f }) {
		return false
	}
	if rest, ok := strings.CutPrefix(u, "https://"); ok {
		parsed, err := url.Parse(u)
		return err == nil && rest != "" && parsed.Host != "" && parsed.User == nil
	}
	return len(u) > 1 && u[0] == '/' && !strings.Contains(u, "//")
}

// Vote is a child's one vote on a proposal's design options.
type Vote struct {
	ID         string
	ProposalID string
	OptionID   string
	ChildID    *string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// The statements of a vote (CastVote), prepared at start (warmHot).
const (
	// voteUpsert records a child's vote, or moves it to another option, in one statement, only
	// while the proposal is in design, the option is the proposal's and the child still has
	// consent and assent; the options' counts follow by trigger (0014_vote_counts). It changes
	// nothing when any of those fails or the vote is already on that option (see whyNoVote).
	voteUpsert = `INSERT INTO votes (id, proposal_id, option_id, child_id, created_at, updated_at)
	SELECT ?, proposals.id, options.id, children.id, ?, ?
	FROM proposals, options, children
	WHERE proposals.id = ? AND proposals.stage = ? AND options.id = ? AND options.proposal_id = proposals.id
	AND children.id = ? AND children.consent_status = ? AND children.assent = ?
	ON CONFLICT (proposal_id, child_id) DO UPDATE SET option_id = excluded.option_id, updated_at = excluded.updated_at
	WHERE votes.option_id <> excluded.option_id`
	voteRead = `SELECT (SELECT COUNT(*) FROM options WHERE id = ? AND proposal_id = ?),
	(SELECT option_id FROM votes WHERE proposal_id = ? AND child_id = ?)`
	// voteLocked is voteUpsert for PostgreSQL with the locks of CastVote's transaction taken in
	// the same statement, in the same order: the child's row shared first (the proposal's scan
	// waits on it as a one-time filter), then the proposal's, whose stage is read again once
	// locked. One round trip instead of five; whatever it does not do, the transaction does.
	voteLocked = `WITH child AS (SELECT children.id FROM children
		WHERE children.id = ? AND children.consent_status = ? AND children.assent = ? FOR SHARE),
	proposal AS (SELECT proposals.id FROM proposals
		WHERE proposals.id = ? AND proposals.stage = ? AND EXISTS (SELECT 1 FROM child) FOR NO KEY UPDATE)
	INSERT INTO votes (id, proposal_id, option_id, child_id, created_at, updated_at)
	SELECT ?, proposal.id, options.id, child.id, ?, ?
	FROM proposal, child, options
	WHERE options.id = ? AND options.proposal_id = proposal.id
	ON CONFLICT (proposal_id, child_id) DO UPDATE SET option_id = excluded.option_id, updated_at = excluded.updated_at
	WHERE votes.option_id <> excluded.option_id`
)

// voteLock reads a proposal's stage and holds it for the vote's transaction, by dialect (true:
// PostgreSQL, which takes the row lock lockProposal's no-op update takes; SQLite's write
// transactions are serial).
var voteLock = map[bool]string{
	false: "SELECT stage FROM proposals WHERE id = ?",
	true:  "SELECT stage FROM proposals WHERE id = ? FOR NO KEY UPDATE",
}

// CastVote records or changes a child's vote while the proposal is in design. Votes are exact
// under any concurrency: the vote and its options' counts change in one statement (voteUpsert),
// inside a transaction that, on SQLite, holds the one write lock for that statement alone and,
// on PostgreSQL, first share-locks the child's row and locks the proposal's, as every child
// write and stage move does. Returns the errors of audienceWrite, consent_required after a
// withdrawal, stage_closed outside design, validation_failed for an option of another proposal.
func (s *Store) CastVote(ctx context.Context, a *Actor, id, optionID string) error {
	if err := s.voteReach(ctx, a, id); err != nil {
		return err
	}
	if s.dialect == DialectPostgres {
		// A vote recorded or moved by the one statement is done. Otherwise (refused, already on
		// that option, or failed: one statement writes all or nothing) the transaction below
		// tries again and says why.
		now := s.Now()
		res, err := s.exec(ctx, nil, voteLocked, a.ID, ConsentActive, AssentGiven, id, StageDesign, NewID(now), now, now, optionID)
		if err == nil {
			if n, err := res.RowsAffected(); err == nil && n == 1 {
				return nil
			}
		}
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if s.dialect == DialectPostgres {
			if err := s.stillTakingPart(tx, a); err != nil { // the child's row before the proposal's
				return err
			}
			var stage string
			if err := s.queryRow(ctx, tx, []any{&stage}, voteLock[true], id); err != nil {
				return notFound(err)
			}
		}
		now := s.Now()
		res, err := s.exec(ctx, tx, voteUpsert, NewID(now), now, now, id, StageDesign, optionID, a.ID, ConsentActive, AssentGiven)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		return s.whyNoVote(ctx, tx, a, id, optionID)
	})
	return wrap("vote", err)
}

// whyNoVote tells, in the vote's transaction, why voteUpsert changed nothing: the child's
// consent, the stage or the option refuses it, or the vote is already on that option (no error).
func (s *Store) whyNoVote(ctx context.Context, tx *gorm.DB, a *Actor, id, optionID string) error {
	if err := s.stillTakingPart(tx, a); err != nil {
		return err
	}
	var stage string
	if err := s.queryRow(ctx, tx, []any{&stage}, voteLock[s.dialect == DialectPostgres], id); err != nil {
		return notFound(err)
	}
	if stage != StageDesign {
		return Errorf(CodeStageClosed)
	}
	var n int64
	var old sql.NullString
	if err := s.queryRow(ctx, tx, []any{&n, &old}, voteRead, optionID, id, id, a.ID); err != nil {
		return err
	}
	if n == 0 {
		var v Invalid
		v.Add("option_id", "field.unknown_reference", nil)
		return v.Err()
	}
	if old.Valid && old.String == optionID {
		return nil
	}
	return fmt.Errorf("vote on %s not recorded", id)
}

// voteReach is audienceWrite for a vote. A child who observes no region reaches a proposal
// of their own bodies that is published or their own (scopeProposals), read by one prepared
// statement; everyone else goes through audienceWrite.
func (s *Store) voteReach(ctx context.Context, a *Actor, id string) error {
	if a.Role != RoleChild || len(a.ObserverPaths) > 0 {
		_, err := s.audienceWrite(ctx, a, id)
		return err
	}
	var visibility string
	err := participate(a, func() error {
		if !ValidID(id) {
			return ErrNotFound
		}
		var body string
		var author sql.NullString
		err := s.queryRow(ctx, nil, []any{&body, &visibility, &author}, "SELECT body_id, visibility, author_id FROM proposals WHERE id = ?", id)
		if err != nil {
			return notFound(err)
		}
		if !slices.Contains(a.BodyIDs, body) || visibility != VisibilityPublished && author.String != a.ID {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return err
	}
	if visibility != VisibilityPublished {
		return Errorf(CodeConflict, "error.not_published")
	}
	return nil
}

// Results are the tally of a proposal's design options: the children's tablet votes (Votes,
// Total) and, beside them and never added to them, the paper and show-of-hands results staff
// entered for the sessions (PaperVotes, PaperTotal; see papervote.go).
type Results struct {
	Options    []OptionTally `json:"options"`
	Total      int           `json:"total"`
	PaperTotal int           `json:"paper_total"`
	// PaperEntries are the entered results with who entered them and when, for staff only.
	PaperEntries []PaperEntry `json:"paper_entries,omitempty"`
}

// OptionTally is one option's votes.
type OptionTally struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Votes      int    `json:"votes"`
	PaperVotes int    `json:"paper_votes"`
}

// Results returns the tally. Children see it only once voting has closed (no bandwagon);
// staff see it live. Returns not_found, forbidden for a child while design is open.
func (s *Store) Results(ctx context.Context, a *Actor, id string) (*Results, error) {
	r, err := s.proposal(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if !a.IsStaff() && !votingClosed(r.Stage) {
		return nil, Errorf(CodeForbidden, "error.results_hidden")
	}
	return s.tally(ctx, id, a.IsStaff())
}

// votingClosed reports whether the design stage is over.
func votingClosed(stage string) bool {
	return stage != StageNeeds && stage != StageDesign
}

// tally reads the stored tablet counts and the entered paper results; staff also get the entries.
func (s *Store) tally(ctx context.Context, id string, staff bool) (*Results, error) {
	var opts []Option
	if err := s.db.WithContext(ctx).Where("proposal_id = ?", id).Order("id").Find(&opts).Error; err != nil {
		return nil, fmt.Errorf("read options: %w", err)
	}
	res := &Results{Options: make([]OptionTally, len(opts))}
	for i, o := range opts {
		res.Options[i] = OptionTally{ID: o.ID, Title: o.Title, Votes: o.VoteCount}
		res.Total += o.VoteCount
	}
	if err := s.addPaperVotes(ctx, res, id, staff); err != nil {
		return nil, err
	}
	return res, nil
}
