package api

import (
	"github.com/gofiber/fiber/v2"

	"tongsheng/models"
)

type staffRequest struct {
	Username string   `json:"username"`
	Password string   `json:"password"`
	Role     string   `json:"role"`
	RegionID string   `json:"region_id"`
	BodyIDs  []string `json:"body_ids"`
}

func (s *server) listStaff(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, next, err := s.store.ListStaff(c.UserContext(), actor(c), p)
	if err != nil {
		return err
	}
	return list(c, items, next)
}

func (s *server) createStaff(c *fiber.Ctx) error {
	var req staffRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	acct, err := s.store.CreateStaff(c.UserContext(), actor(c), models.StaffInput(req))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(acct)
}

func (s *server) deleteStaff(c *fiber.Ctx) error {
	if err := s.store.DeleteStaff(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *server) auditLog(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f := models.AuditFilter{ChildID: c.Query("child_id"), StaffID: c.Query("staff_id")}
	items, next, err := s.store.AuditLog(c.UserContext(), actor(c), f, p)
	if err != nil {
		return err
	}
	return list(c, items, next)
}
