package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// DefaultPurgeGrace is how long after a body's term ends its children's data is kept.
const DefaultPurgeGrace = 180 * 24 * time.Hour

// scrubbedTables are the tables that hold a child's texts and personal fields.
var scrubbedTables = []string{"children", "guardians", "consents", "comments", "proposals", "evaluations",
	"inspections", "notifications", "reports", "memberships", "idempotency_keys"}

// scrub makes deleted bytes unrecoverable from the database files: on SQLite secure_delete
// has zeroed them in the pages, and a truncating checkpoint empties the write-ahead log; on
// PostgreSQL the tables that held them are rewritten (VACUUM FULL), because a plain VACUUM
// only marks the old row versions free and leaves their bytes in the table files. Tables
// larger than the store's limit get a plain VACUUM, and the log says so. A table too busy to
// rewrite now (its lock not granted within a few seconds) gets a plain VACUUM and is owed a
// rewrite, which ScrubOwed retries until it succeeds.
func (s *Store) scrub(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	if s.dialect == DialectSQLite {
		done, err := s.checkpointWAL(ctx)
		if err != nil || done {
			return err
		}
		if err := db.Exec("INSERT INTO scrub_owed (table_name, since) VALUES (?, ?) ON CONFLICT (table_name) DO NOTHING", owedWAL, s.Now()).Error; err != nil {
			return fmt.Errorf("owe a checkpoint: %w", err)
		}
		s.log.Warn("erasure could not empty the write-ahead log while a reader held an old snapshot: it is emptied as soon as the reader is done")
		return nil
	}
	var large, busy []string
	for _, t := range scrubbedTables {
		r, err := s.rewriteTable(ctx, t)
		if err != nil {
			return fmt.Errorf("vacuum %s: %w", t, err)
		}
		switch r {
		case tooLarge:
			large = append(large, t)
		case tooBusy:
			busy = append(busy, t)
			if err := db.Exec("INSERT INTO scrub_owed (table_name, since) VALUES (?, ?) ON CONFLICT (table_name) DO NOTHING", t, s.Now()).Error; err != nil {
				return fmt.Errorf("owe a rewrite of %s: %w", t, err)
			}
		}
	}
	if len(large) > 0 {
		s.log.Warn("erasure vacuumed tables too large to rewrite: erased rows stay readable in their files until PostgreSQL reuses the space",
			slog.Any("tables", large), slog.Int64("vacuum_full_max_bytes", s.fullMax))
	}
	if len(busy) > 0 {
		s.log.Warn("erasure found tables too busy to rewrite now: they are rewritten as soon as their lock is free",
			slog.Any("tables", busy))
	}
	return nil
}

// owedWAL is the entry of scrub_owed for SQLite's write-ahead log, which still holds copies of
// pages from before an erasure until a checkpoint empties it.
const owedWAL = "wal"

// checkpointWAL empties SQLite's write-ahead log into the database file. It is not done (false)
// while a reader still holds a snapshot older than the log's end after a second's wait: the
// erasure that asked answers, and ScrubOwed tries again.
func (s *Store) checkpointWAL(ctx context.Context) (bool, error) {
	var busy, logged, moved int
	err := s.db.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if err := conn.Exec("PRAGMA busy_timeout = 1000").Error; err != nil {
			return err
		}
		defer conn.Exec("PRAGMA busy_timeout = 10000") // as sqliteDSN sets it
		return conn.Raw("PRAGMA wal_checkpoint(TRUNCATE)").Row().Scan(&busy, &logged, &moved)
	})
	if err != nil {
		return false, fmt.Errorf("checkpoint: %w", err)
	}
	return busy == 0, nil
}

// ScrubOwed does what erasures found too busy to do at once: on PostgreSQL it rewrites the tables
// it could not, on SQLite it empties the write-ahead log. It returns how many are still owed.
// Serving instances call it every few minutes.
func (s *Store) ScrubOwed(ctx context.Context) (int, error) {
	if s.dialect == DialectSQLite {
		var owed int64
		if err := s.db.WithContext(ctx).Table("scrub_owed").Where("table_name = ?", owedWAL).Count(&owed).Error; err != nil || owed == 0 {
			return 0, err
		}
		done, err := s.checkpointWAL(ctx)
		if err != nil || !done {
			return 1, err
		}
		return 0, s.db.WithContext(ctx).Exec("DELETE FROM scrub_owed WHERE table_name = ?", owedWAL).Error
	}
	var owed []string
	if err := s.db.WithContext(ctx).Raw("SELECT table_name FROM scrub_owed ORDER BY table_name").Scan(&owed).Error; err != nil {
		return 0, fmt.Errorf("read owed rewrites: %w", err)
	}
	left := 0
	for _, t := range owed {
		if !slices.Contains(scrubbedTables, t) { // only ever our own names reach the SQL below
			continue
		}
		r, err := s.rewriteTable(ctx, t)
		if err != nil {
			return left, fmt.Errorf("vacuum %s: %w", t, err)
		}
		if r == tooBusy {
			left++
			continue
		}
		if err := s.db.WithContext(ctx).Exec("DELETE FROM scrub_owed WHERE table_name = ?", t).Error; err != nil {
			return left, fmt.Errorf("settle owed rewrite of %s: %w", t, err)
		}
	}
	return left, nil
}

// A rewrite's result: done, or the table was vacuumed only, being too large or too busy.
type rewrite int

const (
	rewritten rewrite = iota
	tooLarge
	tooBusy
)

// rewriteTable runs VACUUM FULL on a PostgreSQL table up to the size limit, waiting at most a
// few seconds for its lock, and a plain VACUUM otherwise.
func (s *Store) rewriteTable(ctx context.Context, table string) (rewrite, error) {
	db := s.db.WithContext(ctx)
	var size int64
	if err := db.Raw("SELECT pg_total_relation_size(CAST(? AS regclass))", table).Scan(&size).Error; err != nil {
		return 0, err
	}
	result := tooLarge
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
			return rewritten, nil
		}
		if !errors.As(err, &pe) || pe.Code != "55P03" { // lock_not_available: busy, fall back
			return 0, err
		}
		result = tooBusy
	}
	return result, db.Exec("VACUUM " + table).Error
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
		WHERE m.child_id IN (SELECT ended.child_id FROM memberships ended JOIN bodies eb ON eb.id = ended.body_id
			WHERE eb.term_ends_on <> '' AND eb.term_ends_on < ?)
		GROUP BY m.child_id`, cutoff, cutoff).Scan(&rows).Error
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
