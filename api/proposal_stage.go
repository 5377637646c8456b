package api

import (
	"errors"

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

type bulkStageRequest struct {
	IDs  []string `json:"ids"`
	To   string   `json:"to"`
	Note string   `json:"note"`
}

// bulkMoveView is one proposal's answer in a bulk move: 200 with its new stage, or the status
// and error envelope the single move would have answered.
type bulkMoveView struct {
	ID     string     `json:"id"`
	Status int        `json:"status"`
	Stage  string     `json:"stage,omitempty"`
	Error  *errorBody `json:"error,omitempty"`
}

func (s *server) bulkStage(c *fiber.Ctx) error {
	var req bulkStageRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	moves, err := s.store.BulkStage(c.UserContext(), actor(c), req.IDs, models.StageInput{To: req.To, Note: req.Note})
	if err != nil {
		return err
	}
	out := make([]bulkMoveView, len(moves))
	moved := 0
	for i, m := range moves {
		out[i] = bulkMoveView{ID: m.ID, Status: fiber.StatusOK, Stage: m.Stage}
		var dom *models.Error
		if errors.As(m.Err, &dom) {
			status, body := s.domainError(langOf(c), dom)
			out[i].Status, out[i].Stage, out[i].Error = status, "", &body
		} else {
			moved++
		}
	}
	return c.JSON(fiber.Map{"items": out, "moved": moved, "failed": len(out) - moved})
}
