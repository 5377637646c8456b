package api

import (
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"tongsheng/frontend"
	"tongsheng/models"
)

// pageCSP allows the app's own scripts, styles and API only: no inline script, no framing.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'; " +
	"font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// pages are the app's own addresses, each with the entry module of its page type; each answers
// index.html loading that module, which routes within its page type.
var pages = []struct{ path, entry string }{
	{"/", "child.js"}, {"/new", "child.js"}, {"/inbox", "child.js"}, {"/proposals/:id", "child.js"},
	{"/proposals/:id/rate", "child.js"}, {"/proposals/:id/inspect", "child.js"},
	{"/consent/:token", "guardian.js"}, {"/consent/:token/data", "guardian.js"},
	{"/staff", "staff.js"}, {"/staff/*", "staff.js"},
}

// mountFrontend serves the web app: index.html at every page address (never cached) and its
// files under /static/<hash>/ (cached for a year).
func mountFrontend(app *fiber.App, site *frontend.Site) {
	for _, p := range pages {
		body := site.Pages[p.entry]
		app.Get(p.path, func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderCacheControl, "no-cache")
			c.Set(fiber.HeaderContentSecurityPolicy, pageCSP)
			c.Type("html", "utf-8")
			return c.Send(body)
		})
	}
	app.Get("/static/:hash/*", func(c *fiber.Ctx) error {
		name := c.Params("*")
		body, ok := site.Files[name]
		if c.Params("hash") != site.Hash || !ok || strings.HasSuffix(name, ".html") {
			return models.ErrNotFound
		}
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		if t := mime.TypeByExtension(path.Ext(name)); t != "" {
			c.Set(fiber.HeaderContentType, t)
		}
		c.Vary(fiber.HeaderAcceptEncoding)
		// AcceptsEncodings picks the first offer when the header is missing: ask only when it is there.
		if gz, ok := site.Gzip[name]; ok && c.Get(fiber.HeaderAcceptEncoding) != "" && c.AcceptsEncodings("gzip") == "gzip" {
			c.Set(fiber.HeaderContentEncoding, "gzip")
			return c.Send(gz)
		}
		return c.Send(body)
	})
}
