package api

import (
	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

type stageRequest struct {
	To         string `json:"to"`
	Note       string `json:"note"`
	Summary    string `json:"summary"`
	MergedInto string `json:"merged_into"`
}

type decisionRequest struct {
	Outcome           string `json:"outcome"`
	ChildSummary      string `json:"child_summary"`
	Details           string `json:"details"`
	ResponsibleUnit   string `json:"responsible_unit"`
	PlannedCompletion string `json:"planned_completion"`
	NoticeDays        *int   `json:"notice_days"`
}

type optionRequest struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	ImageURL    string `json:"image_url"`
}

func (s *server) changeStage(c *fiber.Ctx) error {
	var req stageRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := s.store.ChangeStage(c.UserContext(), actor(c), c.Params("id"), models.StageInput(req))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *server) postDecision(c *fiber.Ctx) error {
	var req decisionRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := s.store.PostDecision(c.UserContext(), actor(c), c.Params("id"), models.DecisionInput(req))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *server) addOption(c *fiber.Ctx) error {
	var req optionRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	o, err := s.store.AddOption(c.UserContext(), actor(c), c.Params("id"), models.OptionInput(req))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(o)
}
