package api

import (
	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

type memberRequest struct {
	ChildID    string `json:"child_id"`
	Nickname   string `json:"nickname"`
	LoginName  string `json:"login_name"`
	PIN        string `json:"pin"`
	BirthYear  int    `json:"birth_year"`
	BirthMonth int    `json:"birth_month"`
	Sex        string `json:"sex"`
	RealName   string `json:"real_name"`
	Guardian   struct {
		Name     string `json:"name"`
		Relation string `json:"relation"`
		Contact  string `json:"contact"`
	} `json:"guardian"`
}

type pinRequest struct {
	PIN string `json:"pin"`
}

func (s *server) listMembers(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, next, err := s.store.ListMembers(c.UserContext(), actor(c), c.Params("id"), p)
	if err != nil {
		return err
	}
	return list(c, items, next)
}

func (s *server) addMember(c *fiber.Ctx) error {
	var req memberRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	m, err := s.store.AddMember(c.UserContext(), actor(c), c.Params("id"), models.MemberInput{
		ChildID: req.ChildID, Nickname: req.Nickname, LoginName: req.LoginName, PIN: req.PIN,
		BirthYear: req.BirthYear, BirthMonth: req.BirthMonth, Sex: req.Sex, RealName: req.RealName,
		Guardian: models.GuardianInput(req.Guardian),
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

func (s *server) getChild(c *fiber.Ctx) error {
	d, err := s.store.ChildDetails(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *server) setPIN(c *fiber.Ctx) error {
	var req pinRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := s.store.SetPIN(c.UserContext(), actor(c), c.Params("id"), req.PIN); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"status": "ok"})
}
