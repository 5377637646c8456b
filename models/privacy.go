package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// Withdrawal is a guardian's withdrawal of consent. Erase is the guardian's choice, which must
// be made: every text the child wrote removed (true), or kept as "a participant" (false).
// Reference names the paper form when staff record it.
type Withdrawal struct {
	Erase     *bool
	Reference string
}

// erase returns the guardian's choice, or validation_failed when none was made: nobody decides
// for the guardian whether the child's words stay.
func (w Withdrawal) erase() (bool, error) {
	if w.Erase == nil {
		var v Invalid
		v.Add("erase", "field.required", nil)
		return false, v.Err()
	}
	return *w.Erase, nil
}

// WithdrawConsent ends a child's participation at once, by the guardian's link. With erase,
// every text the child wrote is removed; without, it stays as "a participant". Either way the
// child's sessions end in the same transaction, and their personal fields and the guardian's
// contact are removed; the record of the consent events is kept. Returns validation_failed
// when the erase choice is missing, not_found, too_many_requests.
func (s *Store) WithdrawConsent(ctx context.Context, token, address string, w Withdrawal) error {
	erase, err := w.erase()
	if err != nil {
		return err
	}
	c, child, err := s.linkConsent(ctx, token, address)
	if err != nil {
		return err
	}
	if c.Status != ConsentActive && child.ConsentStatus != ConsentPending {
		return ErrNotFound
	}
	return s.withdraw(ctx, guardianActor(c), child.ID, erase, "consent.withdraw")
}

// WithdrawOnPaper records a guardian's withdrawal on paper, by staff, with the form's reference.
// Returns validation_failed (the erase choice and the reference are required), not_found,
// forbidden, conflict when already withdrawn.
func (s *Store) WithdrawOnPaper(ctx context.Context, a *Actor, childID string, w Withdrawal) error {
	erase, err := w.erase()
	if err != nil {
		return err
	}
	reference := w.Reference
	c, err := s.staffChildTakingPart(ctx, a, childID)
	if err != nil {
		return err
	}
	var v Invalid
	reference = clean(reference)
	v.length("reference", reference, 1, 100)
	if err := v.Err(); err != nil {
		return err
	}
	return s.withdraw(ctx, a, c.ID, erase, "consent.withdraw_paper:"+reference)
}

// withdraw removes a child from participation in one transaction, so that a failure halfway
// leaves nothing half-erased, and then makes sure the erased bytes are gone from the files.
func (s *Store) withdraw(ctx context.Context, a *Actor, childID string, erase bool, action string) error {
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.anonymise(tx, childID, erase, false); err != nil {
			return err
		}
		detail := "keep"
		if erase {
			detail = "erase"
		}
		act, ref, _ := strings.Cut(action, ":")
		if ref != "" {
			detail += " " + ref
		}
		return s.audit(tx, a, act, "child", childID, detail)
	})
	if err != nil {
		return fmt.Errorf("withdraw: %w", err)
	}
	return s.scrub(ctx)
}

// anonymise removes a child's personal data inside a transaction. purge also removes what
// withdrawal keeps until then: the login names and the PIN hash.
func (s *Store) anonymise(tx *gorm.DB, childID string, erase, purge bool) error {
	now := s.Now()
	child := map[string]any{"nickname": "", "real_name": "", "birth_year": 0, "birth_month": 0,
		"consent_status": ConsentWithdrawn, "show_publicly": false, "locale": ""}
	if purge {
		child["login_name"], child["pin_hash"] = "", ""
	}
	steps := []func() error{
		func() error { return tx.Model(&Child{}).Where("id = ?", childID).Updates(child).Error },
		func() error { return tx.Where("child_id = ?", childID).Delete(&Guardian{}).Error },
		func() error {
			return tx.Model(&Consent{}).Where("child_id = ?", childID).
				Updates(map[string]any{"guardian_name": "", "relation": "", "token_hash": nil}).Error
		},
		func() error {
			return tx.Model(&Consent{}).Where("child_id = ? AND status IN ?", childID, []string{ConsentActive, ConsentPending}).
				Updates(map[string]any{"status": ConsentWithdrawn, "withdrawn_at": now}).Error
		},
		func() error { return tx.Where("user_id = ?", childID).Delete(&Session{}).Error }, // signed out everywhere, at once
		func() error { return tx.Where("user_id = ?", childID).Delete(&Notification{}).Error },
		func() error {
			// A cry for help written in a report's reason goes with the report.
			if err := tx.Where("target_type = ? AND target_id IN (?)", TargetReport,
				tx.Model(&Report{}).Select("id").Where("reporter_id = ?", childID)).Delete(&ModerationItem{}).Error; err != nil {
				return err
			}
			return tx.Where("reporter_id = ?", childID).Delete(&Report{}).Error
		},
		// Votes and supports stay as anonymous counts.
		func() error { return tx.Model(&Support{}).Where("child_id = ?", childID).Update("child_id", nil).Error },
		func() error { return tx.Model(&Vote{}).Where("child_id = ?", childID).Update("child_id", nil).Error },
	}
	if purge {
		steps = append(steps, func() error { return tx.Where("child_id = ?", childID).Delete(&Membership{}).Error })
	}
	if erase {
		steps = append(steps, func() error { return s.eraseTexts(tx, childID) })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// eraseTexts deletes every text a child wrote. A proposal others took part in stays as a shell:
// no title or description, only the mark Erased, which readers see as "withdrawn by its author"
// in their own language; the rest go. Counts are recounted for every proposal touched.
func (s *Store) eraseTexts(tx *gorm.DB, childID string) error {
	var touched []string
	if err := tx.Model(&Comment{}).Where("author_id = ? AND author_role = ?", childID, RoleChild).Distinct().
		Pluck("proposal_id", &touched).Error; err != nil {
		return err
	}
	var own []Proposal
	if err := tx.Where("author_id = ?", childID).Find(&own).Error; err != nil {
		return err
	}
	steps := []func() error{
		func() error {
			var ids []string
			if err := tx.Model(&Comment{}).Where("author_id = ? AND author_role = ?", childID, RoleChild).Pluck("id", &ids).Error; err != nil {
				return err
			}
			if len(ids) == 0 {
				return nil
			}
			if err := tx.Where("target_type = ? AND target_id IN ?", TargetComment, ids).Delete(&ModerationItem{}).Error; err != nil {
				return err
			}
			return tx.Where("id IN ? OR parent_id IN ?", ids, ids).Delete(&Comment{}).Error // replies go with their comment
		},
		func() error {
			return tx.Model(&Evaluation{}).Where("child_id = ?", childID).Updates(map[string]any{"comment": "", "child_id": nil}).Error
		},
		func() error {
			return tx.Where("author_id = ? AND author_role = ?", childID, RoleChild).Delete(&Inspection{}).Error
		},
		func() error {
			return tx.Model(&ModerationItem{}).Where("author_id = ?", childID).Update("author_id", nil).Error
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	for _, p := range own {
		var others int64
		err := tx.Raw(`SELECT (SELECT COUNT(*) FROM supports WHERE proposal_id = ?) + (SELECT COUNT(*) FROM votes WHERE proposal_id = ?)
			+ (SELECT COUNT(*) FROM comments WHERE proposal_id = ?) + (SELECT COUNT(*) FROM evaluations WHERE proposal_id = ?)
			+ (SELECT COUNT(*) FROM decisions WHERE proposal_id = ?)`, p.ID, p.ID, p.ID, p.ID, p.ID).Scan(&others).Error
		if err != nil {
			return err
		}
		if others == 0 {
			if err := tx.Where("target_type = ? AND target_id = ?", TargetProposal, p.ID).Delete(&ModerationItem{}).Error; err != nil {
				return err
			}
			if err := tx.Where("id = ?", p.ID).Delete(&Proposal{}).Error; err != nil {
				return err
			}
			continue
		}
		if err := tx.Model(&Proposal{}).Where("id = ?", p.ID).Updates(map[string]any{
			"title": "", "description": "", "author_id": nil, "erased": true}).Error; err != nil {
			return err
		}
		touched = append(touched, p.ID)
	}
	for _, id := range touched {
		if err := recountComments(tx, id); err != nil {
			return err
		}
	}
	return nil
}

// scrubbedTables are the tables that hold a child's texts and personal fields.
var scrubbedTables = []string{"children", "guardians", "consents", "comments", "proposals", "evaluations",
	"inspections", "notifications", "reports", "memberships"}

// scrub makes deleted bytes unrecoverable from the database files: on SQLite secure_delete
// has zeroed them in the pages, and a truncating checkpoint empties the write-ahead log; on
// PostgreSQL the tables that held them are rewritten (VACUUM FULL), because a plain VACUUM
// only marks the old row versions free and leaves their bytes in the table files. Tables
// larger than the store's limit get a plain VACUUM, and the log says so.
func (s *Store) scrub(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	if s.dialect == DialectSQLite {
		return db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").Error
	}
	var kept []string
	for _, t := range scrubbedTables {
		rewritten, err := s.rewriteTable(ctx, t)
		if err != nil {
			return fmt.Errorf("vacuum %s: %w", t, err)
		}
		if !rewritten {
			kept = append(kept, t)
		}
	}
	if len(kept) > 0 {
		s.log.Warn("erasure vacuumed tables too large or too busy to rewrite: erased rows stay readable in their files until PostgreSQL reuses the space",
			slog.Any("tables", kept), slog.Int64("vacuum_full_max_bytes", s.fullMax))
	}
	return nil
}

// rewriteTable runs VACUUM FULL on a PostgreSQL table up to the size limit, waiting at most a
// few seconds for its lock, and a plain VACUUM otherwise. It reports whether it rewrote.
func (s *Store) rewriteTable(ctx context.Context, table string) (bool, error) {
	db := s.db.WithContext(ctx)
	var size int64
	if err := db.Raw("SELECT pg_total_relation_size(CAST(? AS regclass))", table).Scan(&size).Error; err != nil {
		return false, err
	}
	if size <= s.fullMax {
		err := db.Connection(func(conn *gorm.DB) error {
			if err := conn.Exec("SET lock_timeout = '5s'").Error; err != nil {
				return err
			}
			defer conn.Exec("RESET lock_timeout")
			return conn.Exec("VACUUM FULL " + table).Error
		})
		var pe *pgconn.PgError
		if err == nil {
			return true, nil
		}
		if !errors.As(err, &pe) || pe.Code != "55P03" { // lock_not_available: busy, fall back
			return false, err
		}
	}
	return false, db.Exec("VACUUM " + table).Error
}

// Purge removes the personal fields of every child whose bodies' terms all ended more than the
// grace period ago and whose consent was not renewed since, as withdrawal does, and also their
// login names and PIN hashes. It returns how many children it purged.
func (s *Store) Purge(ctx context.Context) (int, error) {
	cutoff := s.Now().In(s.loc).Add(-s.grace).Format(time.DateOnly)
	var rows []struct {
		ChildID     string
		LastTermEnd string
		Open        int
	}
	err := s.db.WithContext(ctx).Raw(`SELECT m.child_id AS child_id, MAX(b.term_ends_on) AS last_term_end,
			SUM(CASE WHEN b.term_ends_on = '' OR b.term_ends_on >= ? THEN 1 ELSE 0 END) AS open
		FROM memberships m JOIN bodies b ON b.id = m.body_id
		GROUP BY m.child_id`, cutoff).Scan(&rows).Error
	if err != nil {
		return 0, fmt.Errorf("find children to purge: %w", err)
	}
	n := 0
	for _, r := range rows {
		if r.Open > 0 {
			continue
		}
		var latest Consent
		err := s.db.WithContext(ctx).Where("child_id = ? AND status = ? AND decided_at IS NOT NULL", r.ChildID, ConsentActive).
			Order("decided_at DESC").Take(&latest).Error
		end, perr := time.ParseInLocation(time.DateOnly, r.LastTermEnd, s.loc)
		if err == nil && perr == nil && latest.DecidedAt.After(end.AddDate(0, 0, 1)) {
			continue // consent renewed after the term ended
		}
		err = s.tx(ctx, func(tx *gorm.DB) error {
			if err := s.anonymise(tx, r.ChildID, false, true); err != nil {
				return err
			}
			return s.audit(tx, SystemActor(), "child.purge", "child", r.ChildID, "term ended "+r.LastTermEnd)
		})
		if err != nil {
			return n, fmt.Errorf("purge: %w", err)
		}
		n++
	}
	if n > 0 {
		return n, s.scrub(ctx)
	}
	return 0, nil
}

// Export is everything held about a child, for the guardian.
type Export struct {
	Child       ExportChild       `json:"child"`
	Memberships []MembershipView  `json:"memberships"`
	Guardians   []GuardianDetails `json:"guardians"`
	Consents    []ExportConsent   `json:"consents"`
	Proposals   []ExportProposal  `json:"proposals"`
	Comments    []ExportComment   `json:"comments"`
	Supports    []ExportRef       `json:"supports"`
	Votes       []ExportVote      `json:"votes"`
	Evaluations []ExportRating    `json:"evaluations"`
	Inspections []InspectionView  `json:"inspections"`
	ExportedAt  time.Time         `json:"exported_at"`
}

// ExportChild is the child's own record.
type ExportChild struct {
	ID            string    `json:"id"`
	Nickname      string    `json:"nickname"`
	RealName      string    `json:"real_name"`
	BirthYear     int       `json:"birth_year"`
	BirthMonth    int       `json:"birth_month"`
	ConsentStatus string    `json:"consent_status"`
	Assent        string    `json:"assent"`
	ShowPublicly  bool      `json:"show_publicly"`
	Locale        string    `json:"locale"`
	CreatedAt     time.Time `json:"created_at"`
}

// ExportConsent is one consent event.
type ExportConsent struct {
	Status        string     `json:"status"`
	Method        string     `json:"method"`
	NoticeVersion int        `json:"notice_version"`
	GuardianName  string     `json:"guardian_name"`
	Relation      string     `json:"relation"`
	Scopes        Scopes     `json:"scopes"`
	Reference     string     `json:"reference"`
	CreatedAt     time.Time  `json:"created_at"`
	DecidedAt     *time.Time `json:"decided_at"`
	WithdrawnAt   *time.Time `json:"withdrawn_at"`
}

// ExportProposal is a proposal the child wrote.
type ExportProposal struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Category    string    `json:"category"`
	Stage       string    `json:"stage"`
	Visibility  string    `json:"visibility"`
	CreatedAt   time.Time `json:"created_at"`
}

// ExportComment is a comment the child wrote.
type ExportComment struct {
	ID         string    `json:"id"`
	ProposalID string    `json:"proposal_id"`
	Body       string    `json:"body"`
	Visibility string    `json:"visibility"`
	CreatedAt  time.Time `json:"created_at"`
}

// ExportRef names a proposal the child supported.
type ExportRef struct {
	ProposalID string    `json:"proposal_id"`
	Title      string    `json:"title"`
	At         time.Time `json:"at"`
}

// ExportVote is a vote the child cast.
type ExportVote struct {
	ProposalID  string    `json:"proposal_id"`
	Title       string    `json:"title"`
	OptionTitle string    `json:"option_title"`
	At          time.Time `json:"at"`
}

// ExportRating is an evaluation the child gave.
type ExportRating struct {
	ProposalID string    `json:"proposal_id"`
	Ratings    Ratings   `json:"ratings"`
	Comment    string    `json:"comment"`
	At         time.Time `json:"at"`
}

// ExportByLink gives the guardian everything held about the child. Returns not_found,
// too_many_requests.
func (s *Store) ExportByLink(ctx context.Context, token, address string) (*Export, error) {
	c, child, err := s.linkConsent(ctx, token, address)
	if err != nil {
		return nil, err
	}
	ex, err := s.export(ctx, child)
	if err != nil {
		return nil, err
	}
	if err := s.audit(s.db.WithContext(ctx), guardianActor(c), "consent.export", "child", child.ID, ""); err != nil {
		return nil, err
	}
	return ex, nil
}

func (s *Store) export(ctx context.Context, c *Child) (*Export, error) {
	db := s.db.WithContext(ctx)
	ex := &Export{ExportedAt: s.Now(), Child: ExportChild{ID: c.ID, Nickname: c.Nickname, RealName: s.sealer.open(c.RealName),
		BirthYear: c.BirthYear, BirthMonth: c.BirthMonth, ConsentStatus: c.ConsentStatus, Assent: c.Assent,
		ShowPublicly: c.ShowPublicly, Locale: c.Locale, CreatedAt: c.CreatedAt},
		Guardians: []GuardianDetails{}, Consents: []ExportConsent{}, Inspections: []InspectionView{}}
	var err error
	if ex.Memberships, err = s.memberships(ctx, c.ID, true); err != nil {
		return nil, err
	}
	var gs []Guardian
	var cs []Consent
	var ins []Inspection
	queries := []func() error{
		func() error { return db.Where("child_id = ?", c.ID).Order("id").Find(&gs).Error },
		func() error { return db.Where("child_id = ?", c.ID).Order("id").Find(&cs).Error },
		func() error {
			return db.Model(&Proposal{}).Where("author_id = ?", c.ID).Order("id").Scan(&ex.Proposals).Error
		},
		func() error {
			return db.Model(&Comment{}).Where("author_id = ? AND author_role = ?", c.ID, RoleChild).Order("id").Scan(&ex.Comments).Error
		},
		func() error {
			return db.Table("supports").Select("supports.proposal_id, proposals.title, supports.created_at AS at").
				Joins("JOIN proposals ON proposals.id = supports.proposal_id").Where("supports.child_id = ?", c.ID).Order("supports.id").Scan(&ex.Supports).Error
		},
		func() error {
			return db.Table("votes").Select("votes.proposal_id, proposals.title, options.title AS option_title, votes.updated_at AS at").
				Joins("JOIN proposals ON proposals.id = votes.proposal_id").Joins("JOIN options ON options.id = votes.option_id").
				Where("votes.child_id = ?", c.ID).Order("votes.id").Scan(&ex.Votes).Error
		},
		func() error {
			return db.Where("author_id = ? AND author_role = ?", c.ID, RoleChild).Order("id").Find(&ins).Error
		},
	}
	for _, q := range queries {
		if err := q(); err != nil {
			return nil, fmt.Errorf("export: %w", err)
		}
	}
	for _, g := range gs {
		ex.Guardians = append(ex.Guardians, GuardianDetails{Name: s.sealer.open(g.Name), Relation: s.sealer.open(g.Relation), Contact: s.sealer.open(g.Contact)})
	}
	for _, k := range cs {
		ex.Consents = append(ex.Consents, ExportConsent{Status: k.Status, Method: k.Method, NoticeVersion: k.NoticeVersion,
			GuardianName: s.sealer.open(k.GuardianName), Relation: s.sealer.open(k.Relation), Scopes: Scopes{ShowPublicly: k.ShowPublicly, Photos: k.Photos},
			Reference: k.Reference, CreatedAt: k.CreatedAt, DecidedAt: k.DecidedAt, WithdrawnAt: k.WithdrawnAt})
	}
	var evs []Evaluation
	if err := db.Where("child_id = ?", c.ID).Order("id").Find(&evs).Error; err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	for _, e := range evs {
		ex.Evaluations = append(ex.Evaluations, ExportRating{ProposalID: e.ProposalID, Ratings: Ratings{e.Safety, e.Fun, e.Access, e.Looks}, Comment: e.Comment, At: e.CreatedAt})
	}
	for _, in := range ins {
		ex.Inspections = append(ex.Inspections, InspectionView{ID: in.ID, ByRole: in.AuthorRole, BodyName: in.BodyName, Items: in.Items,
			Summary: in.Summary, CreatedAt: in.CreatedAt})
	}
	ex.Proposals, ex.Comments, ex.Supports = orEmpty(ex.Proposals), orEmpty(ex.Comments), orEmpty(ex.Supports)
	ex.Votes, ex.Evaluations = orEmpty(ex.Votes), orEmpty(ex.Evaluations)
	return ex, nil
}

// orEmpty makes a nil list an empty one, so that JSON shows [] rather than null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
