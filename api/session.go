package api

import (
	"crypto/sha256"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"

	"tongsheng/models"
)

// cookieName holds the browser's session token, out of reach of page scripts.
const cookieName = "tongsheng_session"

// csrfHeader must accompany unsafe requests authenticated by the cookie: a cross-site form
// cannot set it.
const csrfHeader, csrfValue = "X-Requested-With", "tongsheng"

type claims struct {
	Role string `json:"role"`
	jwt.RegisteredClaims
}

// tokens issues and checks HS256 session tokens.
type tokens struct {
	secret []byte
	now    func() time.Time
	seen   *seenTokens // tokens already verified; nil checks every token in full
}

func (t tokens) issue(a *models.Actor, jti string, expires time.Time) (string, error) {
	now := t.now()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims{
		Role: string(a.Role),
		RegisteredClaims: jwt.RegisteredClaims{
			Subject: a.ID, ID: jti, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(expires),
		},
	})
	return tok.SignedString(t.secret)
}

// parse accepts only HS256 tokens with our signature, an expiry in the future, a subject and an
// ID; anything else (alg none, RS256, a bad signature, expired) is unauthenticated. A token
// verified before is recognised by its digest until it expires (see seenTokens): decoding the
// claims cost more than the rest of a child's page but its query.
func (t tokens) parse(raw string) (*claims, error) {
	if cl, ok := t.seen.get(raw, t.now()); ok {
		return cl, nil
	}
	var cl claims
	_, err := jwt.ParseWithClaims(raw, &cl, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithTimeFunc(t.now))
	if err != nil || cl.Subject == "" || cl.ID == "" {
		return nil, models.ErrUnauthenticated
	}
	t.seen.put(raw, &cl)
	return &cl, nil
}

// seenTokensMax bounds the tokens kept; past it the store starts afresh.
const seenTokensMax = 50_000

// seenTokens keeps the claims of tokens that passed parse, by the SHA-256 of the token: a token is
// found again only by its exact bytes, and no secret is compared byte by byte. A kept token stays
// valid until its expiry, as it would if parsed again; whether its session still holds is checked
// on every request (SessionActor).
type seenTokens struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]*claims
}

func (s *seenTokens) get(raw string, now time.Time) (*claims, bool) {
	if s == nil {
		return nil, false
	}
	key := sha256.Sum256([]byte(raw))
	s.mu.Lock()
	cl, ok := s.m[key]
	s.mu.Unlock()
	// As the parser would: expired, issued in the future or not valid yet (the clock may step
	// back) is parsed again, and refused.
	if !ok || !now.Before(cl.ExpiresAt.Time) || cl.IssuedAt != nil && now.Before(cl.IssuedAt.Time) ||
		cl.NotBefore != nil && now.Before(cl.NotBefore.Time) {
		return nil, false
	}
	c := *cl // callers may keep or change their copy
	return &c, true
}

func (s *seenTokens) put(raw string, cl *claims) {
	if s == nil {
		return
	}
	key, c := sha256.Sum256([]byte(raw)), *cl
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil || len(s.m) >= seenTokensMax {
		s.m = make(map[[sha256.Size]byte]*claims)
	}
	s.m[key] = &c
}

// authenticate loads the actor of the request's token (header first, else cookie) into the
// context. Requests authenticated by cookie with an unsafe method need the CSRF header.
func (s *server) authenticate(c *fiber.Ctx) error {
	raw, fromCookie := "", false
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return models.ErrUnauthenticated
		}
		raw = strings.TrimSpace(token)
	} else if ck := c.Cookies(cookieName); ck != "" {
		raw, fromCookie = ck, true
	}
	if raw == "" {
		return models.ErrUnauthenticated
	}
	cl, err := s.tokens.parse(raw)
	if err != nil {
		return err
	}
	if fromCookie && !isSafeMethod(c.Method()) && c.Get(csrfHeader) != csrfValue {
		return models.Errorf(models.CodeForbidden, "error.csrf")
	}
	a, err := s.store.SessionActor(c.UserContext(), cl.ID, cl.Subject)
	if err != nil {
		return err
	}
	if string(a.Role) != cl.Role {
		return models.ErrUnauthenticated
	}
	c.Locals(actorKey, a)
	return c.Next()
}

func isSafeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// actor is the signed-in user of a request that passed authenticate.
func actor(c *fiber.Ctx) *models.Actor {
	return c.Locals(actorKey).(*models.Actor)
}

func (s *server) setSessionCookie(c *fiber.Ctx, token string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name: cookieName, Value: token, Path: "/", Expires: expires,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: s.secureCookies,
	})
}

func (s *server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: cookieName, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: s.secureCookies,
	})
}

// freshCookie marks a browser that has just written: for freshFor its reads go to the primary,
// so that it sees what it wrote while the read replica catches up. It holds only a time; a
// forged one costs no more than reads on the primary.
const (
	freshCookie = "tongsheng_wrote"
	freshFor    = 10 * time.Second
)

// freshReads sends the reads of a client that wrote within freshFor to the primary (see
// models.WithPrimary), and marks each client whose write succeeds. Used with a read replica only.
func (s *server) freshReads(c *fiber.Ctx) error {
	if v := c.Cookies(freshCookie); v != "" {
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil && time.Since(time.UnixMilli(ms)) < freshFor {
			c.SetUserContext(models.WithPrimary(c.UserContext()))
		}
	}
	err := c.Next()
	if err == nil && !isSafeMethod(c.Method()) && c.Response().StatusCode() < 400 {
		c.Cookie(&fiber.Cookie{
			Name: freshCookie, Value: strconv.FormatInt(time.Now().UnixMilli(), 10), Path: "/", MaxAge: int(freshFor / time.Second),
			HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: s.secureCookies,
		})
	}
	return err
}
