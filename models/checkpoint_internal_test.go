package models

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"
)

// walState reads, from the write-ahead log's index (the -shm file), how many frames the log
// holds and how many of them a checkpoint has copied into the database file.
func walState(t *testing.T, dir string) (frames, copied uint32) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "tongsheng.db-shm"))
	if err != nil || len(b) < 100 {
		t.Fatalf("wal index: %v (%d bytes)", err, len(b))
	}
	// WalIndexHdr.mxFrame at 16, WalCkptInfo.nBackfill at 96, in the machine's byte order.
	return binary.NativeEndian.Uint32(b[16:]), binary.NativeEndian.Uint32(b[96:])
}

// Writes are copied from the log into the database file soon after they commit, by the
// checkpointer and not by the commits themselves: the writer copies only past
// writerCheckpointPages, far more than these writes make.
func TestCheckpointerCopiesTheLogAfterWrites(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Options{DataDir: dir, Hashing: HashParams{MemoryKiB: 64, Time: 1}, DataKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var pages int
	if err := s.wdb.Raw("PRAGMA wal_autocheckpoint").Scan(&pages).Error; err != nil || pages != writerCheckpointPages {
		t.Fatalf("the writer copies the log past %d pages (%v), want %d", pages, err, writerCheckpointPages)
	}
	ctx := context.Background()
	for i := range 200 {
		if err := s.tx(ctx, func(tx *gorm.DB) error {
			return tx.Exec("UPDATE heartbeat SET beats = beats + 1, at = ? WHERE id = 1", s.Now().Add(time.Duration(i))).Error
		}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		frames, copied := walState(t, dir)
		if frames > 0 && copied == frames {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("5 s after the writes, %d of the log's %d frames are in the database file", copied, frames)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
