package api

import (
	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

type regionRequest struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	ParentID string `json:"parent_id"`
}

func (s *server) listRegions(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, next, err := s.store.ListRegions(c.UserContext(), actor(c), p)
	if err != nil {
		return err
	}
	return list(c, items, next)
}

func (s *server) createRegion(c *fiber.Ctx) error {
	var req regionRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := s.store.CreateRegion(c.UserContext(), actor(c), models.RegionInput(req))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}
