package api

import (
	"github.com/gofiber/fiber/v2"
)

type voteRequest struct {
	OptionID string `json:"option_id"`
}

func (s *server) support(c *fiber.Ctx) error {
	n, err := s.store.SetSupport(c.UserContext(), actor(c), c.Params("id"), c.Method() == fiber.MethodPut)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"support_count": n})
}

func (s *server) vote(c *fiber.Ctx) error {
	var req voteRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := s.store.CastVote(c.UserContext(), actor(c), c.Params("id"), req.OptionID); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"vote_option_id": req.OptionID})
}

func (s *server) results(c *fiber.Ctx) error {
	r, err := s.store.Results(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}
