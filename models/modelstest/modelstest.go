// Package modelstest gives tests a fresh store on each database the suite runs on: SQLite
// always, PostgreSQL too when TONGSHENG_TEST_POSTGRES holds a DSN (each test in a schema of
// its own, dropped afterwards).
package modelstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"tongsheng/models"
)

// PostgresEnv names the variable holding a PostgreSQL DSN for tests.
const PostgresEnv = "TONGSHENG_TEST_POSTGRES"

// FastHashing keeps fixtures quick; the benchmarks measure the real cost.
var FastHashing = models.HashParams{MemoryKiB: 64, Time: 1}

// Dialects lists the databases this run tests against.
func Dialects() []string {
	if os.Getenv(PostgresEnv) != "" {
		return []string{models.DialectSQLite, models.DialectPostgres}
	}
	return []string{models.DialectSQLite}
}

// Clock is a settable clock for rules that depend on time (locks, expiry, deadlines).
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Open returns a migrated store on an empty database of the given dialect, closed at cleanup.
func Open(tb testing.TB, dialect string, clock *Clock, hashing models.HashParams) *models.Store {
	tb.Helper()
	opts := models.Options{DataDir: tb.TempDir(), Hashing: hashing, PublicURL: "https://tongsheng.test", DataKey: make([]byte, 32)}
	if clock != nil {
		opts.Clock = clock.Now
	}
	if dialect == models.DialectPostgres {
		opts.DSN = postgresSchema(tb)
	}
	s, err := models.Open(opts)
	if err != nil {
		tb.Fatalf("open %s store: %v", dialect, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// PostgresDSN creates a schema for one test, dropped at cleanup, and returns a DSN whose
// search_path is it; for tests that open a store with options of their own. Skips the test
// when PostgreSQL is not configured.
func PostgresDSN(tb testing.TB) string { return postgresSchema(tb) }

// postgresSchema creates a schema for one test and returns a DSN whose search_path is it.
func postgresSchema(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		tb.Skip(PostgresEnv + " is not set")
	}
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		tb.Fatalf("connect to PostgreSQL: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		if db, err := admin.DB(); err == nil {
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// ReplicatedCity opens a store whose primary holds a generated city of primary proposals and
// whose read replica is a database of its own holding another city of replica proposals, so
// that each answer shows where it was read. It needs PostgreSQL and skips without it.
func ReplicatedCity(tb testing.TB, primary, replica int) *models.Store {
	tb.Helper()
	if os.Getenv(PostgresEnv) == "" {
		tb.Skip("needs PostgreSQL: set " + PostgresEnv)
	}
	primaryDSN, replicaDSN := PostgresDSN(tb), PostgresDSN(tb)
	open := func(dsn, read string) *models.Store {
		s, err := models.Open(models.Options{DSN: dsn, ReadDSN: read, DataDir: tb.TempDir(), Hashing: FastHashing, DataKey: make([]byte, 32)})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	}
	for dsn, n := range map[string]int{primaryDSN: primary, replicaDSN: replica} {
		if _, err := open(dsn, "").GenerateCity(context.Background(), models.CitySize{Districts: 1, Bodies: 1, ChildrenPerBody: 3, Proposals: n}, nil); err != nil {
			tb.Fatal(err)
		}
	}
	return open(primaryDSN, replicaDSN)
}
