package models

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// sqlCapture records every statement a store runs, with its values in place.
type sqlCapture struct {
	logger.Interface
	mu   sync.Mutex
	stmt []string
}

func (c *sqlCapture) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	sql, _ := fc()
	c.mu.Lock()
	c.stmt = append(c.stmt, sql)
	c.mu.Unlock()
}

// hotCall is a statement of the hot paths with its values.
type hotCall struct {
	query string
	args  []any
}

// After the planner's statistics are gathered (as every start does), a page of 20 is still read
// in the order of an index: no page sorts every proposal in scope, for a child, a facilitator or
// the committee of a whole city. (Joined with bodies, SQLite used to start from the bodies and
// sort every proposal of the body for each page.)
func TestListPagesReadInIndexOrderAfterAnalyze(t *testing.T) {
	ctx := context.Background()
	s, err := Open(Options{DataDir: t.TempDir(), Hashing: HashParams{MemoryKiB: 64, Time: 1}, DataKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, size := range []CitySize{
		{Districts: 1, Bodies: 1, ChildrenPerBody: 30, Proposals: 600},
		{Districts: 4, Bodies: 40, ChildrenPerBody: 5, Proposals: 2000},
	} {
		if _, err := s.GenerateCity(ctx, size, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.Optimize(ctx); err != nil {
			t.Fatal(err)
		}
		child := syntheticChild(t, s)
		fac, committee := syntheticStaff(t, s, SyntheticFacilitator(0)), syntheticStaff(t, s, SyntheticCommittee)
		for name, a := range map[string]*Actor{"child": child, "facilitator": fac, "committee": committee} {
			capture := &sqlCapture{Interface: logger.Discard}
			saved := s.db
			s.db = s.db.Session(&gorm.Session{Logger: capture})
			var hot []hotCall // a child's page runs as a prepared statement (hot.go)
			s.traceHot = func(q string, args []any) { hot = append(hot, hotCall{q, args}) }
			list, err := s.ListProposals(ctx, a, ProposalFilter{}, Page{Limit: 20})
			if err == nil && list.Next != "" {
				_, err = s.ListProposals(ctx, a, ProposalFilter{}, Page{Limit: 20, Cursor: list.Next})
			}
			s.db, s.traceHot = saved, nil
			if err != nil {
				t.Fatal(err)
			}
			for _, stmt := range capture.stmt {
				hot = append(hot, hotCall{query: stmt})
			}
			pages := 0
			for _, c := range hot {
				stmt := c.query
				if !strings.Contains(stmt, "ORDER BY proposals.id") {
					continue
				}
				pages++
				var plan []struct {
					ID, Parent, Notused int
					Detail              string
				}
				if err := s.db.Raw("EXPLAIN QUERY PLAN "+stmt, c.args...).Scan(&plan).Error; err != nil {
					t.Fatal(err)
				}
				for _, p := range plan {
					if strings.Contains(p.Detail, "TEMP B-TREE") {
						t.Errorf("%d bodies, %s's page sorts its whole scope: %v\n%s", size.Bodies, name, plan, stmt)
					}
				}
			}
			if pages != 2 {
				t.Fatalf("%s: %d page queries seen, want 2", name, pages)
			}
		}
		// Start the next city afresh.
		for _, table := range []string{"proposal_counts", "evaluations", "decisions", "comments", "supports", "votes", "options",
			"proposal_events", "proposals", "consents", "memberships", "children", "sessions", "staff_bodies", "staff", "bodies", "regions"} {
			if err := s.db.Exec("DELETE FROM " + table).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
}

// syntheticChild signs in the second child of a generated city's first body.
func syntheticChild(t *testing.T, s *Store) *Actor {
	t.Helper()
	a, err := s.ChildSignIn(context.Background(), SyntheticJoinCode(0), SyntheticLoginName(1), SyntheticPIN, SignIn{Address: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// syntheticStaff signs in a generated city's staff member.
func syntheticStaff(t *testing.T, s *Store, username string) *Actor {
	t.Helper()
	a, err := s.StaffSignIn(context.Background(), username, SyntheticStaffPassword, SignIn{Address: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}
