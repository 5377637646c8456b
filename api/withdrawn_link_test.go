package api_test

import (
	"strings"
	"testing"
)

// After withdrawing, the guardian's link still shows where things stand and exports what is
// held, as the notice promised; it grants nothing any more, and withdrawing again may still
// erase what the first withdrawal kept.
func TestWithdrawnLinkStillShowsAndExports(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id, token := e.newMember("withdrawer", "小溪")
		e.ids["withdrawer"] = id
		c := "/api/v1/consent/" + token
		e.ok(200, "POST", c, "", grant(nil))
		e.signIn("withdrawer", "/api/v1/auth/child/login", map[string]string{"body_code": e.codes["council"], "login_name": "withdrawer", "pin": "1357"})
		e.ok(200, "POST", "/api/v1/me/assent", "withdrawer", map[string]any{"agree": true})
		p := e.ok(201, "POST", "/api/v1/proposals", "withdrawer", map[string]any{"body_id": "{council}", "title": "小溪想要的秋千", "category": "park"}).json()["id"].(string)
		e.ok(200, "POST", c+"/withdraw", "", map[string]any{"erase": false})

		e.run(t, []scenario{
			{name: "the link shows the withdrawn state", method: "GET", url: c, status: 200,
				contains: []string{`"status":"withdrawn"`, `"body_name":"测试council"`}, notContains: []string{"小溪\""}},
			{name: "the export still works", method: "GET", url: c + "/export", status: 200,
				contains: []string{`"consent_status":"withdrawn"`, "小溪想要的秋千"}, notContains: []string{`"nickname":"小溪"`, "王芳"}},
			{name: "granting again on it is refused kindly", method: "POST", url: c, body: grant(nil), status: 409, code: "conflict", contains: []string{"只能查看和导出"}},
			{name: "in English", method: "POST", url: c + "?lang=en", body: grant(nil), status: 409, code: "conflict", contains: []string{"only shows and exports"}},
			{name: "refusing on it is refused too", method: "POST", url: c, body: map[string]any{"decision": "deny", "guardian_name": "王芳", "relation": "母亲"}, status: 409, code: "conflict"},
			{name: "withdrawing again, keeping", method: "POST", url: c + "/withdraw", body: map[string]any{"erase": false}, status: 200, contains: []string{`"withdrawn"`}},
			{name: "withdrawing again needs the erase choice", method: "POST", url: c + "/withdraw", body: map[string]any{}, status: 422, code: "validation_failed"},
		})
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p, "child2", nil); !strings.Contains(r.body, "小溪想要的秋千") {
			t.Fatalf("the kept proposal is gone: %s", r.body)
		}
		// The guardian changes their mind: erase what was kept, through the same link.
		e.ok(200, "POST", c+"/withdraw", "", map[string]any{"erase": true})
		if r := e.do("GET", "/api/v1/proposals/"+p, e.tokens["child2"], nil, nil); strings.Contains(r.body, "小溪想要的秋千") {
			t.Fatalf("the erased proposal still reads: %s", r.body)
		}
		if r := e.ok(200, "GET", c+"/export", "", nil); strings.Contains(r.body, "小溪想要的秋千") {
			t.Errorf("the export still holds the erased text: %s", r.body)
		}
		// The child may sign in and read, and is told their state; every write is refused.
		e.signIn("withdrawer", "/api/v1/auth/child/login", map[string]string{"body_code": e.codes["council"], "login_name": "withdrawer", "pin": "1357"})
		if me := e.ok(200, "GET", "/api/v1/me", "withdrawer", nil); !strings.Contains(me.body, `"consent_status":"withdrawn"`) {
			t.Errorf("me after withdrawal: %s", me.body)
		}
		e.refused(t, 403, "consent_required", "POST", "/api/v1/proposals", "withdrawer", newProposal("{council}"))
		// A link never answered is spent by the withdrawal; the staff's paper withdrawal of
		// another child leaves its granted link readable too.
		e.refused(t, 404, "not_found", "GET", "/api/v1/consent/not-a-token-at-all-0000000000", "", nil)
	})
}
