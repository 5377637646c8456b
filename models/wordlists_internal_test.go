package models

import (
	"context"
	"testing"

	"tongsheng/moderation"
)

// Two instances share one database: word lists an admin saves on one are in effect on the
// other without a restart.
func TestWordListsReachEveryInstance(t *testing.T) {
	saved := listsCheckEvery
	listsCheckEvery = 0
	defer func() { listsCheckEvery = saved }()
	dir := t.TempDir()
	opts := Options{DataDir: dir, Hashing: HashParams{MemoryKiB: 64, Time: 1}, DataKey: make([]byte, 32)}
	a, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if v := b.Check("你是小气鬼"); v.Action != moderation.Allow {
		t.Fatalf("before: %v", v)
	}
	l := moderation.Defaults()
	l.Hold = append(l.Hold, "小气鬼")
	if err := a.SetWordLists(context.Background(), SystemActor(), l); err != nil {
		t.Fatal(err)
	}
	if v := b.Check("你是小气鬼"); v.Action != moderation.Hold {
		t.Fatalf("the other instance still screens with the old lists: %v", v)
	}
}
