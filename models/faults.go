package models

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"
)

// unavailableRetry is the Retry-After of an unavailable answer: soon enough for a tablet to try
// again, long enough not to hammer a database that is recovering.
const unavailableRetry = 5 * time.Second

// ErrUnavailable is the answer while the database cannot be written.
var ErrUnavailable = &Error{Code: CodeUnavailable, RetryAfter: unavailableRetry}

// classifyDBError is the one place that decides which failures of the database mean "cannot
// be written now" rather than a bug: a full disk, a read-only database, I/O errors and a lost
// connection become CodeUnavailable (wrapping what the database said); every other error,
// domain errors included, is returned unchanged.
func classifyDBError(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) || !unavailable(err) {
		return err
	}
	return &Error{Code: CodeUnavailable, RetryAfter: unavailableRetry, Err: err}
}

// unavailable reports whether err says the database or its disk cannot take writes now.
func unavailable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false // the caller gave up; the database may be fine
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrFull, sqlite3.ErrReadonly, sqlite3.ErrIoErr, sqlite3.ErrCantOpen:
			return true
		}
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "25006", // read_only_sql_transaction (a standby, or default_transaction_read_only)
			pe.Code == "58030",                // io_error
			strings.HasPrefix(pe.Code, "53"),  // insufficient resources: disk_full 53100, out of memory, too many connections
			strings.HasPrefix(pe.Code, "08"),  // connection exception
			strings.HasPrefix(pe.Code, "57P"): // the server shuts down or is starting
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var oe *net.OpError
	for _, target := range []error{driver.ErrBadConn, sql.ErrConnDone, io.ErrUnexpectedEOF,
		syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE, syscall.ENOSPC, syscall.EROFS, syscall.EIO} {
		if errors.Is(err, target) {
			return true
		}
	}
	return errors.As(err, &ce) || errors.As(err, &oe) || err.Error() == "sql: database is closed"
}

// Classify returns err as the domain sees it: a database failure that means the store cannot
// be written now becomes unavailable and marks the store not ready; anything else is returned
// as is. The store classifies its own errors; this is for the edge, as a last net.
func (s *Store) Classify(err error) error { return s.fault(err) }

// fault classifies err and, when it is unavailable, marks the store not ready.
func (s *Store) fault(err error) error {
	err = classifyDBError(err)
	if err != nil && ErrorCode(err) == CodeUnavailable {
		s.health.markDown(err, s.log)
	}
	return err
}

// watchFaults classifies the error of every statement as it happens, so that every exported
// function returns unavailable for a full or failing disk without each one remembering to.
func (s *Store) watchFaults() error {
	fn := func(db *gorm.DB) {
		if db.Error != nil {
			db.Error = s.fault(db.Error)
		}
	}
	dbs := []*gorm.DB{s.db}
	if s.wdb != s.db {
		dbs = append(dbs, s.wdb)
	}
	for _, db := range dbs {
		cb := db.Callback()
		for _, err := range []error{
			cb.Create().After("*").Register("tongsheng:faults", fn),
			cb.Query().After("*").Register("tongsheng:faults", fn),
			cb.Update().After("*").Register("tongsheng:faults", fn),
			cb.Delete().After("*").Register("tongsheng:faults", fn),
			cb.Row().After("*").Register("tongsheng:faults", fn),
			cb.Raw().After("*").Register("tongsheng:faults", fn),
		} {
			if err != nil {
				return fmt.Errorf("register fault watch: %w", err)
			}
		}
	}
	return nil
}

// health is whether the database could be written when last seen. A failure classified as
// unavailable marks it down; only a probe write that succeeds marks it up again, so readiness
// does not flap on a read that happened to work.
type health struct {
	mu        sync.Mutex
	down      bool
	since     time.Time
	lastProbe time.Time
	probing   sync.Mutex // one probe at a time
}

// markDown records a failure; the log says what failed once, when the state changes.
func (h *health) markDown(cause error, log *slog.Logger) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down {
		return
	}
	h.down, h.since = true, time.Now()
	log.Error("database cannot be written: answering 503 unavailable and /readyz 503 until a write succeeds again",
		slog.String("error", cause.Error()))
}

func (h *health) markUp(log *slog.Logger) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.down {
		return
	}
	h.down = false
	log.Info("database can be written again", slog.Duration("unavailable_for", time.Since(h.since).Round(time.Second)))
}

func (h *health) isDown() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.down
}

// probeDue reports whether a probe may run now (at most one per gap), and if so books it.
func (h *health) probeDue(gap time.Duration) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if time.Since(h.lastProbe) < gap {
		return false
	}
	h.lastProbe = time.Now()
	return true
}

// probeGap bounds how often /readyz may probe while the database is down.
const probeGap = time.Second

// probeFileSize is the room a probe asks the data folder for. A one-row update alone can pass
// on a full disk (SQLite reuses the pages of its log), so the probe also writes a scratch file.
const probeFileSize = 256 << 10

// Ready reports whether the store can serve requests: the database answers and, after a write
// failed as unavailable, a probe write has succeeded since. While down it probes again, at
// most once a second. Returns unavailable otherwise.
func (s *Store) Ready(ctx context.Context) error {
	if !s.health.isDown() {
		if err := s.Ping(ctx); err != nil {
			return s.fault(err)
		}
		return nil
	}
	if s.health.probeDue(probeGap) {
		_ = s.ProbeWrites(ctx) // sets the state either way
	}
	if s.health.isDown() {
		return ErrUnavailable
	}
	return nil
}

// ProbeWrites makes one small write: the heartbeat row and, on SQLite, a scratch file in the
// data folder. Success marks the store writable again. Returns unavailable when the write
// fails for a reason of the disk or the connection.
func (s *Store) ProbeWrites(ctx context.Context) error {
	s.health.probing.Lock() // probes are rare; one waiting for another sees the state it left
	defer s.health.probing.Unlock()
	if s.dialect == DialectSQLite {
		if err := probeFolder(s.dataDir); err != nil {
			return s.fault(fmt.Errorf("write probe in the data folder: %w", err))
		}
	}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		return tx.Exec("UPDATE heartbeat SET beats = beats + 1, at = ? WHERE id = 1", s.Now()).Error
	})
	if err != nil {
		return fmt.Errorf("write probe: %w", err)
	}
	s.health.markUp(s.log)
	return nil
}

// probeFolder writes and removes a scratch file of probeFileSize in dir.
func probeFolder(dir string) error {
	f, err := os.CreateTemp(dir, ".write-probe-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(make([]byte, probeFileSize))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// WatchWrites probes until ctx ends: every interval while the database is down, and every
// tenth interval while it is up, so that a full disk shows in /readyz before a child's write
// fails on it.
func (s *Store) WatchWrites(ctx context.Context, interval time.Duration) {
	for round := 1; ; round++ {
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
		if s.health.isDown() || round%10 == 0 {
			_ = s.ProbeWrites(ctx) // the state change is logged once by the health record
		}
	}
}
