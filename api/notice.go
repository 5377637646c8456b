package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"tongsheng/frontend"
	"tongsheng/models"
)

// The public notice pages (公示) are served without sign-in like every page of the web app, but
// each with its own title, description and Open Graph tags in the HTML the server sends: a chat
// app's link preview runs no script.

// pageHead is what the server writes into a notice page's <head>.
type pageHead struct {
	title, description, url, kind string // kind is the Open Graph type: website or article
	feed                          string // the Atom feed of the board, if any
	status                        int
}

// descriptionRunes is how much of a long text a link preview gets.
const descriptionRunes = 160

func (s *server) mountNotice(app *fiber.App, site *frontend.Site) {
	page := site.Pages[frontend.NoticeEntry]
	serve := func(head func(*fiber.Ctx) (pageHead, error)) fiber.Handler {
		return func(c *fiber.Ctx) error {
			h, err := head(c)
			if err != nil {
				return err
			}
			body := renderHead(page, langOf(c), s.catalog.Text(langOf(c), "ui.app_name", nil), h)
			sum := sha256.Sum256(body)
			etag := `"` + hex.EncodeToString(sum[:16]) + `"`
			c.Set(fiber.HeaderETag, etag)
			c.Set(fiber.HeaderCacheControl, "no-cache") // a new release changes the module hash
			c.Set(fiber.HeaderVary, "Accept-Language")
			c.Set(fiber.HeaderContentSecurityPolicy, pageCSP)
			if h.status == fiber.StatusOK && c.Get(fiber.HeaderIfNoneMatch) == etag {
				return c.SendStatus(fiber.StatusNotModified)
			}
			c.Type("html", "utf-8")
			return c.Status(h.status).Send(body)
		}
	}
	app.Get("/notice", s.turns.take, serve(s.boardHead))
	app.Get("/notice/proposals/:id", s.turns.take, serve(func(c *fiber.Ctx) (pageHead, error) { return s.proposalHead(c, false) }))
	app.Get("/notice/proposals/:id/print", s.turns.take, serve(func(c *fiber.Ctx) (pageHead, error) { return s.proposalHead(c, true) }))
}

// pageAddress is the public address of this page: the path with the query values the page
// reads, never anything else a client sent.
func (s *server) pageAddress(c *fiber.Ctx, path string, regionID string) string {
	q := url.Values{}
	if regionID != "" {
		q.Set("region_id", regionID)
	}
	if lang := langOf(c); lang != "zh-CN" {
		q.Set("lang", lang)
	}
	u := s.store.PublicURL() + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func (s *server) boardHead(c *fiber.Ctx) (pageHead, error) {
	lang := langOf(c)
	rid := c.Query("region_id")
	h := pageHead{kind: "website", status: fiber.StatusOK, feed: "/api/v1/public/feed.atom"}
	b, err := s.store.PublicBoard(c.UserContext(), rid)
	switch {
	case errors.Is(err, models.ErrNotFound):
		h.status, rid = fiber.StatusNotFound, ""
	case err != nil:
		return h, err
	}
	h.title = s.catalog.Text(lang, "ui.public_board", nil)
	h.description = s.catalog.Text(lang, "ui.public_board_intro", nil)
	if b != nil && b.Region != nil {
		h.title = s.catalog.Text(lang, "ui.public_board_of", map[string]any{"Region": b.Region.Name})
		h.description = s.catalog.Text(lang, "ui.public_board_intro_of", map[string]any{"Region": b.Region.Name})
		h.feed += "?region_id=" + url.QueryEscape(rid)
	}
	h.url = s.pageAddress(c, "/notice", rid)
	return h, nil
}

func (s *server) proposalHead(c *fiber.Ctx, sheet bool) (pageHead, error) {
	lang := langOf(c)
	id := c.Params("id")
	path := "/notice/proposals/" + id
	if sheet {
		path += "/print"
	}
	h := pageHead{kind: "article", status: fiber.StatusOK}
	d, err := s.store.PublicProposal(c.UserContext(), id)
	if errors.Is(err, models.ErrNotFound) {
		return pageHead{kind: "website", status: fiber.StatusNotFound, title: s.catalog.Text(lang, "ui.public_not_found_title", nil),
			description: s.catalog.Text(lang, "ui.public_board_intro", nil), url: s.pageAddress(c, "/notice", "")}, nil
	}
	if err != nil {
		return h, err
	}
	s.localizeErased(c, &d.ProposalItem, &d.Description)
	h.title = d.Title
	if sheet {
		h.title = s.catalog.Text(lang, "ui.public_sheet_of", map[string]any{"Title": d.Title})
	}
	h.description = d.Description
	if d.Decision != nil {
		h.description = s.catalog.Text(lang, "ui.public_outcome_summary", map[string]any{
			"Outcome": s.catalog.Text(lang, "outcome."+d.Decision.Outcome, nil), "Summary": d.Decision.ChildSummary})
	}
	if h.description == "" {
		h.description = s.catalog.Text(lang, "stage."+d.Stage, nil) + " · " + d.Body.Name
	}
	h.url = s.pageAddress(c, path, "")
	return h, nil
}

// renderHead writes h into the page: its language, title, description, canonical address and
// Open Graph tags, every value escaped.
func renderHead(page []byte, lang, site string, h pageHead) []byte {
	esc := html.EscapeString
	desc := h.description
	if utf8.RuneCountInString(desc) > descriptionRunes {
		desc = string([]rune(desc)[:descriptionRunes-1]) + "…"
	}
	desc = strings.Join(strings.Fields(desc), " ")
	ogLocale := map[string]string{"zh-CN": "zh_CN", "en": "en_US"}[lang]
	var b strings.Builder
	b.WriteString("<title>" + esc(h.title+" · "+site) + "</title>\n")
	b.WriteString(`<meta name="description" content="` + esc(desc) + "\">\n")
	b.WriteString(`<link rel="canonical" href="` + esc(h.url) + "\">\n")
	if h.feed != "" {
		b.WriteString(`<link rel="alternate" type="application/atom+xml" href="` + esc(h.feed) + "\">\n")
	}
	for _, m := range [][2]string{{"og:site_name", site}, {"og:title", h.title}, {"og:description", desc}, {"og:type", h.kind},
		{"og:url", h.url}, {"og:locale", ogLocale}} {
		b.WriteString(`<meta property="` + m[0] + `" content="` + esc(m[1]) + "\">\n")
	}
	b.WriteString(`<meta name="twitter:card" content="summary">`)
	out := page
	if i, j := bytes.Index(out, []byte("<title>")), bytes.Index(out, []byte("</title>")); i >= 0 && j > i {
		out = append(append(append([]byte{}, out[:i]...), b.String()...), out[j+len("</title>"):]...)
	}
	return bytes.Replace(out, []byte(`<html lang="zh-CN">`), []byte(`<html lang="`+esc(lang)+`">`), 1)
}
