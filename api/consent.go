package api

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
	"rsc.io/qr"

	"tongsheng/models"
)

type consentDecisionRequest struct {
	Decision     string        `json:"decision"`
	GuardianName string        `json:"guardian_name"`
	Relation     string        `json:"relation"`
	Scopes       models.Scopes `json:"scopes"`
}

type withdrawRequest struct {
	Erase     *bool  `json:"erase"`
	Reference string `json:"reference"`
}

type paperConsentRequest struct {
	GuardianName string        `json:"guardian_name"`
	Relation     string        `json:"relation"`
	Scopes       models.Scopes `json:"scopes"`
	Reference    string        `json:"reference"`
}

type assentRequest struct {
	Agree *bool `json:"agree"`
}

// noticeSections are the parts of the privacy notice (儿童个人信息保护规则) that
// 《儿童个人信息网络保护规定》 Art. 10 asks for, in order; their words are in the catalog.
var noticeSections = []string{"purpose", "collected", "storage", "protection", "refusal", "rights", "complaint", "responsible"}

type noticeSection struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

type noticeScope struct {
	Key      string `json:"key"`
	Required bool   `json:"required"`
	Label    string `json:"label"`
}

// notice is the privacy notice in the reader's language.
func (s *server) notice(lang string) fiber.Map {
	data := map[string]any{"Contact": s.privacyContact}
	if s.privacyContact == "" {
		data["Contact"] = s.catalog.Text(lang, "notice.default_contact", nil)
	}
	sections := make([]noticeSection, len(noticeSections))
	text := s.catalog.Text(lang, "notice.title", nil)
	for i, k := range noticeSections {
		sections[i] = noticeSection{Key: k, Title: s.catalog.Text(lang, "notice."+k+".title", nil), Body: s.catalog.Text(lang, "notice."+k+".body", data)}
		text += "\n\n" + sections[i].Title + "\n" + sections[i].Body
	}
	scopes := []noticeScope{
		{Key: "participate", Required: true, Label: s.catalog.Text(lang, "notice.scope.participate", nil)},
		{Key: "show_publicly", Label: s.catalog.Text(lang, "notice.scope.show_publicly", nil)},
		{Key: "photos", Label: s.catalog.Text(lang, "notice.scope.photos", nil)},
	}
	return fiber.Map{"version": s.store.NoticeVersion(), "title": s.catalog.Text(lang, "notice.title", nil),
		"text": text, "sections": sections, "scopes": scopes}
}

func (s *server) consentView(c *fiber.Ctx) error {
	v, err := s.store.ConsentByLink(c.UserContext(), c.Params("token"), s.clientAddr(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{
		"child":  fiber.Map{"nickname": v.Nickname, "body_name": v.BodyName},
		"notice": s.notice(langOf(c)), "status": v.Status, "scopes": v.Scopes,
	})
}

func (s *server) consentDecide(c *fiber.Ctx) error {
	var req consentDecisionRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	status, err := s.store.DecideConsent(c.UserContext(), c.Params("token"), s.clientAddr(c), models.ConsentDecision(req))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"status": status})
}

func (s *server) consentWithdraw(c *fiber.Ctx) error {
	var req withdrawRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := s.store.WithdrawConsent(c.UserContext(), c.Params("token"), s.clientAddr(c), models.Withdrawal{Erase: req.Erase}); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"status": models.ConsentWithdrawn})
}

func (s *server) consentExport(c *fiber.Ctx) error {
	ex, err := s.store.ExportByLink(c.UserContext(), c.Params("token"), s.clientAddr(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="tongsheng-export.json"`)
	return c.JSON(ex)
}

func (s *server) paperConsent(c *fiber.Ctx) error {
	var req paperConsentRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	err := s.store.RecordPaperConsent(c.UserContext(), actor(c), c.Params("id"), models.PaperConsent{
		GuardianName: req.GuardianName, Relation: req.Relation, ShowPublicly: req.Scopes.ShowPublicly, Photos: req.Scopes.Photos, Reference: req.Reference})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"status": models.ConsentActive})
}

func (s *server) consentLink(c *fiber.Ctx) error {
	link, err := s.store.NewConsentLink(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(link)
}

func (s *server) paperWithdraw(c *fiber.Ctx) error {
	var req withdrawRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := s.store.WithdrawOnPaper(c.UserContext(), actor(c), c.Params("id"), models.Withdrawal(req)); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"status": models.ConsentWithdrawn})
}

// letter is a child's consent link with its QR code, for a printed letter.
type letter struct {
	models.LetterLink
	QR []string `json:"qr"`
}

func (s *server) consentLetters(c *fiber.Ctx) error {
	var req struct {
		Replace bool `json:"replace"`
	}
	if len(c.Body()) > 0 { // the body is optional: no body keeps the live links
		if err := decode(c, &req); err != nil {
			return err
		}
	}
	l, err := s.store.BodyConsentLinks(c.UserContext(), actor(c), c.Params("id"), req.Replace)
	if err != nil {
		return err
	}
	out := make([]letter, len(l.Items))
	for i, it := range l.Items {
		if out[i], err = withQR(it); err != nil {
			return err
		}
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"items": out, "replaced": l.Replaced, "kept": l.Kept})
}

// withQR adds the QR code of the link, as rows of modules ('1' dark, '0' light), so that a
// guardian without a smartphone keyboard can open the link from paper.
func withQR(l models.LetterLink) (letter, error) {
	rows, err := qrRows(l.Link)
	if err != nil {
		return letter{}, err
	}
	return letter{LetterLink: l, QR: rows}, nil
}

// qrRows encodes text as a QR code, as rows of modules ('1' dark, '0' light), for the browser
// to draw.
func qrRows(text string) ([]string, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return nil, fmt.Errorf("encode QR: %w", err)
	}
	rows := make([]string, code.Size)
	for y := range code.Size {
		var b strings.Builder
		for x := range code.Size {
			if code.Black(x, y) {
				b.WriteByte('1')
			} else {
				b.WriteByte('0')
			}
		}
		rows[y] = b.String()
	}
	return rows, nil
}

func (s *server) assent(c *fiber.Ctx) error {
	var req assentRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if req.Agree == nil {
		return &models.Error{Code: models.CodeValidationFailed, Fields: map[string]models.FieldError{"agree": {Key: "field.required"}}}
	}
	a := actor(c)
	if err := s.store.SetAssent(c.UserContext(), a, *req.Agree); err != nil {
		return err
	}
	return s.me(c)
}
