package api

import (
	"bytes"
	"encoding/json"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"

	"tongsheng/locales"

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

// mountFrontend serves the web app: index.html at every page address (never stored) and its
// files under /static/<hash>/ (cached for a year).
func mountFrontend(app *fiber.App, site *frontend.Site, boot map[string][]byte) {
	for _, p := range pages {
		body := site.Pages[p.entry]
		handlers := []fiber.Handler{}
		if p.entry == "child.js" {
			handlers = append(handlers, compress.New()) // it carries the catalog
		}
		child := p.entry == "child.js"
		handlers = append(handlers, func(c *fiber.Ctx) error {
			// no-store: the page carries the signed-in user's first screen, and a shared tablet's
			// Back after sign-out must not bring it back from the browser's history cache.
			c.Set(fiber.HeaderCacheControl, "no-store")
			c.Set(fiber.HeaderContentSecurityPolicy, pageCSP)
			c.Type("html", "utf-8")
			if child {
				return c.Send(withFirstScreenData(c, body, boot))
			}
			return c.Send(body)
		})
		app.Get(p.path, handlers...)
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

// withFirstScreenData gives the children's page what its first screen needs without waiting
// for its modules: the catalog in the device's language and the enums, inside the page (a JSON
// data block, never run), and for a signed-in child a preload of the session and, on the home,
// of the proposals. Those travel with the modules (six requests, one browser's connections to
// a server), so on school Wi-Fi the home is usable after two round trips.
func withFirstScreenData(c *fiber.Ctx, page []byte, boot map[string][]byte) []byte {
	lang := c.Cookies(langCookie)
	if _, ok := boot[lang]; !ok {
		lang = locales.Default
	}
	var head bytes.Buffer
	if data, ok := boot[lang]; ok {
		head.WriteString(`<script type="application/json" id="boot">`)
		head.Write(data)
		head.WriteString("</script>\n")
	}
	if c.Cookies(cookieName) != "" {
		head.WriteString(`<link rel="preload" href="/api/v1/me" as="fetch" crossorigin>` + "\n")
		if c.Path() == "/" {
			head.WriteString(`<link rel="preload" href="/api/v1/proposals?limit=100" as="fetch" crossorigin>` + "\n")
		}
	}
	head.WriteString("</head>")
	return bytes.Replace(page, []byte("</head>"), head.Bytes(), 1)
}

// bootData is, for each language, what the children's page carries: the language, its catalog
// and the enums and limits, as GET /i18n/{lang} and GET /meta answer them. encoding/json
// escapes <, > and &, so the block cannot end early.
func (s *server) bootData() map[string][]byte {
	out := map[string][]byte{}
	for _, lang := range []string{"zh-CN", "en"} {
		msgs, ok := s.catalog.Messages(lang)
		if !ok {
			continue
		}
		// Without it (it cannot fail for maps of strings and the meta value) the page fetches both.
		if b, err := json.Marshal(map[string]any{"lang": lang, "messages": msgs, "meta": meta}); err == nil {
			out[lang] = b
		}
	}
	return out
}

// langCookie holds the language a device chose (a device setting, like the localStorage entry
// it mirrors, nothing about any child), so the page can preload that catalog.
const langCookie = "ts-lang"
