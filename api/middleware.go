package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"tongsheng/models"
)

type localKey int

const (
	actorKey localKey = iota
	langKey
	requestIDKey
)

// DefaultBodyLimit is API.md's limit on request bodies.
const DefaultBodyLimit = 64 << 10

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// observe gives each request an ID, answers errors in the envelope, and logs one line: route
// pattern (never the raw path, which may hold a consent token), status and latency.
func (s *server) observe(c *fiber.Ctx) error {
	start := time.Now()
	id := c.Get(fiber.HeaderXRequestID)
	if !requestIDPattern.MatchString(id) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Locals(requestIDKey, id)
	c.Set(fiber.HeaderXRequestID, id)
	if err := c.Next(); err != nil {
		if herr := s.handleError(c, err); herr != nil {
			return herr
		}
	}
	s.log.Info("request",
		slog.String("request_id", id),
		slog.String("method", c.Method()),
		slog.String("route", c.Route().Path),
		slog.Int("status", c.Response().StatusCode()),
		slog.Float64("latency_ms", float64(time.Since(start).Microseconds())/1000),
	)
	return nil
}

// logPanic logs a recovered panic with its stack and the route pattern; never the request's
// path, query or body, which may hold a consent token or a child's words.
func (s *server) logPanic(c *fiber.Ctx, v any) {
	s.log.Error("panic",
		slog.String("request_id", requestID(c)),
		slog.String("method", c.Method()),
		slog.String("route", c.Route().Path),
		slog.String("panic", fmt.Sprint(v)),
		slog.String("stack", string(debug.Stack())),
	)
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(requestIDKey).(string)
	return id
}

// localize chooses the language of the reply: ?lang= first, then Accept-Language, else zh-CN.
func (s *server) localize(c *fiber.Ctx) error {
	lang := s.catalog.Match(c.Query("lang"), c.Get(fiber.HeaderAcceptLanguage))
	c.Locals(langKey, lang)
	c.Set(fiber.HeaderContentLanguage, lang)
	return c.Next()
}

func langOf(c *fiber.Ctx) string {
	if l, ok := c.Locals(langKey).(string); ok {
		return l
	}
	return "zh-CN"
}

// secure sets the headers every reply carries. API replies hold personal data: never cached.
func (s *server) secure(c *fiber.Ctx) error {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'self'; img-src 'self' data: https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
	c.Set(fiber.HeaderCacheControl, "no-store") // public views and static files set their own
	return c.Next()
}

// limitBody is the first middleware to look at a body. It refuses a compressed body (415): Fiber's
// Ctx.Body inflates Content-Encoding gzip, deflate and br without any bound, so a small request
// could unpack into gigabytes before any limit saw it. It then refuses bodies over limit with
// 413, measured on the raw bytes, except for the routes ("METHOD /path") that raise theirs; the
// server-wide ceiling is the highest of these. Handlers read c.Request().Body(), never c.Body().
func limitBody(limit int, raised map[string]int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !identityEncoding(&c.Request().Header) {
			return models.Errorf(models.CodeUnsupportedMediaType, "error.content_encoding")
		}
		max := limit
		if n, ok := raised[c.Method()+" "+c.Path()]; ok {
			max = n
		}
		if len(c.Request().Body()) > max {
			return models.Errorf(models.CodeTooLarge)
		}
		return c.Next()
	}
}

// identityEncoding reports whether every Content-Encoding header of a request, if any, names
// no encoding but identity.
func identityEncoding(h *fasthttp.RequestHeader) bool {
	for _, v := range h.PeekAll(fiber.HeaderContentEncoding) {
		for _, enc := range strings.Split(string(v), ",") {
			if enc = strings.TrimSpace(enc); enc != "" && !strings.EqualFold(enc, "identity") {
				return false
			}
		}
	}
	return true
}
