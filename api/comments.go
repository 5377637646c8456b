package api

import (
	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

type commentRequest struct {
	Body     string `json:"body"`
	OptionID string `json:"option_id"`
	ParentID string `json:"parent_id"`
}

func (s *server) listComments(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, next, err := s.store.ListComments(c.UserContext(), actor(c), c.Params("id"), p)
	if err != nil {
		return err
	}
	return list(c, items, next)
}

func (s *server) addComment(c *fiber.Ctx) error {
	var req commentRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	cm, err := s.store.AddComment(c.UserContext(), actor(c), c.Params("id"), models.CommentInput(req))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(struct {
		*models.CommentView
		Reasons []reasonView `json:"reasons"`
	}{cm, s.reasons(c, cm.Held)})
}
