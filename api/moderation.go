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
	Kind string `json:"kind"`
	// Class says what screening read in an insult (threat, body_shaming, exclusion, contempt)
	// or a cry for help (self_harm, abuse); the message then speaks to it.
	Class   string `json:"class,omitempty"`
	Message string `json:"message"`
}

type decideRequest struct {
	Action  string `json:"action"`
	Reason  string `json:"reason"`
	Outcome string `json:"outcome"`
	Note    string `json:"note"`
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

// wordsInput is a wordsRequest as sent: a list that is missing or null stays nil, whatever the
// case of its key ("BLOCK": null would otherwise override "block"), and is refused.
type wordsInput struct {
	Block *[]string `json:"block"`
	Hold  *[]string `json:"hold"`
	Allow *[]string `json:"allow"`
}

// check lets the frontend warn a child before anything is sent; nothing is stored.
func (s *server) check(c *fiber.Ctx) error {
	var req checkRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v := s.store.Check(req.Text)
	lang := langOf(c)
	out := []reasonView{}
	seen := map[string]bool{}
	for _, r := range v.Reasons {
		if seen[r.Kind] {
			continue
		}
		seen[r.Kind] = true
		msg := "moderation.reason." + r.Kind
		if r.Kind == moderation.KindInsult && r.Class != "" {
			msg += "_" + r.Class // a hint that names what hurts: a threat, looks, leaving out, contempt
		}
		out = append(out, reasonView{Kind: r.Kind, Class: r.Class, Message: s.catalog.Text(lang, msg, nil)})
	}
	return c.JSON(fiber.Map{"verdict": v.Action, "reasons": out})
}

// reasons tells a child, in their language, what screening found: each kind once.
func (s *server) reasons(c *fiber.Ctx, kinds []string) []reasonView {
	lang := langOf(c)
	out := []reasonView{}
	seen := map[string]bool{}
	for _, k := range kinds {
		if !seen[k] {
			seen[k] = true
			out = append(out, reasonView{Kind: k, Message: s.catalog.Text(lang, "moderation.reason."+k, nil)})
		}
	}
	return out
}

func (s *server) queue(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	var items []models.QueueItem
	var next string
	switch c.Query("status") {
	case "", models.ItemPending:
		items, next, err = s.store.Queue(c.UserContext(), actor(c), p)
	case "decided": // decided lately, to check and take back
		items, next, err = s.store.Decided(c.UserContext(), actor(c), p)
	default:
		return models.BadField("status", "field.unknown_value")
	}
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
	if err := s.store.Decide(c.UserContext(), actor(c), c.Params("id"), models.DecideInput(req)); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"status": "ok"})
}

func (s *server) report(c *fiber.Ctx) error {
	var req reportRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	held, err := s.store.FileReport(c.UserContext(), actor(c), models.ReportInput(req))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"status": "ok", "reasons": s.reasons(c, held)})
}

func (s *server) words(c *fiber.Ctx) error {
	l, err := s.store.WordLists(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(wordsRequest{Block: nonNil(l.Block), Hold: nonNil(l.Hold), Allow: nonNil(l.Allow)})
}

func (s *server) setWords(c *fiber.Ctx) error {
	var in wordsInput
	if err := decode(c, &in); err != nil {
		return err
	}
	// A null or missing list would silently wipe one.
	for _, l := range []struct {
		name  string
		words *[]string
	}{{"block", in.Block}, {"hold", in.Hold}, {"allow", in.Allow}} {
		if l.words == nil {
			return models.BadField(l.name, "field.required")
		}
	}
	req := wordsRequest{Block: *in.Block, Hold: *in.Hold, Allow: *in.Allow}
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

func (s *server) undoDecision(c *fiber.Ctx) error {
	if err := s.store.UndoDecision(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"status": "ok"})
}
