package models_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"tongsheng/models"
	"tongsheng/models/modelstest"
)

// The sign-in limits hold across instances: two stores on one PostgreSQL database, guesses
// split between them, count against the same account and the same address.
func TestSignInLimitsAcrossInstances(t *testing.T) {
	dsn := modelstest.PostgresDSN(t)
	open := func() *models.Store {
		s, err := models.Open(models.Options{DSN: dsn, DataDir: t.TempDir(), Hashing: modelstest.FastHashing, DataKey: make([]byte, 32)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	ctx := context.Background()
	sys := models.SystemActor()
	r, err := a.CreateRegion(ctx, sys, models.RegionInput{Name: "乐清市", Kind: "city"})
	if err != nil {
		t.Fatal(err)
	}
	body, err := a.CreateBody(ctx, sys, models.BodyInput{Name: "测试议事会", Kind: models.BodyCouncil, RegionID: r.ID, TermEndsOn: "2027-08-31"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddMember(ctx, sys, body.ID, models.MemberInput{Nickname: "小鱼", LoginName: "kid", PIN: "2580", BirthYear: 2015, BirthMonth: 1,
		Guardian: models.GuardianInput{Name: "家长", Relation: "母亲", Contact: "g@example.cn"}}); err != nil {
		t.Fatal(err)
	}
	var checks atomic.Int64
	for _, s := range []*models.Store{a, b} {
		s.OnSecretCheck(func() { checks.Add(1) })
	}
	// each runs n attempts released at once, alternating between the two instances, and
	// tallies their error codes.
	each := func(n int, attempt func(s *models.Store, i int) error) map[models.Code]int {
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			codes = map[models.Code]int{}
		)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				s := a
				if i%2 == 1 {
					s = b
				}
				err := attempt(s, i)
				var e *models.Error
				if !errors.As(err, &e) {
					t.Errorf("attempt %d: %v", i, err)
					return
				}
				mu.Lock()
				codes[e.Code]++
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		return codes
	}

	got := each(40, func(s *models.Store, i int) error {
		_, err := s.ChildSignIn(ctx, body.JoinCode, "kid", fmt.Sprintf("%04d", 3000+i), models.SignIn{Address: fmt.Sprintf("10.0.0.%d", i)})
		return err
	})
	if n := checks.Load(); n > models.MaxAccountFailures || got[models.CodeUnauthenticated] > models.MaxAccountFailures {
		t.Fatalf("two instances, 40 wrong PINs from 40 addresses: %d checked (%v), want at most %d", n, got, models.MaxAccountFailures)
	}
	if _, err := b.ChildSignIn(ctx, body.JoinCode, "kid", "2580", models.SignIn{Address: "10.0.1.1"}); !isCode(err, models.CodeLocked) {
		t.Fatalf("right PIN on the other instance afterwards: %v, want locked", err)
	}

	checks.Store(0)
	got = each(120, func(s *models.Store, i int) error {
		_, err := s.StaffSignIn(ctx, fmt.Sprintf("nobody%d", i), "wrong-password", models.SignIn{Address: "192.0.2.1"})
		return err
	})
	if n := checks.Load(); n > models.MaxAddressFailures || got[models.CodeUnauthenticated] > models.MaxAddressFailures {
		t.Fatalf("two instances, 120 failures from one address: %d checked (%v), want at most %d", n, got, models.MaxAddressFailures)
	}
}

func isCode(err error, code models.Code) bool {
	var e *models.Error
	return errors.As(err, &e) && e.Code == code
}
