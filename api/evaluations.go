package api

import (
	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

type evaluationRequest struct {
	Ratings models.Ratings `json:"ratings"`
	Comment string         `json:"comment"`
}

type inspectionRequest struct {
	Items   []models.InspectionItem `json:"items"`
	Summary string                  `json:"summary"`
}

func (s *server) evaluate(c *fiber.Ctx) error {
	var req evaluationRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := s.store.Evaluate(c.UserContext(), actor(c), c.Params("id"), req.Ratings, req.Comment)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"status": "ok", "visibility": r.Visibility, "reasons": s.reasons(c, r.Held)})
}

func (s *server) inspect(c *fiber.Ctx) error {
	var req inspectionRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	in, err := s.store.FileInspection(c.UserContext(), actor(c), c.Params("id"), req.Items, req.Summary)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(struct {
		*models.InspectionView
		Reasons []reasonView `json:"reasons"`
	}{in, s.reasons(c, in.Held)})
}
