package models

import (
	"context"
	"testing"
	"time"

	"tongsheng/moderation"
)

// Two instances share one database: word lists an admin saves on one are in effect on the
// other within seconds, without a restart.
func TestWordListsReachEveryInstance(t *testing.T) {
	saved := listsCheckEvery
	listsCheckEvery = 10 * time.Millisecond
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
	if v := a.Check("你是小气鬼"); v.Action != moderation.Hold {
		t.Fatalf("the saving instance does not use its new lists at once: %v", v)
	}
	deadline := time.Now().Add(5 * time.Second)
	for b.Check("你是小气鬼").Action != moderation.Hold {
		if time.Now().After(deadline) {
			t.Fatal("the other instance still screens with the old lists")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// A fresh instance starts with the saved lists.
	c, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if v := c.Check("你是小气鬼"); v.Action != moderation.Hold {
		t.Fatalf("a new instance starts with the old lists: %v", v)
	}
}

// Screening goes on while an admin's save waits for the database: nothing it needs is held by
// the save.
func TestScreeningProceedsWhileListsAreSaved(t *testing.T) {
	saved := listsCheckEvery
	listsCheckEvery = 10 * time.Millisecond
	defer func() { listsCheckEvery = saved }()
	s, err := Open(Options{DataDir: t.TempDir(), Hashing: HashParams{MemoryKiB: 64, Time: 1}, DataKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Another writer holds the database, so the save below waits inside its transaction.
	blocker := s.db.Begin()
	if blocker.Error != nil {
		t.Fatal(blocker.Error)
	}
	if err := blocker.Exec("INSERT INTO settings (key, value, version, updated_at) VALUES ('blocker', '', 1, ?)", s.Now()).Error; err != nil {
		t.Fatal(err)
	}
	l := moderation.Defaults()
	l.Hold = append(l.Hold, "小气鬼")
	saveDone := make(chan error, 1)
	go func() { saveDone <- s.SetWordLists(context.Background(), SystemActor(), l) }()
	time.Sleep(100 * time.Millisecond) // the save is now waiting for the database
	for i := 0; i < 20; i++ {
		start := time.Now()
		if v := s.Check("我不想活了"); !v.Safeguarding() {
			t.Fatalf("screening went wrong during a save: %v", v)
		}
		if d := time.Since(start); d > 50*time.Millisecond {
			t.Fatalf("screening waited %v for a save", d)
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-saveDone:
		t.Fatalf("the save did not wait for the other writer: %v", err)
	default:
	}
	if err := blocker.Rollback().Error; err != nil {
		t.Fatal(err)
	}
	if err := <-saveDone; err != nil {
		t.Fatal(err)
	}
	if v := s.Check("你是小气鬼"); v.Action != moderation.Hold {
		t.Fatalf("after the save: %v", v)
	}
}
