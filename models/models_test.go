package models_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"tongsheng/models"
	"tongsheng/models/modelstest"
)

func TestIDsSortByCreationAndLookRight(t *testing.T) {
	now := time.Now()
	var ids []string
	for i := range 2000 {
		ids = append(ids, models.NewID(now.Add(time.Duration(i/100)*time.Millisecond)))
	}
	if !sort.StringsAreSorted(ids) {
		t.Fatal("IDs made one after another do not sort in that order")
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if !models.ValidID(id) || seen[id] {
			t.Fatalf("bad or repeated ID %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "x", strings.Repeat("a", 25), strings.Repeat("i", 26), "01AAAAAAAAAAAAAAAAAAAAAAAA", "'; DROP TABLE children;--    "} {
		if models.ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}

func TestNewIDConcurrentUnique(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				id := models.NewID(time.Now())
				mu.Lock()
				if seen[id] {
					t.Errorf("duplicate ID %s", id)
				}
				seen[id] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

func TestAge(t *testing.T) {
	day := func(y, m int) time.Time { return time.Date(y, time.Month(m), 15, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct{ by, bm, y, m, want int }{
		{2016, 3, 2026, 3, 10}, {2016, 3, 2026, 2, 9}, {2016, 12, 2026, 11, 9}, {2016, 1, 2026, 12, 10},
	} {
		if got := models.Age(c.by, c.bm, day(c.y, c.m)); got != c.want {
			t.Errorf("born %d-%02d, on %d-%02d: age %d, want %d", c.by, c.bm, c.y, c.m, got, c.want)
		}
	}
}

func TestNormaliseJoinCode(t *testing.T) {
	if got := models.NormaliseJoinCode(" qhg-y26 "); got != "QHGY26" {
		t.Fatalf("got %q", got)
	}
}

func TestMigrationsRunOnceAndRecord(t *testing.T) {
	for _, d := range modelstest.Dialects() {
		t.Run(d, func(t *testing.T) {
			s := modelstest.Open(t, d, nil, modelstest.FastHashing)
			ran, err := s.Migrate(context.Background())
			if err != nil || len(ran) != 0 {
				t.Fatalf("second migrate ran %v (err %v), want nothing", ran, err)
			}
		})
	}
}

// Several instances may start on one PostgreSQL at once: migrations take turns under an
// advisory lock, so every instance comes up on a fresh schema.
func TestInstancesStartingAtOnceAllComeUp(t *testing.T) {
	if os.Getenv(modelstest.PostgresEnv) == "" {
		t.Skip("needs PostgreSQL: set " + modelstest.PostgresEnv)
	}
	for round := range 3 {
		dsn := modelstest.PostgresDSN(t)
		const instances = 3
		errs := make([]error, instances)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range instances {
			dir := t.TempDir()
			wg.Go(func() {
				<-start
				s, err := models.Open(models.Options{DSN: dsn, DataDir: dir, Hashing: modelstest.FastHashing, DataKey: make([]byte, 32)})
				if err == nil {
					s.Close()
				}
				errs[i] = err
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d, instance %d: %v", round, i, err)
			}
		}
	}
}

// Real names and guardian contacts are sealed at rest: the database file never holds them.
func TestPersonalFieldsSealedAtRest(t *testing.T) {
	dir := t.TempDir()
	s, err := models.Open(models.Options{DataDir: dir, Hashing: modelstest.FastHashing, DataKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sys := models.SystemActor()
	city, _ := s.CreateRegion(ctx, sys, models.RegionInput{Name: "乐清市", Kind: "city"})
	body, err := s.CreateBody(ctx, sys, models.BodyInput{Name: "议事会", Kind: "council", RegionID: city.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.AddMember(ctx, sys, body.ID, models.MemberInput{Nickname: "小雨", LoginName: "xiaoyu", PIN: "864209",
		BirthYear: 2016, BirthMonth: 3, RealName: "欧阳娜娜", Guardian: models.GuardianInput{Name: "欧阳芳", Contact: "13912345678"}})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, name := range []string{"tongsheng.db", "tongsheng.db-wal"} {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		for _, secret := range []string{"欧阳娜娜", "欧阳芳", "13912345678", "864209"} {
			if strings.Contains(string(raw), secret) {
				t.Errorf("%s holds %q in clear", name, secret)
			}
		}
	}
}

// A backup taken while the store is open is a complete, openable database.
func TestBackup(t *testing.T) {
	s := modelstest.Open(t, models.DialectSQLite, nil, modelstest.FastHashing)
	ctx := context.Background()
	if _, err := s.CreateRegion(ctx, models.SystemActor(), models.RegionInput{Name: "常州市", Kind: "city"}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, out); err == nil {
		t.Fatal("a second backup over the first must fail, not overwrite")
	}
	db, err := gorm.Open(sqlite.Open(out), &gorm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var name string
	if err := db.Raw("SELECT name FROM regions").Scan(&name).Error; err != nil || name != "常州市" {
		t.Fatalf("backup holds %q (err %v), want 常州市", name, err)
	}
}

// Whether a child's words are erased is the guardian's choice, and it must be made: a withdrawal
// without it is refused, on paper and by link, and changes nothing.
func TestWithdrawalNeedsTheEraseChoice(t *testing.T) {
	for _, d := range modelstest.Dialects() {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			w := newWorld(t, d, 1)
			child := w.children[0].ID
			err := w.s.WithdrawOnPaper(ctx, w.admin, child, models.Withdrawal{Reference: "W-1"})
			var e *models.Error
			if !errors.As(err, &e) || e.Code != models.CodeValidationFailed || e.Fields["erase"].Key != "field.required" {
				t.Fatalf("paper withdrawal without the choice: %v", err)
			}
			link, err := w.s.NewConsentLink(ctx, w.admin, child)
			if err != nil {
				t.Fatal(err)
			}
			token := link.Link[strings.LastIndex(link.Link, "/")+1:]
			if err := w.s.WithdrawConsent(ctx, token, "192.0.2.1", models.Withdrawal{}); models.ErrorCode(err) != models.CodeValidationFailed {
				t.Fatalf("withdrawal by link without the choice: %v", err)
			}
			me, err := w.s.Me(ctx, w.children[0])
			if err != nil || me.ConsentStatus != models.ConsentActive {
				t.Fatalf("after refused withdrawals: %+v (err %v), want consent still active", me, err)
			}
		})
	}
}
