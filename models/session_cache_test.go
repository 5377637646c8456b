package models_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"tongsheng/models"
	"tongsheng/models/modelstest"
)

// twoInstances opens two stores on one database, as two servers behind a load balancer.
func twoInstances(t *testing.T, dialect string) (*models.Store, *models.Store) {
	t.Helper()
	opts := models.Options{DataDir: t.TempDir(), Hashing: modelstest.FastHashing, DataKey: make([]byte, 32)}
	if dialect == models.DialectPostgres {
		if os.Getenv(modelstest.PostgresEnv) == "" {
			t.Skip("needs PostgreSQL")
		}
		opts.DSN = modelstest.PostgresDSN(t)
	}
	var out [2]*models.Store
	for i := range out {
		s, err := models.Open(opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out[i] = s
	}
	return out[0], out[1]
}

// An instance keeps signed-in actors in memory, yet a change made through another instance (a
// logout, a new membership, a withdrawal, a deleted account) holds on the very next request.
func TestKeptSessionsFollowChangesMadeByAnotherInstance(t *testing.T) {
	ctx := context.Background()
	for _, dialect := range modelstest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			a, b := twoInstances(t, dialect)
			sys := models.SystemActor()
			city, err := a.CreateRegion(ctx, sys, models.RegionInput{Name: "乐清市", Kind: "city"})
			if err != nil {
				t.Fatal(err)
			}
			council, _ := a.CreateBody(ctx, sys, models.BodyInput{Name: "议事会", Kind: models.BodyCouncil, RegionID: city.ID})
			observers, _ := a.CreateBody(ctx, sys, models.BodyInput{Name: "观察团", Kind: models.BodyObserverGroup, RegionID: city.ID})
			signIn := func(login string) (*models.Actor, string) {
				m, err := a.AddMember(ctx, sys, council.ID, models.MemberInput{Nickname: "小雨", LoginName: login, PIN: "2580", BirthYear: 2015, BirthMonth: 3})
				if err != nil {
					t.Fatal(err)
				}
				if err := a.RecordPaperConsent(ctx, sys, m.Child.ID, models.PaperConsent{GuardianName: "家长", Relation: "母亲", Reference: "F1"}); err != nil {
					t.Fatal(err)
				}
				child, err := a.ChildSignIn(ctx, council.JoinCode, login, "2580", models.SignIn{Address: "127.0.0.1"})
				if err != nil {
					t.Fatal(err)
				}
				jti, _, err := a.StartSession(ctx, child)
				if err != nil {
					t.Fatal(err)
				}
				return child, jti
			}
			actorOn := func(s *models.Store, child *models.Actor, jti string) (*models.Actor, error) {
				t.Helper()
				return s.SessionActor(ctx, jti, child.ID)
			}

			// A membership added through b: a's next request knows the new body.
			xiaoyu, jti := signIn("xiaoyu")
			for range 3 { // kept after the first
				if got, err := actorOn(a, xiaoyu, jti); err != nil || len(got.BodyIDs) != 1 {
					t.Fatalf("before: %v %v", got, err)
				}
			}
			if _, err := b.AddMember(ctx, sys, observers.ID, models.MemberInput{ChildID: xiaoyu.ID, LoginName: "xiaoyu"}); err != nil {
				t.Fatal(err)
			}
			got, err := actorOn(a, xiaoyu, jti)
			if err != nil || len(got.BodyIDs) != 2 || len(got.ObserverPaths) != 1 {
				t.Fatalf("after a membership through the other instance: %+v %v, want two bodies", got, err)
			}

			// A logout through b: the session fails on a at once.
			if err := b.EndSession(ctx, jti); err != nil {
				t.Fatal(err)
			}
			if _, err := actorOn(a, xiaoyu, jti); !errors.Is(err, models.ErrUnauthenticated) {
				t.Fatalf("a session ended on the other instance still works: %v", err)
			}

			// A withdrawal on paper through b ends the child's sessions everywhere.
			lele, jti2 := signIn("lele")
			if _, err := actorOn(a, lele, jti2); err != nil {
				t.Fatal(err)
			}
			erase := false
			if err := b.WithdrawOnPaper(ctx, sys, lele.ID, models.Withdrawal{Erase: &erase, Reference: "W1"}); err != nil {
				t.Fatal(err)
			}
			if got, err := actorOn(a, lele, jti2); err == nil && got.ConsentStatus == models.ConsentActive {
				t.Fatalf("a withdrawn child still acts with consent on the other instance: %+v", got)
			}

			// A staff account deleted through b cannot act on a.
			acct, err := a.CreateStaff(ctx, sys, models.StaffInput{Username: "fac-one", Password: "a-long-password-1", Role: "facilitator", BodyIDs: []string{council.ID}})
			if err != nil {
				t.Fatal(err)
			}
			fac, err := a.StaffSignIn(ctx, "fac-one", "a-long-password-1", models.SignIn{Address: "127.0.0.1"})
			if err != nil {
				t.Fatal(err)
			}
			fjti, _, _ := a.StartSession(ctx, fac)
			if _, err := a.SessionActor(ctx, fjti, fac.ID); err != nil {
				t.Fatal(err)
			}
			if err := b.DeleteStaff(ctx, sys, acct.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := a.SessionActor(ctx, fjti, fac.ID); !errors.Is(err, models.ErrUnauthenticated) {
				t.Fatalf("a deleted account still acts on the other instance: %v", err)
			}
		})
	}
}

// Lists keep the names of bodies and authors they show, yet a child withdrawn through another
// instance is no longer named in the very next list.
func TestKeptNamesFollowAWithdrawalOnAnotherInstance(t *testing.T) {
	ctx := context.Background()
	for _, dialect := range modelstest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			a, b := twoInstances(t, dialect)
			if _, err := a.GenerateCity(ctx, models.CitySize{Districts: 1, Bodies: 1, ChildrenPerBody: 4, Proposals: 8}, nil); err != nil {
				t.Fatal(err)
			}
			reader, err := a.ChildSignIn(ctx, models.SyntheticJoinCode(0), models.SyntheticLoginName(3), models.SyntheticPIN, models.SignIn{Address: "127.0.0.1"})
			if err != nil {
				t.Fatal(err)
			}
			jti, _, _ := a.StartSession(ctx, reader)
			named := func() map[string]bool {
				t.Helper()
				actor, err := a.SessionActor(ctx, jti, reader.ID)
				if err != nil {
					t.Fatal(err)
				}
				list, err := a.ListProposals(ctx, actor, models.ProposalFilter{}, models.Page{Limit: 20})
				if err != nil {
					t.Fatal(err)
				}
				out := map[string]bool{}
				for _, it := range list.Items {
					if it.Author != nil {
						out[it.Author.Nickname] = true
					}
				}
				return out
			}
			if got := named(); !got["同学1"] || !got["同学2"] {
				t.Fatalf("authors named before: %v", got)
			}
			named() // the names are kept now
			author, err := b.ChildSignIn(ctx, models.SyntheticJoinCode(0), models.SyntheticLoginName(0), models.SyntheticPIN, models.SignIn{Address: "127.0.0.1"})
			if err != nil {
				t.Fatal(err)
			}
			keep := false // the texts stay, under "a participant"
			if err := b.WithdrawOnPaper(ctx, models.SystemActor(), author.ID, models.Withdrawal{Erase: &keep, Reference: "W2"}); err != nil {
				t.Fatal(err)
			}
			if got := named(); got["同学1"] || !got["同学2"] {
				t.Fatalf("after the withdrawal on the other instance the list names %v", got)
			}
		})
	}
}
