package models

import (
	"context"
	"strings"
	"testing"
)

// Sealing the guardians' relations (0006) with a data key other than the one that sealed the
// contacts already stored stops, changing nothing; with the right key it seals them.
func TestSealRelationsNeedsTheDataKey(t *testing.T) {
	dir := t.TempDir()
	key, other := make([]byte, 32), make([]byte, 32)
	other[0] = 1
	open := func(key []byte) (*Store, error) {
		return Open(Options{DataDir: dir, Hashing: HashParams{MemoryKiB: 64, Time: 1}, DataKey: key})
	}
	s, err := open(key)
	if err != nil {
		t.Fatal(err)
	}
	ctx, sys := context.Background(), SystemActor()
	r, err := s.CreateRegion(ctx, sys, RegionInput{Name: "乐清市", Kind: "city"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.CreateBody(ctx, sys, BodyInput{Name: "测试议事会", Kind: BodyCouncil, RegionID: r.ID, TermEndsOn: "2027-08-31"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddMember(ctx, sys, b.ID, MemberInput{Nickname: "小鱼", LoginName: "kid", PIN: "2580", BirthYear: 2015, BirthMonth: 1,
		Guardian: GuardianInput{Name: "家长", Relation: "外婆", Contact: "g@example.cn"}}); err != nil {
		t.Fatal(err)
	}
	// As the database was before 0006: the relation in plain text, the contact sealed.
	for _, q := range []string{"UPDATE guardians SET relation = '外婆'", "DELETE FROM schema_migrations WHERE id = '0006_seal_relation'"} {
		if err := s.db.Exec(q).Error; err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	if s, err := open(other); err == nil {
		s.Close()
		t.Fatal("the migration sealed the relations with another data key")
	} else if !strings.Contains(err.Error(), "0006_seal_relation") || !strings.Contains(err.Error(), "data key") {
		t.Fatalf("unclear error: %v", err)
	}
	s, err = open(key)
	if err != nil {
		t.Fatalf("with the right key: %v", err)
	}
	defer s.Close()
	var g Guardian
	if err := s.db.Take(&g).Error; err != nil {
		t.Fatal(err)
	}
	if g.Relation == "外婆" || s.sealer.open(g.Relation) != "外婆" {
		t.Fatalf("relation %q is not sealed with the data key", g.Relation)
	}
}
