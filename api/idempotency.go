package api

import (
	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

// maxIdempotencyKey is the longest Idempotency-Key accepted (a UUID needs 36 characters).
const maxIdempotencyKey = 255

// idempotent lets a create carry an Idempotency-Key header: the same key from the same user on
// the same route within 24 hours answers the first result again instead of creating a second
// (a double tap, or a retry after an answer lost on school Wi-Fi). Without the header the
// create runs as usual.
func (s *server) idempotent(create fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		key := c.Get("Idempotency-Key")
		if key == "" {
			return create(c)
		}
		if !validIdempotencyKey(key) {
			return models.BadField("idempotency_key", "field.idempotency_key")
		}
		// The route as it matched, with its parameters, so that the spellings the router takes as
		// one (letter case, a trailing slash) are one scope too.
		scope := c.Method() + " " + c.Route().Path
		for _, name := range c.Route().Params {
			scope += " " + c.Params(name)
		}
		res, replayed, err := s.store.Once(c.UserContext(), actor(c).ID, scope, key, func() (models.IdempotentResult, error) {
			if err := create(c); err != nil {
				return models.IdempotentResult{}, err
			}
			return models.IdempotentResult{Status: c.Response().StatusCode(), Body: append([]byte(nil), c.Response().Body()...)}, nil
		})
		if err != nil || !replayed {
			return err
		}
		c.Set("Idempotent-Replayed", "true")
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Status(res.Status).Send(res.Body)
	}
}

// validIdempotencyKey accepts 1 to 255 visible ASCII characters, as clients make them (UUIDs,
// random strings).
func validIdempotencyKey(key string) bool {
	if len(key) > maxIdempotencyKey {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return false
		}
	}
	return true
}
