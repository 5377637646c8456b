package api

import (
	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

type proposalRequest struct {
	BodyID      string `json:"body_id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Category    string `json:"category"`
}

func (s *server) listProposals(c *fiber.Ctx) error {
	limit, err := pageLimit(c)
	if err != nil {
		return err
	}
	mine, err := boolQuery(c, "mine")
	if err != nil {
		return err
	}
	overdue, err := boolQuery(c, "overdue")
	if err != nil {
		return err
	}
	f := models.ProposalFilter{BodyID: c.Query("body_id"), Stage: c.Query("stage"), Category: c.Query("category"),
		Query: c.Query("q"), Mine: mine, Overdue: overdue, DueBefore: c.Query("due_before"), Sort: c.Query("sort")}
	// The cursor's form depends on the order, so the store reads it.
	l, err := s.store.ListProposals(c.UserContext(), actor(c), f, models.Page{Limit: limit, Cursor: c.Query("cursor")})
	if err != nil {
		return err
	}
	for i := range l.Items {
		s.localizeErased(c, &l.Items[i], nil)
	}
	if err := s.store.MarkForChild(c.UserContext(), actor(c), l.Items); err != nil {
		return err
	}
	var next *string
	if l.Next != "" {
		next = &l.Next
	}
	// Written by hand (see listjson.go) into a pooled buffer, which the response copies.
	buf := listBuffers.Get().(*[]byte)
	*buf = appendProposalList((*buf)[:0], l.Items, next, l.Total)
	c.Response().SetBody(*buf)
	listBuffers.Put(buf)
	c.Response().Header.SetContentType(fiber.MIMEApplicationJSON)
	return nil
}

// boolQuery reads an optional true|false query value; anything else is bad_request.
func boolQuery(c *fiber.Ctx, name string) (bool, error) {
	switch c.Query(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, models.BadField(name, "field.unknown_value")
}

func (s *server) createProposal(c *fiber.Ctx) error {
	var req proposalRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := s.store.CreateProposal(c.UserContext(), actor(c), models.ProposalInput(req))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(struct {
		*models.ProposalDetail
		Reasons []reasonView `json:"reasons"`
	}{d, s.reasons(c, d.Held)})
}

func (s *server) getProposal(c *fiber.Ctx) error {
	d, err := s.store.ProposalDetail(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	s.localizeErased(c, &d.ProposalItem, &d.Description)
	return c.JSON(d)
}

// localizeErased writes "withdrawn by its author" in the reader's language where an erased
// proposal's texts were.
func (s *server) localizeErased(c *fiber.Ctx, it *models.ProposalItem, description *string) {
	if !it.Erased {
		return
	}
	it.Title = s.titleOf(langOf(c), it.Title, true)
	if description != nil {
		*description = it.Title
	}
}

// titleOf is a proposal's title as a reader in lang sees it: the store keeps no words of an
// erased proposal, only its mark, which reads "withdrawn by its author".
func (s *server) titleOf(lang, title string, erased bool) string {
	if erased {
		return s.catalog.Text(lang, "ui.erased", nil)
	}
	return title
}

func (s *server) withdrawProposal(c *fiber.Ctx) error {
	d, err := s.store.WithdrawProposal(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *server) overdue(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, next, err := s.store.Overdue(c.UserContext(), actor(c), p)
	if err != nil {
		return err
	}
	return list(c, items, next)
}
