package api_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"tongsheng/models"
	"tongsheng/models/modelstest"
)

// On PostgreSQL, erasure leaves no readable copy of a child's texts in the live tables' files:
// the touched tables are rewritten after the erasing transaction. The test reads the files
// themselves, so it needs the server on this machine and the right to read its data folder.
func TestEraseRewritesPostgresTables(t *testing.T) {
	if os.Getenv(modelstest.PostgresEnv) == "" {
		t.Skip(modelstest.PostgresEnv + " is not set: the erasure of PostgreSQL table files is tested on PostgreSQL only")
	}
	dsn, schema, admin := postgresSchema(t)
	var dataDir string
	if err := admin.Raw("SHOW data_directory").Scan(&dataDir).Error; err != nil || dataDir == "" {
		t.Skipf("cannot ask PostgreSQL for its data folder (%v): the file check needs a superuser on a local server", err)
	}
	if _, err := os.Stat(dataDir); err != nil {
		t.Skipf("PostgreSQL's data folder %s is not readable here (%v): the file check needs the server on this machine", dataDir, err)
	}
	// files returns the bytes of table's files (heap and TOAST) as they are on disk now.
	files := func(table string) map[string][]byte {
		t.Helper()
		if err := admin.Exec("CHECKPOINT").Error; err != nil {
			t.Skipf("CHECKPOINT refused (%v): the file check needs a superuser", err)
		}
		var paths []string
		admin.Raw(`SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = ? AND c.relname = ?
			UNION ALL SELECT pg_relation_filepath(c.reltoastrelid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = ? AND c.relname = ? AND c.reltoastrelid <> 0`, schema, table, schema, table).Scan(&paths)
		out := map[string][]byte{}
		for _, p := range paths {
			raw, err := os.ReadFile(filepath.Join(dataDir, p))
			if errors.Is(err, fs.ErrPermission) {
				t.Skipf("cannot read PostgreSQL's table files (%v)", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			out[p] = raw
		}
		if len(out) == 0 {
			t.Fatalf("no files for %s.%s", schema, table)
		}
		return out
	}

	e, store, storeLog := loggedPostgresEnv(t, dsn, 0)

	texts := map[string]string{ // table → a text only the erased child wrote there
		"proposals": "秘密花园里的紫色秋千", "comments": "我喜欢彩虹色的跷跷板", "evaluations": "蹦蹦床弹得好高",
	}
	shared := e.propose("child2", texts["proposals"])
	e.ok(200, "PUT", "/api/v1/proposals/"+shared+"/support", "child", nil)
	e.propose("child2", "没人附议的独角兽滑梯")
	other := e.propose("child", "别人的建议")
	e.ok(201, "POST", "/api/v1/proposals/"+other+"/comments", "child2", map[string]any{"body": texts["comments"]})
	eval := e.propose("child", "评估的建议")
	e.toStage(eval, "evaluation")
	e.ok(201, "POST", "/api/v1/proposals/"+eval+"/evaluations", "child2", map[string]any{
		"ratings": map[string]int{"safety": 5, "fun": 5, "access": 5, "looks": 5}, "comment": texts["evaluations"]})

	before := map[string]map[string][]byte{}
	for table, text := range texts {
		before[table] = files(table)
		found := false
		for _, raw := range before[table] {
			found = found || bytes.Contains(raw, []byte(text))
		}
		if !found {
			t.Fatalf("%s's files do not hold %q before the erasure: the check would prove nothing", table, text)
		}
	}

	e.ok(200, "POST", "/api/v1/children/{child2}/consent/withdraw", "facilitator", map[string]any{"erase": true, "reference": "W-9"})
	// On a busy server a table's lock may not come within the erasure's few seconds: it is then
	// owed a rewrite, which a serving instance retries every few minutes. Retry it here.
	for try := 0; ; try++ {
		left, err := store.ScrubOwed(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
		if try == 5 {
			t.Fatalf("%d tables still too busy to rewrite", left)
		}
	}

	for table, text := range texts {
		for path, raw := range files(table) {
			if bytes.Contains(raw, []byte(text)) {
				t.Errorf("%s (%s) still holds %q after the erasure", table, path, text)
			}
		}
		for path := range before[table] { // the files before the rewrite are emptied at once
			if raw, err := os.ReadFile(filepath.Join(dataDir, path)); err == nil && bytes.Contains(raw, []byte(text)) {
				t.Errorf("the old file of %s (%s) still holds %q", table, path, text)
			}
		}
	}
	if strings.Contains(storeLog.String(), "too large") {
		t.Errorf("small tables were not rewritten: %s", storeLog.String())
	}
}

// Past the size limit, erasure vacuums without rewriting and the log names the tables.
func TestEraseOnLargeTablesSaysSo(t *testing.T) {
	if os.Getenv(modelstest.PostgresEnv) == "" {
		t.Skip(modelstest.PostgresEnv + " is not set: VACUUM FULL is PostgreSQL's")
	}
	e, _, storeLog := loggedPostgresEnv(t, modelstest.PostgresDSN(t), -1)
	e.propose("child2", "清和公园的长椅")
	e.ok(200, "POST", "/api/v1/children/{child2}/consent/withdraw", "facilitator", map[string]any{"erase": true, "reference": "W-10"})
	if logs := storeLog.String(); !strings.Contains(logs, "too large to rewrite") || !strings.Contains(logs, `"comments"`) {
		t.Errorf("the log does not say which tables kept erased rows: %s", logs)
	}
}

// A table another session holds locked is vacuumed only, and owed a rewrite: once the lock is
// free, ScrubOwed rewrites it and the erased text leaves its files.
func TestEraseOwesARewriteOfABusyTable(t *testing.T) {
	if os.Getenv(modelstest.PostgresEnv) == "" {
		t.Skip(modelstest.PostgresEnv + " is not set: VACUUM FULL is PostgreSQL's")
	}
	dsn, schema, admin := postgresSchema(t)
	e, store, storeLog := loggedPostgresEnv(t, dsn, 0)
	e.propose("child2", "只有我知道的树屋")

	// Another session reads the proposals table inside an open transaction: VACUUM FULL waits
	// for it in vain.
	held := admin.Begin()
	if err := held.Exec("LOCK TABLE " + schema + ".proposals IN ACCESS SHARE MODE").Error; err != nil {
		held.Rollback()
		t.Fatal(err)
	}
	e.ok(200, "POST", "/api/v1/children/{child2}/consent/withdraw", "facilitator", map[string]any{"erase": true, "reference": "W-11"})
	if logs := storeLog.String(); !strings.Contains(logs, "too busy to rewrite") || !strings.Contains(logs, `"proposals"`) {
		t.Errorf("the log does not say which table is owed a rewrite: %s", logs)
	}
	left, err := store.ScrubOwed(context.Background())
	if err != nil || left != 1 {
		t.Fatalf("while the lock is held: %d owed (%v), want 1", left, err)
	}
	held.Rollback()
	if left, err := store.ScrubOwed(context.Background()); err != nil || left != 0 {
		t.Fatalf("after the lock is freed: %d owed (%v), want 0", left, err)
	}
	var owed int64
	if err := admin.Raw("SELECT COUNT(*) FROM " + schema + ".scrub_owed").Scan(&owed).Error; err != nil || owed != 0 {
		t.Fatalf("%d rewrites still recorded as owed (%v)", owed, err)
	}
}

// postgresSchema gives a test's own schema (its DSN and name) and a connection beside the store's
// that sees every schema, as another session of the server.
func postgresSchema(t *testing.T) (dsn, schema string, admin *gorm.DB) {
	t.Helper()
	dsn = modelstest.PostgresDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	admin, err = gorm.Open(postgres.Open(os.Getenv(modelstest.PostgresEnv)), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if db, err := admin.DB(); err == nil {
			db.Close()
		}
	})
	return dsn, u.Query().Get("search_path"), admin
}

// loggedPostgresEnv is a test environment on the PostgreSQL schema dsn, its store logging to the
// buffer returned; vacuumFullMax is the store's VacuumFullMaxBytes (0: the default).
func loggedPostgresEnv(t *testing.T, dsn string, vacuumFullMax int64) (*env, *models.Store, *syncBuffer) {
	t.Helper()
	storeLog := &syncBuffer{}
	clock := modelstest.NewClock(time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC))
	store, err := models.Open(models.Options{DSN: dsn, Clock: clock.Now, Hashing: modelstest.FastHashing, PublicURL: "https://tongsheng.test",
		DataKey: make([]byte, 32), Logger: slog.New(slog.NewJSONHandler(storeLog, nil)), VacuumFullMaxBytes: vacuumFullMax})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := newEnvFrom(t, store, clock)
	e.fixtures()
	return e, store, storeLog
}
