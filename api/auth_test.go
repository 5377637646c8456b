package api_test

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func childLogin(pin string) map[string]any {
	return map[string]any{"body_code": "{code:council}", "login_name": "child", "pin": pin}
}

func TestSignIn(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.run(t, []scenario{
			{name: "staff", method: "POST", url: "/api/v1/auth/staff/login", status: 200,
				body:     map[string]any{"username": "Facilitator", "password": "facilitator-password"},
				contains: []string{`"token":"`, `"role":"facilitator"`, `"body_id":"{council}"`, `"expires_at":"2026-05-20T17:00:00Z"`}},
			{name: "child with a join code typed in lower case with spaces", method: "POST", url: "/api/v1/auth/child/login", status: 200,
				body:     map[string]any{"body_code": " " + strings.ToLower(e.codes["council"][:3]) + " " + e.codes["council"][3:], "login_name": "child", "pin": "2580"},
				contains: []string{`"role":"child"`, `"consent_status":"active"`, `"assent":"given"`, `"expires_at":"2026-05-20T09:30:00Z"`, `"display_name":"童child"`}},
			{name: "wrong password", method: "POST", url: "/api/v1/auth/staff/login", status: 401, code: "unauthenticated",
				body: map[string]any{"username": "admin", "password": "nope"}},
			{name: "unknown user answers like a wrong password", method: "POST", url: "/api/v1/auth/staff/login", status: 401, code: "unauthenticated",
				body: map[string]any{"username": "nobody", "password": "nope"}},
			{name: "wrong PIN", method: "POST", url: "/api/v1/auth/child/login", status: 401, code: "unauthenticated", body: childLogin("0000")},
			{name: "right PIN, wrong body", method: "POST", url: "/api/v1/auth/child/login", status: 401, code: "unauthenticated",
				body: map[string]any{"body_code": "{code:other_council}", "login_name": "child", "pin": "2580"}},
			{name: "malformed", method: "POST", url: "/api/v1/auth/child/login", status: 400, code: "bad_request", body: `[1,2`},
			{name: "pin as a number", method: "POST", url: "/api/v1/auth/child/login", status: 400, code: "bad_request",
				body: `{"body_code":"{code:council}","login_name":"child","pin":2580}`},
			{name: "unknown session kind", method: "POST", url: "/api/v1/auth/staff/login", status: 400, code: "bad_request",
				body: map[string]any{"username": "admin", "password": "admin-password", "session": "jar"}},
			{name: "the message follows Accept-Language", method: "POST", url: "/api/v1/auth/staff/login", status: 401,
				header: map[string]string{"Accept-Language": "en-GB,en;q=0.9"},
				body:   map[string]any{"username": "admin", "password": "nope"}, contains: []string{"Those sign-in details are not right"}},
			{name: "?lang= overrides Accept-Language", method: "POST", url: "/api/v1/auth/staff/login?lang=zh-CN", status: 401,
				header: map[string]string{"Accept-Language": "en"},
				body:   map[string]any{"username": "admin", "password": "nope"}, contains: []string{"登录信息不对"}},
		})
	})
}

// A sixth attempt is refused even with the right PIN until the lock ends (injected clock).
func TestLockout(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		for i := 1; i <= 5; i++ {
			if r := e.do("POST", "/api/v1/auth/child/login", "", childLogin("9999"), nil); r.status != 401 {
				t.Fatalf("wrong PIN %d: status %d, want 401", i, r.status)
			}
		}
		r := e.do("POST", "/api/v1/auth/child/login", "", childLogin("2580"), nil)
		if r.status != 429 || r.errorCode() != "locked" {
			t.Fatalf("right PIN while locked: %d %s, want 429 locked", r.status, r.body)
		}
		if ra := r.header.Get("Retry-After"); ra != "900" {
			t.Fatalf("Retry-After %q, want 900", ra)
		}
		// Another child of the same body is not locked.
		if r := e.do("POST", "/api/v1/auth/child/login", "", map[string]any{"body_code": "{code:council}", "login_name": "child_pending", "pin": "2580"}, nil); r.status != 200 {
			t.Fatalf("another account: %d", r.status)
		}
		e.clock.Advance(14*time.Minute + 59*time.Second)
		if r := e.do("POST", "/api/v1/auth/child/login", "", childLogin("2580"), nil); r.status != 429 || r.header.Get("Retry-After") != "1" {
			t.Fatalf("a second before the end: %d Retry-After %q, want 429 and 1", r.status, r.header.Get("Retry-After"))
		}
		e.clock.Advance(time.Second)
		if r := e.do("POST", "/api/v1/auth/child/login", "", childLogin("2580"), nil); r.status != 200 {
			t.Fatalf("after the lock: %d %s, want 200", r.status, r.body)
		}
		// Success cleared the count: four more failures do not lock.
		for range 4 {
			e.do("POST", "/api/v1/auth/child/login", "", childLogin("9999"), nil)
		}
		if r := e.do("POST", "/api/v1/auth/child/login", "", childLogin("2580"), nil); r.status != 200 {
			t.Fatalf("four failures after a success locked the account: %d", r.status)
		}
	})
}

// A staff lock is lifted by nothing but time; a PIN reset lifts a child's.
func TestPINResetLiftsLock(t *testing.T) {
	e := newEnv(t, "sqlite")
	for range 5 {
		e.do("POST", "/api/v1/auth/child/login", "", childLogin("9999"), nil)
	}
	if r := e.do("POST", "/api/v1/children/{child}/pin", e.tokens["facilitator"], map[string]any{"pin": "4321"}, nil); r.status != 200 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/api/v1/auth/child/login", "", childLogin("4321"), nil); r.status != 200 {
		t.Fatalf("after reset: %d %s", r.status, r.body)
	}
}

// A whole class shares one address: 60 failures in 10 minutes are allowed, the 61st is not.
func TestAddressRateLimit(t *testing.T) {
	e := newEnv(t, "sqlite")
	for i := range 60 {
		body := map[string]any{"username": fmt.Sprintf("user%d", i), "password": "wrong"}
		if r := e.do("POST", "/api/v1/auth/staff/login", "", body, nil); r.status != 401 {
			t.Fatalf("failure %d: %d, want 401", i+1, r.status)
		}
	}
	r := e.do("POST", "/api/v1/auth/staff/login", "", map[string]any{"username": "admin", "password": "admin-password"}, nil)
	if r.status != 429 || r.errorCode() != "too_many_requests" || r.header.Get("Retry-After") == "" {
		t.Fatalf("61st attempt: %d %s, want 429 too_many_requests with Retry-After", r.status, r.body)
	}
	e.clock.Advance(10*time.Minute + time.Second)
	if r := e.do("POST", "/api/v1/auth/staff/login", "", map[string]any{"username": "admin", "password": "admin-password"}, nil); r.status != 200 {
		t.Fatalf("after the window: %d", r.status)
	}
}

func sign(t *testing.T, method jwt.SigningMethod, key any, cl jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, cl).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Every forged, altered, expired or revoked token answers 401.
func TestTokenAttacks(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		good := e.tokens["admin"]
		parts := strings.Split(good, ".")
		parsed, _, err := jwt.NewParser().ParseUnverified(good, jwt.MapClaims{})
		e.must(err)
		claims := parsed.Claims.(jwt.MapClaims)
		rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
		e.must(err)
		none := sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims)
		hs512 := sign(t, jwt.SigningMethodHS512, testSecret, claims)
		rs256 := sign(t, jwt.SigningMethodRS256, rsaKey, claims)
		otherKey := sign(t, jwt.SigningMethodHS256, []byte("another secret of thirty-two byt"), claims)
		tampered := map[string]any{}
		for k, v := range claims {
			tampered[k] = v
		}
		tampered["sub"] = e.ids["facilitator"]
		forgedSub := parts[0] + "." + sign(t, jwt.SigningMethodHS256, []byte("x"), tampered)[len(parts[0])+1:]
		forgedSub = forgedSub[:strings.LastIndex(forgedSub, ".")] + "." + parts[2]
		noExp := map[string]any{}
		for k, v := range claims {
			if k != "exp" {
				noExp[k] = v
			}
		}
		noJTI := map[string]any{}
		for k, v := range claims {
			if k != "jti" {
				noJTI[k] = v
			}
		}
		// A correctly signed token for a session that does not exist.
		unknown := map[string]any{}
		for k, v := range claims {
			unknown[k] = v
		}
		unknown["jti"] = "01aaaaaaaaaaaaaaaaaaaaaaaa"
		roleSwap := map[string]any{}
		for k, v := range claims {
			roleSwap[k] = v
		}
		roleSwap["role"] = "child"

		for name, token := range map[string]string{
			"alg none":                none,
			"HS512":                   hs512,
			"RS256":                   rs256,
			"signed with another key": otherKey,
			"subject swapped":         forgedSub,
			"bad signature":           parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2])),
			"no expiry":               sign(t, jwt.SigningMethodHS256, testSecret, noExp),
			"no jti":                  sign(t, jwt.SigningMethodHS256, testSecret, noJTI),
			"session that never was":  sign(t, jwt.SigningMethodHS256, testSecret, unknown),
			"role claim altered":      sign(t, jwt.SigningMethodHS256, testSecret, roleSwap),
			"garbage":                 "not.a.token",
			"empty bearer":            "",
		} {
			t.Run(name, func(t *testing.T) {
				req := map[string]string{"Authorization": "Bearer " + token}
				if r := e.do(http.MethodGet, "/api/v1/me", "", nil, req); r.status != 401 || r.errorCode() != "unauthenticated" {
					t.Fatalf("%d %s, want 401", r.status, r.body)
				}
			})
		}
		t.Run("Basic scheme", func(t *testing.T) {
			if r := e.do(http.MethodGet, "/api/v1/me", "", nil, map[string]string{"Authorization": "Basic " + good}); r.status != 401 {
				t.Fatalf("%d, want 401", r.status)
			}
		})
		t.Run("issued in the future once the clock steps back", func(t *testing.T) {
			child := e.login("/api/v1/auth/child/login", childLogin("2580"))
			if r := e.do(http.MethodGet, "/api/v1/me", child, nil, nil); r.status != 200 {
				t.Fatalf("fresh child token: %d", r.status)
			}
			e.clock.Advance(-5 * time.Minute) // a token already verified is refused as the parser would
			defer e.clock.Advance(5 * time.Minute)
			if r := e.do(http.MethodGet, "/api/v1/me", child, nil, nil); r.status != 401 {
				t.Fatalf("a token issued in the future: %d, want 401", r.status)
			}
		})
		t.Run("expired", func(t *testing.T) {
			child := e.tokens["child"]
			if r := e.do(http.MethodGet, "/api/v1/me", child, nil, nil); r.status != 200 {
				t.Fatalf("fresh child token: %d", r.status)
			}
			e.clock.Advance(30*time.Minute + time.Second)
			if r := e.do(http.MethodGet, "/api/v1/me", child, nil, nil); r.status != 401 {
				t.Fatalf("child token after 30 minutes: %d, want 401", r.status)
			}
			if r := e.do(http.MethodGet, "/api/v1/me", good, nil, nil); r.status != 200 {
				t.Fatalf("staff token after 30 minutes: %d, want 200", r.status)
			}
			e.clock.Advance(8 * time.Hour)
			if r := e.do(http.MethodGet, "/api/v1/me", good, nil, nil); r.status != 401 {
				t.Fatalf("staff token after 8 hours: %d, want 401", r.status)
			}
		})
	})
}

func TestLogoutRevokesAtOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		token := e.tokens["child"]
		other := e.login("/api/v1/auth/child/login", childLogin("2580")) // a second tablet session
		if r := e.do("POST", "/api/v1/auth/logout", token, nil, nil); r.status != 204 {
			t.Fatalf("logout: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/me", token, nil, nil); r.status != 401 {
			t.Fatalf("revoked token: %d, want 401", r.status)
		}
		if r := e.do("POST", "/api/v1/auth/logout", token, nil, nil); r.status != 401 {
			t.Fatalf("second logout: %d, want 401", r.status)
		}
		if r := e.do("GET", "/api/v1/me", other, nil, nil); r.status != 200 {
			t.Fatalf("the other session: %d, want 200", r.status)
		}
	})
}

func TestCookieSession(t *testing.T) {
	e := newEnv(t, "sqlite")
	r := e.do("POST", "/api/v1/auth/child/login", "", map[string]any{"body_code": "{code:council}", "login_name": "child", "pin": "2580", "session": "cookie"}, nil)
	if r.status != 200 || strings.Contains(r.body, `"token"`) {
		t.Fatalf("cookie sign-in must not put the token in the body: %d %s", r.status, r.body)
	}
	set := r.header.Get("Set-Cookie")
	for _, want := range []string{"tongsheng_session=", "HttpOnly", "SameSite=Strict", "path=/"} {
		if !strings.Contains(set, want) {
			t.Fatalf("Set-Cookie %q lacks %q", set, want)
		}
	}
	cookie := strings.SplitN(set, ";", 2)[0]
	withCookie := func(extra map[string]string) map[string]string {
		h := map[string]string{"Cookie": cookie}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	if r := e.do("GET", "/api/v1/me", "", nil, withCookie(nil)); r.status != 200 {
		t.Fatalf("GET with cookie: %d", r.status)
	}
	if r := e.do("PUT", "/api/v1/me", "", map[string]any{"locale": "en"}, withCookie(nil)); r.status != 403 || r.errorCode() != "forbidden" {
		t.Fatalf("unsafe method without X-Requested-With: %d %s, want 403", r.status, r.body)
	}
	if r := e.do("PUT", "/api/v1/me", "", map[string]any{"locale": "en"}, withCookie(map[string]string{"X-Requested-With": "tongsheng"})); r.status != 200 {
		t.Fatalf("unsafe method with the header: %d %s", r.status, r.body)
	}
	r = e.do("POST", "/api/v1/auth/logout", "", nil, withCookie(map[string]string{"X-Requested-With": "tongsheng"}))
	if r.status != 204 || !strings.Contains(r.header.Get("Set-Cookie"), "tongsheng_session=;") {
		t.Fatalf("logout must clear the cookie: %d %q", r.status, r.header.Get("Set-Cookie"))
	}
	if r := e.do("GET", "/api/v1/me", "", nil, withCookie(nil)); r.status != 401 {
		t.Fatalf("cookie after logout: %d, want 401", r.status)
	}
}

func TestMe(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.run(t, []scenario{
			{name: "consented child", method: "GET", url: "/api/v1/me", as: "child", status: 200,
				contains: []string{`"id":"{child}"`, `"role":"child"`, `"consent_status":"active"`, `"assent":"given"`, `"body_name":"测试council"`, `"kind":"council"`}},
			{name: "child waiting for consent", method: "GET", url: "/api/v1/me", as: "child_pending", status: 200,
				contains: []string{`"consent_status":"pending"`, `"assent":"required"`}},
			{name: "staff have no consent status", method: "GET", url: "/api/v1/me", as: "committee", status: 200,
				contains: []string{`"role":"committee"`, `"memberships":[]`}, notContains: []string{"consent_status"}},
			{name: "set locale", method: "PUT", url: "/api/v1/me", as: "child", status: 200, body: map[string]any{"locale": "en"}, contains: []string{`"locale":"en"`},
				check: func(t *testing.T, e *env, r response) {
					if me := e.do("GET", "/api/v1/me", e.tokens["child"], nil, nil); !strings.Contains(me.body, `"locale":"en"`) {
						t.Fatalf("locale not kept: %s", me.body)
					}
				}},
			{name: "unknown locale", method: "PUT", url: "/api/v1/me", as: "child", status: 400, code: "bad_request", body: map[string]any{"locale": "fr"}},
			{name: "no token", method: "GET", url: "/api/v1/me", status: 401, code: "unauthenticated"},
		})
	})
}
