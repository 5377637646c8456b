package models

import (
	"context"
	"strings"
	"testing"
)

// The pool keeps twice as many connections as the api lets requests work at once, so that a
// request holding one connection and asking for another can always be served.
func TestPoolOutnumbersRequestsAtOnce(t *testing.T) {
	s, err := Open(Options{DataDir: t.TempDir(), Hashing: HashParams{MemoryKiB: 64, Time: 1}, DataKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sqlDB, err := s.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	if n, at := sqlDB.Stats().MaxOpenConnections, RequestsAtOnce(); at < 1 || n < 2*at {
		t.Errorf("pool of %d connections for %d requests at once", n, at)
	}
}

// On PostgreSQL, vacuum reaches every table of the store's schema and no other schema's, which
// may belong to another deployment sharing the database.
func TestVacuumKeepsToItsSchema(t *testing.T) {
	s, ok := internalStores(t)[DialectPostgres]
	if !ok {
		t.Skip("TONGSHENG_TEST_POSTGRES not set")
	}
	db := s.db.WithContext(context.Background())
	other := "v_" + strings.ToLower(NewID(s.Now()))
	if err := db.Exec("CREATE SCHEMA " + other + "; CREATE TABLE " + other + ".t (x int)").Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Exec("DROP SCHEMA " + other + " CASCADE") })
	if err := s.vacuum(context.Background()); err != nil {
		t.Fatal(err)
	}
	var missed []string
	if err := db.Raw(`SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND last_vacuum IS NULL`).Scan(&missed).Error; err != nil {
		t.Fatal(err)
	}
	var outside int
	if err := db.Raw(`SELECT COUNT(*) FROM pg_stat_user_tables WHERE schemaname = ? AND last_vacuum IS NOT NULL`, other).Scan(&outside).Error; err != nil {
		t.Fatal(err)
	}
	if len(missed) > 0 || outside != 0 {
		t.Errorf("tables of the schema not vacuumed: %v; tables of another schema vacuumed: %d", missed, outside)
	}
}
