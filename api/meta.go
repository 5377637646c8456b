package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

func (s *server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz answers 503 while the database does not answer within two seconds, or cannot be
// written (disk full, read-only, I/O errors), so that a load balancer sends traffic elsewhere.
func (s *server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.store.Ready(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ok"})
}

// i18nCatalog serves the UI strings of one language from the same catalog as the API messages.
func (s *server) i18nCatalog(c *fiber.Ctx) error {
	msgs, ok := s.catalog.Messages(c.Params("lang"))
	if !ok {
		return models.Errorf(models.CodeNotFound, "error.unknown_language")
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.JSON(fiber.Map{"lang": c.Params("lang"), "messages": msgs})
}
