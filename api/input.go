package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"tongsheng/models"
)

// maxJSONDepth bounds the nesting of request bodies; the API's deepest body has four levels.
const maxJSONDepth = 32

// checkInput is the one place where request input is checked before any handler sees it, so
// that no route can forget it:
//   - the method is one the app knows (405);
//   - the path and every query key and value are valid UTF-8 without NUL (400);
//   - a body is JSON (415, so no cross-site form can post), valid UTF-8, one value with no
//     trailing data, no deeper than maxJSONDepth, and no string in it holds NUL (400);
//   - in an API request, query values naming an ID (`…_id`) and the route's `{id}` have an ID's shape
//     before they reach a query (404 otherwise, as for a missing one).
func (s *server) checkInput(c *fiber.Ctx) error {
	if _, unknown := c.Context().UserValue(unknownMethodKey).(string); unknown {
		return fiber.ErrMethodNotAllowed
	}
	uri := c.Request().URI()
	if err := checkText(uri.PathOriginal()); err != nil {
		return err
	}
	if err := checkText(uri.Path()); err != nil { // percent-decoded
		return err
	}
	// A page of the web app reads its query in the browser and says "not found" in words; the
	// API answers a malformed ID at once.
	if err := checkQuery(uri.QueryArgs(), strings.HasPrefix(c.Path(), "/api/")); err != nil {
		return err
	}
	if body := c.Request().Body(); len(body) > 0 { // raw: limitBody refused compressed bodies
		if !isJSON(c.Get(fiber.HeaderContentType)) {
			return models.Errorf(models.CodeUnsupportedMediaType)
		}
		if err := checkJSON(body); err != nil {
			return err
		}
	}
	if !s.routes.pathIDsValid(c.Method(), c.Path()) {
		return models.ErrNotFound
	}
	return c.Next()
}

// checkText refuses invalid UTF-8 and NUL, which PostgreSQL cannot store and no user types.
func checkText(b []byte) error {
	if !utf8.Valid(b) {
		return models.Errorf(models.CodeBadRequest, "error.bad_utf8")
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return models.Errorf(models.CodeBadRequest, "error.nul_character")
	}
	return nil
}

func checkQuery(args *fasthttp.Args, ids bool) error {
	var err error
	args.VisitAll(func(k, v []byte) {
		if err != nil {
			return
		}
		if err = checkText(k); err != nil {
			return
		}
		if err = checkText(v); err != nil {
			return
		}
		if ids && strings.HasSuffix(string(k), "_id") && len(v) > 0 && !models.ValidID(string(v)) {
			err = models.ErrNotFound // no such thing, as for a well-formed ID that is missing
		}
	})
	return err
}

// isJSON reports whether a Content-Type is application/json, in UTF-8 if a charset is named.
func isJSON(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != fiber.MIMEApplicationJSON {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}

// checkJSON walks a body token by token (no recursion, so no depth can exhaust the stack):
// exactly one JSON value, valid UTF-8, nested at most maxJSONDepth deep, no NUL in any key or
// string.
func checkJSON(body []byte) error {
	if !utf8.Valid(body) {
		return models.Errorf(models.CodeBadRequest, "error.bad_utf8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	malformed := models.Errorf(models.CodeBadRequest, "error.malformed_json")
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return malformed
		}
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' || t == '[' {
				if depth++; depth > maxJSONDepth {
					return models.Errorf(models.CodeBadRequest, "error.json_too_deep")
				}
			} else {
				depth--
			}
		case string:
			if strings.IndexByte(t, 0) >= 0 {
				return models.Errorf(models.CodeBadRequest, "error.nul_character")
			}
		}
		if depth == 0 {
			break
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return malformed
	}
	return nil
}

// unknownMethodKey marks a request whose method the router does not know.
const unknownMethodKey = "tongsheng.unknown_method"

// knownMethods lets requests with a method Fiber does not know (which it would answer with a
// plain-text 400 before any middleware runs) through the middleware as GET, marked, so that
// checkInput answers them 405 in the error envelope, logged like any other request.
func knownMethods(app *fiber.App, next fasthttp.RequestHandler) fasthttp.RequestHandler {
	known := map[string]bool{}
	for _, m := range app.Config().RequestMethods {
		known[m] = true
	}
	if len(known) == 0 {
		for _, m := range fiber.DefaultMethods {
			known[m] = true
		}
	}
	return func(ctx *fasthttp.RequestCtx) {
		if m := string(ctx.Method()); !known[m] {
			ctx.SetUserValue(unknownMethodKey, m)
			ctx.Request.Header.SetMethod(fiber.MethodGet)
		}
		next(ctx)
	}
}

// routeTable knows the app's routes, read once after they are all registered, to check the
// shape of path IDs and to say which methods a path allows.
type routeTable struct {
	app    *fiber.App
	once   sync.Once
	routes []route
}

type route struct {
	method   string
	segments []string
	api      bool
}

func (t *routeTable) all() []route {
	t.once.Do(func() {
		for _, r := range t.app.GetRoutes(true) {
			t.routes = append(t.routes, route{method: r.Method, segments: splitPath(r.Path), api: strings.HasPrefix(r.Path, "/api/")})
		}
	})
	return t.routes
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match reports whether path segments fit a route's pattern, and the value of its {id}.
func (r route) match(path []string) (id string, ok bool) {
	for i, seg := range r.segments {
		switch {
		case seg == "*":
			return id, true
		case i >= len(path):
			return "", false
		case strings.HasPrefix(seg, ":"):
			if path[i] == "" {
				return "", false
			}
			if seg == ":id" {
				id = path[i]
			}
		case !strings.EqualFold(seg, path[i]):
			return "", false
		}
	}
	return id, len(path) == len(r.segments)
}

// pathIDsValid finds the route that will serve method and path (the first registered that
// matches, as Fiber routes) and reports whether its {id}, if any, has an ID's shape.
func (t *routeTable) pathIDsValid(method, path string) bool {
	segs := splitPath(path)
	for _, r := range t.all() {
		if r.method != method {
			continue
		}
		if id, ok := r.match(segs); ok {
			return !r.api || id == "" || models.ValidID(id)
		}
	}
	return true
}

// allowed lists the methods some route serves path with, for the Allow header of a 405.
func (t *routeTable) allowed(path string) string {
	segs := splitPath(path)
	var methods []string
	for _, r := range t.all() {
		if _, ok := r.match(segs); ok && !slices.Contains(methods, r.method) {
			methods = append(methods, r.method)
		}
	}
	slices.SortFunc(methods, func(a, b string) int {
		return slices.Index(fiber.DefaultMethods, a) - slices.Index(fiber.DefaultMethods, b)
	})
	return strings.Join(methods, ", ")
}
