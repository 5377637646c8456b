package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"tongsheng/models"
)

func newChild(login string) map[string]any {
	return map[string]any{"nickname": "小雨", "login_name": login, "pin": "1357", "birth_year": 2016, "birth_month": 3,
		"real_name": "王小雨", "guardian": map[string]any{"name": "王芳", "relation": "母亲", "contact": "13800138000"}}
}

func TestAddMembers(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.run(t, []scenario{
			{name: "facilitator adds a child and gets a consent link", method: "POST", url: "/api/v1/bodies/{council}/members", as: "facilitator", status: 201,
				body: newChild("xiaoyu"), contains: []string{`"consent_status":"pending"`, `"link":"https://tongsheng.test/consent/`, `"expires_at":"2026-06-03T09:00:00Z"`},
				notContains: []string{"王小雨", "13800138000", "1357"},
				check: func(t *testing.T, e *env, r response) {
					link := r.json()["consent"].(map[string]any)["link"].(string)
					token := link[strings.LastIndex(link, "/")+1:]
					if len(token) < 22 { // 128 bits in base64url
						t.Fatalf("consent token %q is shorter than 128 bits", token)
					}
					// The new child can sign in at once, and can read but not yet write.
					login := e.do("POST", "/api/v1/auth/child/login", "", map[string]any{"body_code": "{code:council}", "login_name": "xiaoyu", "pin": "1357"}, nil)
					if login.status != 200 || !strings.Contains(login.body, `"consent_status":"pending"`) {
						t.Fatalf("new child sign-in: %d %s", login.status, login.body)
					}
				}},
			{name: "committee adds in its subtree", method: "POST", url: "/api/v1/bodies/{council}/members", as: "committee", status: 201, body: newChild("lele")},
			{name: "admin adds anywhere", method: "POST", url: "/api/v1/bodies/{other_council}/members", as: "admin", status: 201, body: newChild("duoduo")},
			{name: "login name taken in the body", method: "POST", url: "/api/v1/bodies/{council}/members", as: "facilitator", status: 409, code: "conflict",
				body: newChild("xiaoyu"), contains: []string{"login_name"}},
			{name: "other facilitator cannot add", method: "POST", url: "/api/v1/bodies/{council}/members", as: "facilitator_other", status: 404, code: "not_found", body: newChild("a1")},
			{name: "committee of another city cannot add", method: "POST", url: "/api/v1/bodies/{council}/members", as: "committee_other", status: 404, code: "not_found", body: newChild("a2")},
			{name: "child may not add to own body", method: "POST", url: "/api/v1/bodies/{council}/members", as: "child", status: 403, code: "forbidden", body: newChild("a3")},
			{name: "child cannot see another body", method: "POST", url: "/api/v1/bodies/{other_council}/members", as: "child", status: 404, code: "not_found", body: newChild("a4")},
			{name: "unknown body", method: "POST", url: "/api/v1/bodies/01aaaaaaaaaaaaaaaaaaaaaaaa/members", as: "admin", status: 404, code: "not_found", body: newChild("a5")},
			{name: "every field wrong", method: "POST", url: "/api/v1/bodies/{council}/members", as: "facilitator", status: 422, code: "validation_failed",
				body:     map[string]any{"nickname": "", "login_name": "Bad Name", "pin": "12", "birth_year": 1990, "birth_month": 13},
				contains: []string{`"nickname"`, `"login_name"`, `"pin"`, `"birth_year"`, `"birth_month"`}},
			{name: "a PIN of letters", method: "POST", url: "/api/v1/bodies/{council}/members", as: "facilitator", status: 422, code: "validation_failed",
				body: map[string]any{"nickname": "小雨", "login_name": "pinletters", "pin": "abcd", "birth_year": 2016, "birth_month": 3}, contains: []string{`"pin"`}},
			{name: "too young", method: "POST", url: "/api/v1/bodies/{council}/members", as: "facilitator", status: 422, code: "validation_failed",
				body: map[string]any{"nickname": "宝宝", "login_name": "baby", "pin": "1234", "birth_year": 2025, "birth_month": 1}, contains: []string{`"birth_year"`}},
			{name: "nickname of 13 characters", method: "POST", url: "/api/v1/bodies/{council}/members", as: "facilitator", status: 422, code: "validation_failed",
				body: map[string]any{"nickname": strings.Repeat("雨", 13), "login_name": "longnick", "pin": "1234", "birth_year": 2016, "birth_month": 3}},
			{name: "birth year as text", method: "POST", url: "/api/v1/bodies/{council}/members", as: "facilitator", status: 400, code: "bad_request",
				body: `{"nickname":"小雨","login_name":"texty","pin":"1234","birth_year":"2016","birth_month":3}`, contains: []string{"birth_year"}},
			{name: "a 100 KB nickname", method: "POST", url: "/api/v1/bodies/{council}/members", as: "facilitator", status: 413, code: "too_large",
				body: map[string]any{"nickname": strings.Repeat("x", 100<<10), "login_name": "big", "pin": "1234", "birth_year": 2016, "birth_month": 3}},
			{name: "invalid UTF-8", method: "POST", url: "/api/v1/bodies/{council}/members", as: "facilitator", status: 400, code: "bad_request",
				body: []byte("{\"nickname\":\"\xff\xfe\",\"login_name\":\"utf\",\"pin\":\"1234\",\"birth_year\":2016,\"birth_month\":3}")},
			{name: "no token", method: "POST", url: "/api/v1/bodies/{council}/members", status: 401, code: "unauthenticated", body: newChild("a6")},

			{name: "an existing child joins another body", method: "POST", url: "/api/v1/bodies/{observers}/members", as: "facilitator", status: 201,
				body: map[string]any{"child_id": "{child}"}, contains: []string{`"id":"{child}"`, `"consent_status":"active"`}, notContains: []string{"link"}},
			{name: "the same child twice", method: "POST", url: "/api/v1/bodies/{observers}/members", as: "facilitator", status: 409, code: "conflict",
				body: map[string]any{"child_id": "{child}"}},
			{name: "a child the facilitator cannot see", method: "POST", url: "/api/v1/bodies/{observers}/members", as: "facilitator", status: 404, code: "not_found",
				body: map[string]any{"child_id": "{child_other}"}},
			{name: "an unknown child", method: "POST", url: "/api/v1/bodies/{observers}/members", as: "facilitator", status: 404, code: "not_found",
				body: map[string]any{"child_id": "nope"}},
		})
		// Only the three good additions were stored.
		r := e.do(http.MethodGet, "/api/v1/bodies/{council}/members?limit=100", e.tokens["facilitator"], nil, nil)
		if n := len(r.json()["items"].([]any)); n != 5 {
			t.Fatalf("council: want 5 members (3 fixtures, 2 added), have %d: %s", n, r.body)
		}
	})
}

func TestAddExistingChildWithTakenLoginName(t *testing.T) {
	e := newEnv(t, "sqlite")
	// A different child in observers already uses the login name "child".
	_, err := e.store.AddMember(context.Background(), sys, e.ids["observers"], models.MemberInput{
		Nickname: "另一个", LoginName: "child", PIN: "1234", BirthYear: 2015, BirthMonth: 1})
	e.must(err)
	r := e.do("POST", "/api/v1/bodies/{observers}/members", e.tokens["facilitator"], map[string]any{"child_id": "{child}"}, nil)
	if r.status != 409 || r.errorCode() != "conflict" {
		t.Fatalf("want 409 conflict, got %d %s", r.status, r.body)
	}
}

func TestListMembers(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.run(t, []scenario{
			{name: "facilitator lists own body", method: "GET", url: "/api/v1/bodies/{council}/members", as: "facilitator", status: 200,
				contains:    []string{"{child}", "{child_pending}", `"consent_status":"active"`, `"consent_status":"pending"`, `"assent":"given"`, `"age":11`, `"login_name":"child"`},
				notContains: []string{"{child_other}", "真名", "家长", "guardian-"}},
			{name: "committee lists in subtree", method: "GET", url: "/api/v1/bodies/{council}/members", as: "committee", status: 200, contains: []string{"{child}"}},
			{name: "admin lists any", method: "GET", url: "/api/v1/bodies/{other_council}/members", as: "admin", status: 200, contains: []string{"{child_other}"}},
			{name: "other facilitator", method: "GET", url: "/api/v1/bodies/{council}/members", as: "facilitator_other", status: 404, code: "not_found"},
			{name: "other committee", method: "GET", url: "/api/v1/bodies/{council}/members", as: "committee_other", status: 404, code: "not_found"},
			{name: "child of the body may not list", method: "GET", url: "/api/v1/bodies/{council}/members", as: "child", status: 403, code: "forbidden"},
			{name: "child of another body", method: "GET", url: "/api/v1/bodies/{other_council}/members", as: "child", status: 404, code: "not_found"},
			{name: "paged", method: "GET", url: "/api/v1/bodies/{council}/members?limit=1", as: "facilitator", status: 200,
				check: func(t *testing.T, e *env, r response) {
					if len(r.json()["items"].([]any)) != 1 || r.json()["next_cursor"] == nil {
						t.Fatalf("want 1 member and a cursor: %s", r.body)
					}
				}},
			{name: "no token", method: "GET", url: "/api/v1/bodies/{council}/members", status: 401, code: "unauthenticated"},
		})
	})
}

func TestChildDetails(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.run(t, []scenario{
			{name: "facilitator sees real name and guardian", method: "GET", url: "/api/v1/children/{child}", as: "facilitator", status: 200,
				contains: []string{`"real_name":"真名child"`, `"contact":"guardian-child@example.cn"`, `"birth_year":2015`, `"body_id":"{council}"`}},
			{name: "committee sees no real name", method: "GET", url: "/api/v1/children/{child}", as: "committee", status: 200,
				contains: []string{`"nickname":"童child"`}, notContains: []string{"real_name", "真名", "guardian-"}},
			{name: "admin sees no real name", method: "GET", url: "/api/v1/children/{child}", as: "admin", status: 200, notContains: []string{"真名", "guardian-"}},
			{name: "other facilitator", method: "GET", url: "/api/v1/children/{child}", as: "facilitator_other", status: 404, code: "not_found"},
			{name: "other committee", method: "GET", url: "/api/v1/children/{child}", as: "committee_other", status: 404, code: "not_found"},
			{name: "township committee sees its township's child", method: "GET", url: "/api/v1/children/{child}", as: "committee_town", status: 200},
			{name: "a child, even about itself", method: "GET", url: "/api/v1/children/{child}", as: "child", status: 404, code: "not_found"},
			{name: "a child about another", method: "GET", url: "/api/v1/children/{child_pending}", as: "child", status: 404, code: "not_found"},
			{name: "unknown", method: "GET", url: "/api/v1/children/01aaaaaaaaaaaaaaaaaaaaaaaa", as: "admin", status: 404, code: "not_found"},
			{name: "no token", method: "GET", url: "/api/v1/children/{child}", status: 401, code: "unauthenticated"},
		})
	})
}

func TestSetPIN(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.run(t, []scenario{
			{name: "facilitator sets a PIN and the child signs in with it", method: "POST", url: "/api/v1/children/{child}/pin", as: "facilitator", status: 200,
				body: map[string]any{"pin": "864209"},
				check: func(t *testing.T, e *env, r response) {
					ok := e.do("POST", "/api/v1/auth/child/login", "", map[string]any{"body_code": "{code:council}", "login_name": "child", "pin": "864209"}, nil)
					old := e.do("POST", "/api/v1/auth/child/login", "", map[string]any{"body_code": "{code:council}", "login_name": "child", "pin": "2580"}, nil)
					if ok.status != 200 || old.status != 401 {
						t.Fatalf("new PIN %d, old PIN %d; want 200 and 401", ok.status, old.status)
					}
				}},
			{name: "committee in scope", method: "POST", url: "/api/v1/children/{child}/pin", as: "committee", status: 200, body: map[string]any{"pin": "2580"}},
			{name: "other facilitator", method: "POST", url: "/api/v1/children/{child}/pin", as: "facilitator_other", status: 404, code: "not_found", body: map[string]any{"pin": "1111"}},
			{name: "a child", method: "POST", url: "/api/v1/children/{child}/pin", as: "child", status: 404, code: "not_found", body: map[string]any{"pin": "1111"}},
			{name: "too short", method: "POST", url: "/api/v1/children/{child}/pin", as: "facilitator", status: 422, code: "validation_failed", body: map[string]any{"pin": "123"}},
			{name: "seven digits", method: "POST", url: "/api/v1/children/{child}/pin", as: "facilitator", status: 422, code: "validation_failed", body: map[string]any{"pin": "1234567"}},
			{name: "a number, not a string", method: "POST", url: "/api/v1/children/{child}/pin", as: "facilitator", status: 400, code: "bad_request", body: `{"pin": 1234}`},
			{name: "no token", method: "POST", url: "/api/v1/children/{child}/pin", status: 401, code: "unauthenticated", body: map[string]any{"pin": "1111"}},
		})
	})
}
