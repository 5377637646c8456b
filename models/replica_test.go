package models_test

import (
	"context"
	"os"
	"testing"

	"tongsheng/models"
	"tongsheng/models/modelstest"
)

// With a read replica, the public notice, statistics and exports read from the second
// connection, and a request marked WithPrimary reads from the primary. The "replica" here is a
// database of its own holding another city, so that each answer shows where it was read.
func TestReplicaServesPublicReadsAndThePrimaryAnswersWriters(t *testing.T) {
	ctx := context.Background()
	s := modelstest.ReplicatedCity(t, 7, 3)
	if !s.HasReplica() {
		t.Fatal("a store opened with a read DSN has no replica")
	}
	items, _, err := s.PublicProposals(ctx, models.PublicFilter{}, models.Page{Limit: 50})
	if err != nil || len(items) != 3 {
		t.Fatalf("public list: %d items (%v), want the replica's 3", len(items), err)
	}
	items, _, err = s.PublicProposals(models.WithPrimary(ctx), models.PublicFilter{}, models.Page{Limit: 50})
	if err != nil || len(items) != 7 {
		t.Fatalf("public list for a writer: %d items (%v), want the primary's 7", len(items), err)
	}
	// Writes and sign-ins always go to the primary.
	committee, err := s.StaffSignIn(ctx, models.SyntheticCommittee, models.SyntheticStaffPassword, models.SignIn{Address: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.ListProposals(ctx, committee, models.ProposalFilter{}, models.Page{Limit: 50})
	if err != nil || len(list.Items) != 7 {
		t.Fatalf("the desk list: %v %v, want the primary's 7", list, err)
	}
	// Statistics read the replica, where the committee's region does not exist: nothing in scope.
	st, err := s.Statistics(ctx, committee, models.StatsFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if st.ChildrenActive != 0 {
		t.Fatalf("statistics read the primary: %+v", st)
	}
	if st, err = s.Statistics(models.WithPrimary(ctx), committee, models.StatsFilter{}); err != nil || st.ChildrenActive != 3 {
		t.Fatalf("statistics for a writer: %+v %v, want the primary's 3 children", st, err)
	}

	// A replica on SQLite is refused.
	if _, err := models.Open(models.Options{DataDir: t.TempDir(), ReadDSN: os.Getenv(modelstest.PostgresEnv), DataKey: make([]byte, 32)}); err == nil {
		t.Fatal("a read replica beside SQLite was accepted")
	}
}
