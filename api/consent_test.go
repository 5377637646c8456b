package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// newMember adds a child through the API and returns its ID and consent token.
func (e *env) newMember(login, nickname string) (id, token string) {
	e.t.Helper()
	body := newChild(login)
	body["nickname"] = nickname
	r := e.ok(201, "POST", "/api/v1/bodies/{council}/members", "facilitator", body)
	link := r.json()["consent"].(map[string]any)["link"].(string)
	return r.json()["child"].(map[string]any)["id"].(string), link[strings.LastIndex(link, "/")+1:]
}

func grant(scopes map[string]bool) map[string]any {
	return map[string]any{"decision": "grant", "guardian_name": "王芳", "relation": "母亲", "scopes": scopes}
}

func TestGuardianConsentFlow(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id, token := e.newMember("xiaoyu", "小雨")
		e.ids["xiaoyu"] = id
		c := "/api/v1/consent/" + token
		r := e.ok(200, "GET", c, "", nil)
		for _, want := range []string{`"nickname":"小雨"`, `"body_name":"测试council"`, `"status":"pending"`, `"version":1`, `"key":"purpose"`,
			`"key":"complaint"`, `"key":"responsible"`, `"key":"participate","required":true`, `"key":"photos","required":false`, "180 天"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the consent page lacks %s", want)
			}
		}
		if en := e.ok(200, "GET", c+"?lang=en", "", nil); !strings.Contains(en.body, "What you can do") {
			t.Errorf("no English notice: %s", en.body)
		}
		// The child can sign in and read, but not write, until consent and assent.
		e.signIn("xiaoyu", "/api/v1/auth/child/login", map[string]string{"body_code": e.codes["council"], "login_name": "xiaoyu", "pin": "1357"})
		e.refused(t, 403, "consent_required", "POST", "/api/v1/proposals", "xiaoyu", newProposal("{council}"))
		e.refused(t, 409, "conflict", "POST", "/api/v1/me/assent", "xiaoyu", map[string]any{"agree": true})
		// Refusing spends the link; staff issue a new one.
		e.refused(t, 422, "validation_failed", "POST", c, "", map[string]any{"decision": "grant"}) // who grants is recorded
		e.refused(t, 400, "bad_request", "POST", c, "", map[string]any{"decision": "maybe", "guardian_name": "王芳", "relation": "母亲"})
		if r := e.ok(200, "POST", c, "", map[string]any{"decision": "deny"}); !strings.Contains(r.body, `"refused"`) { // refusing asks for no name
			t.Fatalf("deny: %s", r.body)
		}
		e.refused(t, 404, "not_found", "GET", c, "", nil)
		if me := e.ok(200, "GET", "/api/v1/me", "xiaoyu", nil); !strings.Contains(me.body, `"consent_status":"refused"`) {
			t.Fatalf("me after refusal: %s", me.body)
		}
		link := e.ok(201, "POST", "/api/v1/children/{xiaoyu}/consent/link", "facilitator", nil).json()["link"].(string)
		c = "/api/v1/consent/" + link[strings.LastIndex(link, "/")+1:]
		// Granting; a second grant is idempotent and may change the optional scopes.
		if r := e.ok(200, "POST", c, "", grant(map[string]bool{"show_publicly": true})); !strings.Contains(r.body, `"active"`) {
			t.Fatalf("grant: %s", r.body)
		}
		if r := e.ok(200, "POST", c, "", grant(map[string]bool{"show_publicly": true, "photos": true})); !strings.Contains(r.body, `"active"`) {
			t.Fatalf("second grant: %s", r.body)
		}
		e.refused(t, 409, "conflict", "POST", c, "", map[string]any{"decision": "deny", "guardian_name": "王芳", "relation": "母亲"})
		if r := e.ok(200, "GET", c, "", nil); !strings.Contains(r.body, `"status":"active"`) || !strings.Contains(r.body, `"photos":true`) {
			t.Fatalf("the granted link: %s", r.body)
		}
		// The child's own say, asked in simple words: writes wait for it.
		me := e.ok(200, "GET", "/api/v1/me", "xiaoyu", nil)
		if !strings.Contains(me.body, `"consent_status":"active"`) || !strings.Contains(me.body, `"assent":"required"`) {
			t.Fatalf("me after consent: %s", me.body)
		}
		e.refused(t, 403, "consent_required", "POST", "/api/v1/proposals", "xiaoyu", newProposal("{council}"))
		e.refused(t, 422, "validation_failed", "POST", "/api/v1/me/assent", "xiaoyu", map[string]any{})
		e.refused(t, 403, "forbidden", "POST", "/api/v1/me/assent", "facilitator", map[string]any{"agree": true})
		e.ok(200, "POST", "/api/v1/me/assent", "xiaoyu", map[string]any{"agree": true})
		e.ok(201, "POST", "/api/v1/proposals", "xiaoyu", newProposal("{council}"))
		// Public views show the nickname now that the guardian allowed it.
		if r := e.ok(200, "GET", "/api/v1/public/proposals", "", nil); !strings.Contains(r.body, `"nickname":"小雨","age":10`) {
			t.Fatalf("public name: %s", r.body)
		}
		// The audit log keeps every consent event.
		audit := e.ok(200, "GET", "/api/v1/audit?child_id={xiaoyu}&limit=100", "admin", nil)
		for _, ev := range []string{"consent.deny", "consent.link", "consent.grant", "assent.given", "member.add"} {
			if !strings.Contains(audit.body, `"action":"`+ev+`"`) {
				t.Errorf("audit lacks %s", ev)
			}
		}
	})
}

func TestConsentLinksExpireAndAreReplaced(t *testing.T) {
	e := newEnv(t, "sqlite")
	_, old := e.newMember("lele", "乐乐")
	_, expiring := e.newMember("duoduo", "朵朵")
	e.ids["lele"] = e.childID("lele")
	link := e.ok(201, "POST", "/api/v1/children/{lele}/consent/link", "facilitator", nil).json()["link"].(string)
	e.refused(t, 404, "not_found", "GET", "/api/v1/consent/"+old, "", nil) // replaced
	e.ok(200, "GET", "/api/v1/consent/"+link[strings.LastIndex(link, "/")+1:], "", nil)
	e.advance(14*24*time.Hour + time.Second)
	e.refused(t, 404, "not_found", "GET", "/api/v1/consent/"+expiring, "", nil) // expired
	for _, bad := range []string{"x", strings.Repeat("A", 400), "../../etc/passwd"} {
		if r := e.do("GET", "/api/v1/consent/"+bad, "", nil, nil); r.status != 404 {
			t.Errorf("malformed token %q: %d", bad, r.status)
		}
	}
	if r := e.do("GET", "/api/v1/consent/%00", "", nil, nil); r.status != 400 { // NUL is bad input on every route
		t.Errorf("token with NUL: %d, want 400", r.status)
	}
}

func (e *env) childID(login string) string {
	e.t.Helper()
	for _, m := range e.ok(200, "GET", "/api/v1/bodies/{council}/members?limit=100", "facilitator", nil).json()["items"].([]any) {
		if m.(map[string]any)["login_name"] == login {
			return m.(map[string]any)["id"].(string)
		}
	}
	e.t.Fatalf("no member %s", login)
	return ""
}

// Brute-forcing links is limited per address.
func TestConsentLinkBruteForce(t *testing.T) {
	e := newEnv(t, "sqlite")
	for i := range 60 {
		if r := e.do("GET", fmt.Sprintf("/api/v1/consent/guess%040d", i), "", nil, nil); r.status != 404 {
			t.Fatalf("guess %d: %d", i, r.status)
		}
	}
	_, token := e.newMember("kid", "小孩")
	if r := e.do("GET", "/api/v1/consent/"+token, "", nil, nil); r.status != 429 || r.errorCode() != "too_many_requests" {
		t.Fatalf("61st attempt, with a real token: %d %s", r.status, r.body)
	}
}

func TestStaffConsentRoutes(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.ids["waiting"], _ = e.newMember("waiting", "等等")
		paper := map[string]any{"guardian_name": "李华", "relation": "父亲", "scopes": map[string]bool{"show_publicly": false}, "reference": "LC-2026-017"}
		e.run(t, []scenario{
			{name: "letters for every child still waiting", method: "POST", url: "/api/v1/bodies/{council}/consent-links", as: "facilitator", status: 201,
				body: map[string]any{"replace": true}, contains: []string{"{child_pending}", "{waiting}", `"link":"https://tongsheng.test/consent/`}, notContains: []string{`"{child}"`, "{child2}"}},
			{name: "letters: another body's facilitator", method: "POST", url: "/api/v1/bodies/{council}/consent-links", as: "facilitator_other", status: 404, code: "not_found"},
			{name: "letters: a child", method: "POST", url: "/api/v1/bodies/{council}/consent-links", as: "child", status: 403, code: "forbidden"},
			{name: "paper: recorded by the facilitator", method: "POST", url: "/api/v1/children/{child_pending}/consent/paper", as: "facilitator", status: 200, body: paper,
				check: func(t *testing.T, e *env, r response) {
					if me := e.ok(200, "GET", "/api/v1/me", "child_pending", nil); !strings.Contains(me.body, `"consent_status":"active"`) {
						t.Fatalf("after paper consent: %s", me.body)
					}
					if a := e.ok(200, "GET", "/api/v1/audit?staff_id={facilitator}", "admin", nil); !strings.Contains(a.body, `"action":"consent.paper"`) {
						t.Fatalf("the audit log does not keep who recorded it: %s", a.body)
					}
				}},
			{name: "paper: no reference", method: "POST", url: "/api/v1/children/{waiting}/consent/paper", as: "facilitator", status: 422, code: "validation_failed",
				body: map[string]any{"guardian_name": "李华", "relation": "父亲"}, contains: []string{"reference"}},
			{name: "paper: scopes of the wrong type", method: "POST", url: "/api/v1/children/{waiting}/consent/paper", as: "facilitator", status: 400, code: "bad_request",
				body: `{"guardian_name":"李华","relation":"父亲","reference":"x","scopes":{"photos":"yes"}}`},
			{name: "paper: out of scope", method: "POST", url: "/api/v1/children/{waiting}/consent/paper", as: "committee_other", status: 404, code: "not_found", body: paper},
			{name: "paper: a child", method: "POST", url: "/api/v1/children/{waiting}/consent/paper", as: "child", status: 404, code: "not_found", body: paper},
			{name: "link: committee in scope", method: "POST", url: "/api/v1/children/{waiting}/consent/link", as: "committee", status: 201, contains: []string{`"expires_at":"2026-06-03T09:00:00Z"`}},
			{name: "link: unknown child", method: "POST", url: "/api/v1/children/01aaaaaaaaaaaaaaaaaaaaaaaa/consent/link", as: "admin", status: 404, code: "not_found"},
			{name: "paper withdrawal: erase must be chosen", method: "POST", url: "/api/v1/children/{child2}/consent/withdraw", as: "facilitator", status: 422, code: "validation_failed",
				body: map[string]any{"reference": "W-1"}, contains: []string{"erase"}},
			{name: "paper withdrawal: reference required", method: "POST", url: "/api/v1/children/{child2}/consent/withdraw", as: "facilitator", status: 422, code: "validation_failed",
				body: map[string]any{"erase": false}},
			{name: "paper withdrawal", method: "POST", url: "/api/v1/children/{child2}/consent/withdraw", as: "facilitator", status: 200,
				body: map[string]any{"erase": false, "reference": "W-1"}, contains: []string{`"withdrawn"`},
				check: func(t *testing.T, e *env, r response) {
					if me := e.do("GET", "/api/v1/me", e.tokens["child2"], nil, nil); me.status != 401 {
						t.Fatalf("the withdrawn child's session still works: %d", me.status)
					}
				}},
			{name: "paper withdrawal: twice", method: "POST", url: "/api/v1/children/{child2}/consent/withdraw", as: "facilitator", status: 409, code: "conflict",
				body: map[string]any{"erase": false, "reference": "W-2"}},
			{name: "link for a withdrawn child", method: "POST", url: "/api/v1/children/{child2}/consent/link", as: "facilitator", status: 409, code: "conflict"},
		})
	})
}

// The letters carry a QR code of each link that decodes to a square of modules.
func TestConsentLettersHaveQRCodes(t *testing.T) {
	e := newEnv(t, "sqlite")
	r := e.ok(201, "POST", "/api/v1/bodies/{council}/consent-links", "facilitator", map[string]any{"replace": true})
	items := r.json()["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("want the one waiting child: %s", r.body)
	}
	rows := items[0].(map[string]any)["qr"].([]any)
	if len(rows) < 21 {
		t.Fatalf("a QR code has at least 21 rows, this one %d", len(rows))
	}
	for _, row := range rows {
		if s := row.(string); len(s) != len(rows) || strings.Trim(s, "01") != "" {
			t.Fatalf("row %q is not a row of %d modules", s, len(rows))
		}
	}
	// The finder pattern: the top-left corner is seven dark modules.
	if !strings.HasPrefix(rows[0].(string), "1111111") {
		t.Fatalf("no finder pattern: %v", rows[0])
	}
}
