package models

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// internalStores opens a fresh store on SQLite and, with TONGSHENG_TEST_POSTGRES set, on
// PostgreSQL in a schema of its own (modelstest cannot be imported from inside the package).
func internalStores(t *testing.T) map[string]*Store {
	t.Helper()
	out := map[string]*Store{}
	opts := Options{DataDir: t.TempDir(), Hashing: HashParams{MemoryKiB: 64, Time: 1}, DataKey: make([]byte, 32)}
	s, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	out[DialectSQLite] = s
	base := os.Getenv("TONGSHENG_TEST_POSTGRES")
	if base == "" {
		return out
	}
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		if db, err := admin.DB(); err == nil {
			db.Close()
		}
	})
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	opts.DSN = u.String()
	pg, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	out[DialectPostgres] = pg
	return out
}

// Each kind of database failure is classified once: the ones that mean "cannot be written
// now" are unavailable; the rest keep their meaning.
func TestClassifyDBError(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"SQLite disk full", sqlite3.Error{Code: sqlite3.ErrFull}, true},
		{"SQLite read-only", sqlite3.Error{Code: sqlite3.ErrReadonly}, true},
		{"SQLite I/O error", sqlite3.Error{Code: sqlite3.ErrIoErr, ExtendedCode: sqlite3.ErrIoErrWrite}, true},
		{"SQLite cannot open", sqlite3.Error{Code: sqlite3.ErrCantOpen}, true},
		{"SQLite busy", sqlite3.Error{Code: sqlite3.ErrBusy}, false},
		{"SQLite constraint", sqlite3.Error{Code: sqlite3.ErrConstraint}, false},
		{"PostgreSQL disk full", &pgconn.PgError{Code: "53100"}, true},
		{"PostgreSQL read-only transaction", &pgconn.PgError{Code: "25006"}, true},
		{"PostgreSQL I/O error", &pgconn.PgError{Code: "58030"}, true},
		{"PostgreSQL admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"PostgreSQL unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"PostgreSQL bad UTF-8", &pgconn.PgError{Code: "22021"}, false},
		{"connection refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{"bad connection", driver.ErrBadConn, true},
		{"wrapped", fmt.Errorf("store proposal: %w", sqlite3.Error{Code: sqlite3.ErrFull}), true},
		{"file system full", &fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}, true},
		{"caller gave up", context.DeadlineExceeded, false},
		{"not found", gorm.ErrRecordNotFound, false},
		{"domain error", ErrForbidden, false},
	} {
		got := classifyDBError(c.err)
		if (ErrorCode(got) == CodeUnavailable) != c.want {
			t.Errorf("%s: classified %v, want unavailable=%v", c.name, ErrorCode(got), c.want)
		}
		if c.want && !errors.Is(got, c.err) {
			t.Errorf("%s: the database's own error is lost", c.name)
		}
		if !c.want && got != c.err {
			t.Errorf("%s: changed to %v", c.name, got)
		}
	}
}

// A database that refuses writes (read-only) answers unavailable on writes, keeps answering
// reads, is not ready, and is ready again once a probe write succeeds.
func TestReadOnlyDatabaseIsUnavailable(t *testing.T) {
	for dialect, s := range internalStores(t) {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			// Writes go through both pools (on SQLite, transactions through a connection of their
			// own); the setting below is per connection.
			for _, db := range []*gorm.DB{s.db, s.wdb} {
				sqlDB, _ := db.DB()
				sqlDB.SetMaxOpenConns(1)
			}
			set := func(pragma string) error {
				if err := s.db.Exec(pragma).Error; err != nil {
					return err
				}
				return s.wdb.Exec(pragma).Error
			}
			readOnly, writable := "PRAGMA query_only = 1", "PRAGMA query_only = 0"
			if dialect == DialectPostgres {
				readOnly, writable = "SET default_transaction_read_only = on", "SET default_transaction_read_only = off"
			}
			if _, err := s.CreateRegion(ctx, SystemActor(), RegionInput{Name: "乐清市", Kind: "city"}); err != nil {
				t.Fatal(err)
			}
			if err := s.Ready(ctx); err != nil {
				t.Fatalf("ready before: %v", err)
			}
			if err := set(readOnly); err != nil {
				t.Fatal(err)
			}
			_, err := s.CreateRegion(ctx, SystemActor(), RegionInput{Name: "常州市", Kind: "city"})
			if ErrorCode(err) != CodeUnavailable {
				t.Fatalf("write on a read-only database: %v, want unavailable", err)
			}
			if regions, _, err := s.ListRegions(ctx, SystemActor(), Page{Limit: 10}); err != nil || len(regions) != 1 {
				t.Fatalf("read on a read-only database: %v %v", regions, err)
			}
			if err := s.Ready(ctx); ErrorCode(err) != CodeUnavailable {
				t.Fatalf("ready while read-only: %v", err)
			}
			if err := set(writable); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(5 * time.Second)
			for s.Ready(ctx) != nil {
				if time.Now().After(deadline) {
					t.Fatal("not ready 5 s after the database became writable")
				}
				time.Sleep(100 * time.Millisecond)
			}
			if _, err := s.CreateRegion(ctx, SystemActor(), RegionInput{Name: "常州市", Kind: "city"}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// The guardian's relation is stored sealed, read back opened where it is shown, and removed
// by withdrawal; the migration seals what was stored in plain text before.
func TestRelationIsSealed(t *testing.T) {
	for dialect, s := range internalStores(t) {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			sys := SystemActor()
			r, err := s.CreateRegion(ctx, sys, RegionInput{Name: "乐清市", Kind: "city"})
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.CreateBody(ctx, sys, BodyInput{Name: "议事会", Kind: BodyCouncil, RegionID: r.ID})
			if err != nil {
				t.Fatal(err)
			}
			m, err := s.AddMember(ctx, sys, b.ID, MemberInput{Nickname: "小雨", LoginName: "xiaoyu", PIN: "1357", BirthYear: 2015, BirthMonth: 4,
				Guardian: GuardianInput{Name: "王芳", Relation: "外婆", Contact: "13800138000"}})
			if err != nil {
				t.Fatal(err)
			}
			token := m.Consent.Link[strings.LastIndex(m.Consent.Link, "/")+1:]
			if _, err := s.DecideConsent(ctx, token, "192.0.2.1", ConsentDecision{Decision: "grant", GuardianName: "王芳", Relation: "外公"}); err != nil {
				t.Fatal(err)
			}
			stored := func() string {
				var rows []string
				s.db.Raw("SELECT relation FROM guardians UNION ALL SELECT relation FROM consents").Scan(&rows)
				return strings.Join(rows, "|")
			}
			if got := stored(); strings.Contains(got, "外") || len(got) < 20 {
				t.Fatalf("relation stored unsealed: %q", got)
			}
			facilitator := &Actor{ID: "f", Role: RoleFacilitator, BodyIDs: []string{b.ID}}
			d, err := s.ChildDetails(ctx, facilitator, m.Child.ID)
			if err != nil || len(d.Guardians) != 1 || d.Guardians[0].Relation != "外婆" {
				t.Fatalf("child details: %+v %v", d, err)
			}
			ex, err := s.ExportByLink(ctx, token, "192.0.2.1")
			if err != nil {
				t.Fatal(err)
			}
			if ex.Guardians[0].Relation != "外婆" || ex.Consents[len(ex.Consents)-1].Relation != "外公" {
				t.Fatalf("export: %+v %+v", ex.Guardians, ex.Consents)
			}

			// A database from before the seal: plain text, sealed by the migration, read the same.
			s.db.Exec("UPDATE guardians SET relation = '姑姑'")
			s.db.Exec("UPDATE consents SET relation = '姑父'")
			s.db.Exec("DELETE FROM schema_migrations WHERE id = '0006_seal_relation'")
			if ran, err := s.Migrate(ctx); err != nil || len(ran) != 1 {
				t.Fatalf("migrate: %v %v", ran, err)
			}
			if got := stored(); strings.Contains(got, "姑") {
				t.Fatalf("the migration left plain text: %q", got)
			}
			if ex, err = s.ExportByLink(ctx, token, "192.0.2.1"); err != nil || ex.Guardians[0].Relation != "姑姑" || ex.Consents[0].Relation != "姑父" {
				t.Fatalf("export after the migration: %+v %v", ex, err)
			}

			yes := true
			if err := s.WithdrawOnPaper(ctx, sys, m.Child.ID, Withdrawal{Erase: &yes, Reference: "W-1"}); err != nil {
				t.Fatal(err)
			}
			var left int64
			s.db.Raw("SELECT COUNT(*) FROM consents WHERE relation <> ''").Scan(&left)
			var guardians int64
			s.db.Raw("SELECT COUNT(*) FROM guardians").Scan(&guardians)
			if left != 0 || guardians != 0 {
				t.Fatalf("withdrawal left %d relations and %d guardians", left, guardians)
			}
		})
	}
}

// The data folder, the database and its log files, and backups are readable by
// their owner only.
func TestFilesAreOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := Open(Options{DataDir: dir, Hashing: HashParams{MemoryKiB: 64, Time: 1}, DataKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.CreateRegion(context.Background(), SystemActor(), RegionInput{Name: "乐清市", Kind: "city"}); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if err := s.Backup(context.Background(), backup); err != nil {
		t.Fatal(err)
	}
	want := map[string]fs.FileMode{dir: 0o700, backup: 0o600}
	for _, name := range []string{"tongsheng.db", "tongsheng.db-wal", "tongsheng.db-shm"} { // the secrets: cmd/tongsheng
		want[filepath.Join(dir, name)] = 0o600
	}
	for path, mode := range want {
		info, err := os.Stat(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if info.Mode().Perm() != mode {
			t.Errorf("%s has mode %o, want %o", filepath.Base(path), info.Mode().Perm(), mode)
		}
	}
	if err := s.Backup(context.Background(), backup); err == nil {
		t.Error("a backup overwrote an existing file")
	}

	// Files an older version left readable by others are tightened at the next start.
	s.Close()
	os.Chmod(filepath.Join(dir, "tongsheng.db"), 0o644)
	s2, err := Open(Options{DataDir: dir, Hashing: HashParams{MemoryKiB: 64, Time: 1}, DataKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if info, _ := os.Stat(filepath.Join(dir, "tongsheng.db")); info.Mode().Perm() != 0o600 {
		t.Errorf("an old database file keeps mode %o", info.Mode().Perm())
	}
}

// The reasons a data folder cannot be used read as an operator would say them.
func TestWhyNot(t *testing.T) {
	for err, want := range map[error]string{
		&fs.PathError{Op: "mkdir", Path: "/srv/data", Err: syscall.EACCES}: "permission denied",
		&fs.PathError{Op: "open", Path: "/srv/data", Err: syscall.EROFS}:   "read-only file system",
		&fs.PathError{Op: "mkdir", Path: "/srv/data", Err: syscall.ENOENT}: "a folder above it is missing",
		&fs.PathError{Op: "write", Path: "/srv/data", Err: syscall.ENOSPC}: "no space left on the device",
	} {
		if got := whyNot(err); got != want {
			t.Errorf("%v: %q, want %q", err, got, want)
		}
	}
}

// SQLite's write transactions take turns in the process: one waits for the one before, and one
// that waits too long is told the database is unavailable (503), not an internal error.
func TestWriteTurnsOnSQLite(t *testing.T) {
	s := internalStores(t)[DialectSQLite]
	ctx := context.Background()
	held, release := make(chan struct{}), make(chan struct{})
	go s.tx(ctx, func(tx *gorm.DB) error {
		close(held)
		<-release
		return nil
	})
	<-held
	defer func(w time.Duration) { writerWait = w }(writerWait)
	writerWait = 50 * time.Millisecond
	if err := s.tx(ctx, func(*gorm.DB) error { return nil }); ErrorCode(err) != CodeUnavailable {
		t.Errorf("a write that waited too long: %v, want unavailable", err)
	}
	writerWait = 10 * time.Second
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.tx(cancelled, func(*gorm.DB) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("a write whose request went away: %v, want canceled", err)
	}
	done := make(chan error)
	go func() {
		done <- s.tx(ctx, func(tx *gorm.DB) error { return tx.Exec("UPDATE auth_epoch SET version = version").Error })
	}()
	select {
	case err := <-done:
		t.Fatalf("a write ran while another held the turn: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("the next write, once the turn was free: %v", err)
	}
}

// An erasure empties SQLite's write-ahead log, where copies of the erased pages stay. A reader
// on an old snapshot keeps it from doing so: the erasure still answers, the log is owed, and
// ScrubOwed empties it once the reader is done.
func TestErasureOwesTheLogWhileAReaderHoldsIt(t *testing.T) {
	s := internalStores(t)[DialectSQLite]
	ctx := context.Background()
	child, p := evaluatedProposal(t, s)
	holds := func(name string) bool {
		raw, err := os.ReadFile(filepath.Join(s.dataDir, name))
		return err == nil && strings.Contains(string(raw), p.Title)
	}
	other, err := sql.Open("sqlite3", "file:"+filepath.Join(s.dataDir, "tongsheng.db")+"?mode=ro") // another process, say
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	reader, err := other.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := reader.QueryRow("SELECT COUNT(*) FROM proposals").Scan(&n); err != nil { // the snapshot starts here
		t.Fatal(err)
	}
	yes := true
	if err := s.WithdrawOnPaper(ctx, SystemActor(), child.ID, Withdrawal{Erase: &yes, Reference: "F-2"}); err != nil {
		t.Fatal(err)
	}
	if left, err := s.ScrubOwed(ctx); err != nil || left != 1 {
		t.Fatalf("with the reader still open: %d owed, %v; want the log owed", left, err)
	}
	if !holds("tongsheng.db-wal") && !holds("tongsheng.db") {
		t.Fatal("the erased title is nowhere before the checkpoint: this test shows nothing")
	}
	reader.Rollback()
	if left, err := s.ScrubOwed(ctx); err != nil || left != 0 {
		t.Fatalf("once the reader is done: %d owed, %v; want none", left, err)
	}
	for _, name := range []string{"tongsheng.db", "tongsheng.db-wal"} {
		if holds(name) {
			t.Errorf("%s still holds the erased title", name)
		}
	}
}
