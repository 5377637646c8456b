package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

// turns lets a few requests do their work at once (models.RequestsAtOnce) and the others wait
// their turn, in the order they came. Without it every request went straight to the database
// pool, and when all its connections were busy database/sql handed a freed one to a waiter
// chosen at random, once for every query a request made, so some requests lost the draw
// several times over. A channel's blocked senders are woken first come, first served: the wait
// is the queue ahead, and the work runs with as many at once as the machine can use.
type turns struct {
	places chan struct{}
	wait   time.Duration // the longest a request waits before it is told to try again
}

// DefaultTurnWait is how long a request waits for its turn before it is answered 503
// unavailable with Retry-After: the wait for SQLite's write turn.
const DefaultTurnWait = 10 * time.Second

func newTurns(places int, wait time.Duration) turns {
	if places <= 0 {
		places = models.RequestsAtOnce()
	}
	if wait <= 0 {
		wait = DefaultTurnWait
	}
	return turns{places: make(chan struct{}, places), wait: wait}
}

// take is the middleware: it holds a turn for the handler's run. A streamed reply's writer runs
// after the handler returns, outside the turn, so an export does not hold up the pages; exports
// take turns of their own (see exportCSV).
func (t turns) take(c *fiber.Ctx) error {
	if c.Path() == exportPath {
		return c.Next() // exports wait for places of their own, which must not hold a turn meanwhile
	}
	leave, err := t.enter()
	if err != nil {
		return err
	}
	defer leave()
	return c.Next()
}

// enter waits for a place, in order of arrival, and returns the function that gives it back;
// models.ErrUnavailable after the longest wait.
func (t turns) enter() (leave func(), err error) {
	select {
	case t.places <- struct{}{}:
	default:
		timer := time.NewTimer(t.wait)
		defer timer.Stop()
		select {
		case t.places <- struct{}{}:
		case <-timer.C:
			return nil, models.ErrUnavailable
		}
	}
	return func() { <-t.places }, nil
}

// Exports stream at most DefaultExports at once by default: each holds a read connection while
// it streams, and a dozen at a deadline would leave the pages none. They take these places
// instead of turns, so that an export waiting to start holds up no page; one that cannot start
// within DefaultExportWait is answered 503 unavailable with Retry-After.
const (
	DefaultExports    = 2
	DefaultExportWait = 5 * time.Second
)

// exportPath is the route of the streamed CSV export (exportCSV).
const exportPath = "/api/v1/stats/export.csv"
