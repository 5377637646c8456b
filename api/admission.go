package api

import (
	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

// turns lets a few requests do their work at once (models.RequestsAtOnce) and the others wait
// their turn, in the order they came. Without it every request went straight to the database
// pool, and when all its connections were busy database/sql handed a freed one to a waiter
// chosen at random, once for every query a request made, so some requests lost the draw
// several times over. A channel's blocked senders are woken first come, first served: the wait
// is the queue ahead, and the work runs with as many at once as the machine can use.
type turns chan struct{}

func newTurns() turns { return make(turns, models.RequestsAtOnce()) }

// take is the middleware: it holds a turn for the handler's run. A streamed reply's writer runs
// after the handler returns, outside the turn, so an export does not hold up the pages.
func (t turns) take(c *fiber.Ctx) error {
	t <- struct{}{}
	defer func() { <-t }()
	return c.Next()
}
