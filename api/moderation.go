package api

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
	"tongsheng/moderation"
)

type checkRequest struct {
	Text string `json:"text"`
}

type reasonView struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

type decideRequest struct {
	Action string `json:"action"`
	Reason string `json:"reason"`
}

type reportRequest struct {
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	Reason     string `json:"reason"`
}

type wordsRequest struct {
	Block []string `json:"block"`
	Hold  []string `json:"hold"`
	Allow []string `json:"allow"`
}

// check lets the frontend warn a child before anything is sent; nothing is stored.
func (s *server) check(c *fiber.Ctx) error {
	var req checkRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v := s.store.Check(req.Text)
	lang := langOf(c)
	reasons := []reasonView{}
	seen := map[string]bool{}
	for _, r := range v.Reasons {
		if !seen[r.Kind] {
			seen[r.Kind] = true
			reasons = append(reasons, reasonView{Kind: r.Kind, Message: s.catalog.Text(lang, "moderation.reason."+r.Kind, nil)})
		}
	}
	return c.JSON(fiber.Map{"verdict": v.Action, "reasons": reasons})
}

func (s *server) queue(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, next, err := s.store.Queue(c.UserContext(), actor(c), p)
	if err != nil {
		return err
	}
	lang := langOf(c)
	type queueView struct {
		models.QueueItem
		Reasons []reasonView `json:"reasons"`
	}
	out := make([]queueView, len(items))
	for i, it := range items {
		out[i] = queueView{QueueItem: it, Reasons: []reasonView{}}
		for _, k := range it.Reasons {
			out[i].Reasons = append(out[i].Reasons, reasonView{Kind: k, Message: s.catalog.Text(lang, "moderation.queue."+k, nil)})
		}
	}
	return list(c, out, next)
}

func (s *server) decide(c *fiber.Ctx) error {
	var req decideRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := s.store.Decide(c.UserContext(), actor(c), c.Params("id"), req.Action, req.Reason); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"status": "ok"})
}

func (s *server) report(c *fiber.Ctx) error {
	var req reportRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := s.store.FileReport(c.UserContext(), actor(c), models.ReportInput(req)); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"status": "ok"})
}

func (s *server) words(c *fiber.Ctx) error {
	l, err := s.store.WordLists(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(wordsRequest{Block: nonNil(l.Block), Hold: nonNil(l.Hold), Allow: nonNil(l.Allow)})
}

func (s *server) setWords(c *fiber.Ctx) error {
	var req wordsRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := requireArrays(c.Body(), "block", "hold", "allow"); err != nil { // null or missing would wipe a list
		return err
	}
	if err := s.store.SetWordLists(c.UserContext(), actor(c), moderation.Lists(req)); err != nil {
		return err
	}
	s.log.Info("moderation word lists replaced", slog.Int("block", len(req.Block)), slog.Int("hold", len(req.Hold)), slog.Int("allow", len(req.Allow)))
	return s.words(c)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
