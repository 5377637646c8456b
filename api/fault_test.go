//go:build linux

package api_test

import (
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"tongsheng/models"
	"tongsheng/models/modelstest"
)

// The store on a tiny file system that fills up: reads keep working, every write (sign-in
// included) answers 503 unavailable, /readyz says 503, the log says what failed once, and
// freeing the space recovers within seconds without losing anything acknowledged before.
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the full-disk test mounts a small tmpfs, which needs root")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size=8m,mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs for the full-disk test: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	storeLog := &syncBuffer{}
	clock := modelstest.NewClock(time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC))
	store, err := models.Open(models.Options{DataDir: dir, Clock: clock.Now, Hashing: modelstest.FastHashing,
		PublicURL: "https://tongsheng.test", DataKey: make([]byte, 32), Logger: slog.New(slog.NewJSONHandler(storeLog, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := newEnvFrom(t, store, clock)
	e.fixtures()

	var acked []string // proposals the server answered 201 for
	for i := range 5 {
		acked = append(acked, e.propose("child", fmt.Sprintf("清和公园第%d个秋千", i+1)))
	}
	e.ok(200, "PUT", "/api/v1/proposals/"+acked[0]+"/support", "child2", nil)
	e.ok(201, "POST", "/api/v1/proposals/"+acked[0]+"/comments", "child2", map[string]any{"body": "我不想活了"})

	// Empty the write-ahead log into the database first: otherwise SQLite writes over the log's
	// old pages, and the first writes on a full disk still succeed (which is right, but makes
	// the moment of failure depend on the log's history).
	raw := openRaw(t, filepath.Join(dir, "tongsheng.db"))
	checkpoint(t, raw)
	filler := fill(t, dir)

	// Reads keep working.
	for _, r := range []struct{ url, as string }{
		{"/api/v1/proposals", "child"}, {"/api/v1/proposals/" + acked[0], "child"}, {"/api/v1/me", "child"},
		{"/api/v1/proposals", "committee"}, {"/api/v1/public/proposals", ""}, {"/healthz", ""},
	} {
		e.ok(200, "GET", r.url, r.as, nil)
	}
	// The facilitator's desk shows who needs help although its read cannot be audited now.
	if r := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator", nil); !strings.Contains(r.body, "真名child2") {
		t.Fatalf("the desk on a full disk lacks the cry for help: %s", r.body)
	}
	// Writes answer 503 unavailable in the envelope, with Retry-After; never 500.
	writes := []struct {
		name, method, url, as string
		body                  any
	}{
		{"propose", "POST", "/api/v1/proposals", "child", map[string]any{"body_id": "{council}", "title": "满盘时的建议",
			"description": strings.Repeat("希望公园多种树。", 200), "category": "park"}},
		{"comment", "POST", "/api/v1/proposals/" + acked[1] + "/comments", "child2", map[string]any{"body": "我也想要秋千"}},
		{"support", "PUT", "/api/v1/proposals/" + acked[2] + "/support", "child2", nil},
		{"staff sign-in", "POST", "/api/v1/auth/staff/login", "", map[string]string{"username": "admin", "password": "admin-password"}},
		{"child sign-in", "POST", "/api/v1/auth/child/login", "", map[string]string{"body_code": e.codes["council"], "login_name": "child", "pin": "2580"}},
	}
	for _, w := range writes {
		r := e.do(w.method, w.url, e.tokens[w.as], w.body, nil)
		if r.status != 503 || r.errorCode() != "unavailable" {
			t.Fatalf("%s on a full disk: %d %s, want 503 unavailable", w.name, r.status, r.body)
		}
		checkEnvelope(t, r)
		if r.header.Get("Retry-After") == "" {
			t.Errorf("%s: 503 without Retry-After", w.name)
		}
	}
	if r := e.do("GET", "/readyz", "", nil, nil); r.status != 503 {
		t.Fatalf("/readyz on a full disk: %d %s", r.status, r.body)
	}
	e.ok(200, "GET", "/api/v1/proposals/"+acked[1], "child", nil) // still reading

	// Free the space: /readyz turns to 200 within seconds, writes work again.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for e.do("GET", "/readyz", "", nil, nil).status != 200 {
		if time.Now().After(deadline) {
			t.Fatal("/readyz still 503 20 s after the space was freed")
		}
		time.Sleep(200 * time.Millisecond)
	}
	acked = append(acked, e.propose("child", "空间回来后的建议"))
	e.ok(201, "POST", "/api/v1/proposals/"+acked[1]+"/comments", "child2", map[string]any{"body": "我也想要秋千"})
	e.login("/api/v1/auth/child/login", map[string]string{"body_code": e.codes["council"], "login_name": "child", "pin": "2580"})

	// The log said what failed once, and that it recovered once; nothing a child wrote is in it.
	logs := storeLog.String()
	if n := strings.Count(logs, "database cannot be written"); n != 1 {
		t.Errorf("the failure is logged %d times, want once:\n%s", n, logs)
	}
	if n := strings.Count(logs, "database can be written again"); n != 1 {
		t.Errorf("the recovery is logged %d times, want once:\n%s", n, logs)
	}
	if strings.Contains(logs+e.logs.String(), "秋千") || strings.Contains(logs+e.logs.String(), "希望公园") {
		t.Error("a child's text is in the log")
	}
	if strings.Contains(e.logs.String(), `"request failed"`) {
		t.Errorf("503s are logged as failed requests, once each:\n%s", e.logs.String())
	}

	// Nothing acknowledged is lost, also after a restart.
	store.Close()
	var count int
	if err := raw.QueryRow("SELECT COUNT(*) FROM proposals").Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != len(acked) {
		t.Errorf("%d proposals stored, %d acknowledged", count, len(acked))
	}
	for _, id := range acked {
		var title string
		if err := raw.QueryRow("SELECT title FROM proposals WHERE id = ?", id).Scan(&title); err != nil {
			t.Errorf("acknowledged proposal %s: %v", id, err)
		}
	}
	var supports int
	if err := raw.QueryRow("SELECT support_count FROM proposals WHERE id = ?", acked[0]).Scan(&supports); err != nil || supports != 1 {
		t.Errorf("support acknowledged before the fault: count %d (%v)", supports, err)
	}
	var quick string
	if err := raw.QueryRow("PRAGMA quick_check").Scan(&quick); err != nil || quick != "ok" {
		t.Errorf("quick_check after the fault: %q %v", quick, err)
	}
}

// openRaw opens the SQLite file beside the store, as an operator's tool would.
func openRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// checkpoint moves the write-ahead log into the database and truncates it to nothing.
func checkpoint(t *testing.T, db *sql.DB) {
	t.Helper()
	for range 50 {
		var busy, logged, done int
		if err := db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logged, &done); err != nil {
			t.Fatal(err)
		}
		if busy == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the write-ahead log stayed busy")
}

// fill writes a file into dir until the file system has no room left, and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, chunk := range []int{1 << 20, 4 << 10, 1} {
		buf := make([]byte, chunk)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("fill: %v", err)
				}
				break
			}
		}
	}
	return path
}
