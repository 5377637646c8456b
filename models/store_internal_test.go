package models

import "testing"

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
