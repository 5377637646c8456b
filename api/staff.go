package api

import (
	"bytes"
	"encoding/csv"
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

func auditFilter(c *fiber.Ctx) models.AuditFilter {
	return models.AuditFilter{ChildID: c.Query("child_id"), StaffID: c.Query("staff_id"), Action: c.Query("action"),
		From: c.Query("from"), To: c.Query("to")}
}

// auditView is an audit event with its action in the reader's words.
type auditView struct {
	models.AuditView
	ActionText string `json:"action_text"`
}

func (s *server) auditLog(c *fiber.Ctx) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	items, next, err := s.store.AuditLog(c.UserContext(), actor(c), auditFilter(c), p)
	if err != nil {
		return err
	}
	lang := langOf(c)
	out := make([]auditView, len(items))
	for i, it := range items {
		out[i] = auditView{it, s.catalog.Text(lang, "audit."+it.Action, nil)}
	}
	return list(c, out, next)
}

// auditCSV exports the filtered audit log (up to auditExportMax events, newest first) for
// records kept outside the platform, UTF-8 with a byte-order mark, headings and actions in the
// reader's language beside their codes.
func (s *server) auditCSV(c *fiber.Ctx) error {
	f := auditFilter(c)
	lang := langOf(c)
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	head := []string{}
	for _, col := range []string{"at", "actor_role", "actor", "action_code", "action", "subject_type", "subject", "subject_id"} {
		head = append(head, s.catalog.Text(lang, "csv.audit_"+col, nil))
	}
	if err := w.Write(head); err != nil {
		return err
	}
	p := models.Page{Limit: models.MaxPageSize}
	for n := 0; n < auditExportMax; n += models.MaxPageSize {
		items, next, err := s.store.AuditLog(c.UserContext(), actor(c), f, p)
		if err != nil {
			return err
		}
		for _, it := range items {
			err := w.Write([]string{it.At.In(s.store.Location()).Format("2006-01-02 15:04:05"), s.catalog.Text(lang, "role."+it.Actor.Role, nil),
				cell(it.Actor.Name), it.Action, s.catalog.Text(lang, "audit."+it.Action, nil), it.Subject.Type, cell(it.Subject.Name), it.Subject.ID})
			if err != nil {
				return err
			}
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="tongsheng-audit.csv"`)
	return c.Send(buf.Bytes())
}

// auditExportMax bounds one audit export; narrow the filter for more.
const auditExportMax = 50000
