package api

import (
	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

type bodyRequest struct {
	Name           string `json:"name"`
	Kind           string `json:"kind"`
	RegionID       string `json:"region_id"`
	Venue          string `json:"venue"`
	TermLabel      string `json:"term_label"`
	TermEndsOn     string `json:"term_ends_on"`
	ResponseDays   *int   `json:"response_days"`
	ModerationMode string `json:"moderation_mode"`
}

func (s *server) listBodies(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f := models.BodyFilter{Kind: c.Query("kind"), RegionID: c.Query("region_id")}
	items, next, err := s.store.ListBodies(c.UserContext(), actor(c), f, p)
	if err != nil {
		return err
	}
	return list(c, items, next)
}

func (s *server) createBody(c *fiber.Ctx) error {
	var req bodyRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	b, err := s.store.CreateBody(c.UserContext(), actor(c), models.BodyInput{
		Name: req.Name, Kind: req.Kind, RegionID: req.RegionID, Venue: req.Venue, TermLabel: req.TermLabel,
		TermEndsOn: req.TermEndsOn, ModerationMode: req.ModerationMode, ResponseDays: req.ResponseDays,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(b)
}

func (s *server) getBody(c *fiber.Ctx) error {
	a := actor(c)
	b, err := s.store.Body(c.UserContext(), a, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(b.ForActor(a))
}
