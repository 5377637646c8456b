package models

import (
	"context"
	"database/sql"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
)

// SQLite appends every commit to its write-ahead log, and a checkpoint copies the log back into
// the database file. Left to SQLite, the commit that takes the log past a thousand pages copies
// it there and then, holding the one write turn meanwhile: in a city voting at a deadline, every
// hundred and fiftieth vote waited for the copy, and votes spent a third of their time on it. Here
// the writer copies only as a last resort (writerCheckpointPages), and a checkpointer beside it
// copies the log soon after writes, while the writer goes on committing; readers are never held.

// writerDriver opens the writer's connection (see Connect): the SQLite driver, with the log
// copied on commit only past writerCheckpointPages.
const writerDriver = "sqlite3-tongsheng-writer"

// writerCheckpointPages is how long the log may grow (in 4 KiB pages, about 40 MB) before a
// commit copies it itself, should the checkpointer fall behind.
const writerCheckpointPages = 10000

// checkpointPause gathers the commits of a moment into one checkpoint.
const checkpointPause = 20 * time.Millisecond

func init() {
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec("PRAGMA wal_autocheckpoint = "+strconv.Itoa(writerCheckpointPages), nil)
		return err
	}})
}

// checkpointer copies the log into the database file after writes (wrote signals them), on a
// connection of the read pool, until stop closes. A passive checkpoint copies what no reader
// still needs and waits for nobody; the writer goes on meanwhile.
type checkpointer struct {
	wrote   chan struct{}
	stop    chan struct{}
	done    chan struct{}
	closing sync.Once
}

func newCheckpointer() *checkpointer {
	return &checkpointer{wrote: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

// written tells the checkpointer that a write committed; it never waits.
func (c *checkpointer) written() {
	select {
	case c.wrote <- struct{}{}:
	default:
	}
}

func (c *checkpointer) run(db *sql.DB, log *slog.Logger) {
	defer close(c.done)
	var retry <-chan time.Time // set while a reader keeps part of the log from being copied
	for {
		select {
		case <-c.stop:
			return
		case <-c.wrote:
		case <-retry:
		}
		select {
		case <-c.stop:
			return
		case <-time.After(checkpointPause):
		}
		retry = nil
		if !checkpoint(db, log) {
			retry = time.After(checkpointRetry) // try again in a while, writes or not
		}
	}
}

// checkpointRetry is how soon a checkpoint a reader kept from finishing is tried again.
const checkpointRetry = time.Second

// checkpoint copies what it can of the log and reports whether all of it is copied.
func checkpoint(db *sql.DB, log *slog.Logger) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var busy, frames, copied int
	if err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied); err != nil {
		log.Warn("checkpoint", slog.String("error", err.Error()))
		return true // the next write tries again; a failing disk shows in /readyz, not here
	}
	return copied >= frames
}

// close stops the checkpointer and waits for a checkpoint under way.
func (c *checkpointer) close() {
	c.closing.Do(func() { close(c.stop) })
	<-c.done
}
