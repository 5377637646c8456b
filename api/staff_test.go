package api_test

import (
	"strings"
	"testing"
)

func TestStaff(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.run(t, []scenario{
			{name: "admin lists staff without password hashes", method: "GET", url: "/api/v1/staff", as: "admin", status: 200,
				contains:    []string{`"username":"facilitator"`, `"body_ids":["{council}","{observers}"]`, `"region_id":"{yueqing}"`},
				notContains: []string{"argon2", "password"}},
			{name: "committee may not", method: "GET", url: "/api/v1/staff", as: "committee", status: 403, code: "forbidden"},
			{name: "facilitator may not", method: "GET", url: "/api/v1/staff", as: "facilitator", status: 403, code: "forbidden"},
			{name: "child may not", method: "GET", url: "/api/v1/staff", as: "child", status: 403, code: "forbidden"},
			{name: "no token", method: "GET", url: "/api/v1/staff", status: 401, code: "unauthenticated"},

			{name: "admin creates a committee member", method: "POST", url: "/api/v1/staff", as: "admin", status: 201,
				body:     map[string]any{"username": "Wenzhou.Fuer", "password": "a long enough one", "role": "committee", "region_id": "{yueqing}"},
				contains: []string{`"username":"wenzhou.fuer"`, `"role":"committee"`}, notContains: []string{"a long enough one"},
				check: func(t *testing.T, e *env, r response) {
					login := e.do("POST", "/api/v1/auth/staff/login", "", map[string]any{"username": "wenzhou.fuer", "password": "a long enough one"}, nil)
					if login.status != 200 {
						t.Fatalf("the new account cannot sign in: %d %s", login.status, login.body)
					}
				}},
			{name: "admin creates a facilitator", method: "POST", url: "/api/v1/staff", as: "admin", status: 201,
				body:     map[string]any{"username": "qinghe", "password": "0123456789", "role": "facilitator", "body_ids": []string{"{council}", "{council}"}},
				contains: []string{`"body_ids":["{council}"]`}},
			{name: "taken username", method: "POST", url: "/api/v1/staff", as: "admin", status: 409, code: "conflict",
				body: map[string]any{"username": "admin", "password": "0123456789", "role": "admin"}},
			{name: "unknown role", method: "POST", url: "/api/v1/staff", as: "admin", status: 400, code: "bad_request",
				body: map[string]any{"username": "boss", "password": "0123456789", "role": "superuser"}},
			{name: "child is not a staff role", method: "POST", url: "/api/v1/staff", as: "admin", status: 400, code: "bad_request",
				body: map[string]any{"username": "kid", "password": "0123456789", "role": "child"}},
			{name: "committee without region, short password, bad username", method: "POST", url: "/api/v1/staff", as: "admin", status: 422, code: "validation_failed",
				body: map[string]any{"username": "a b", "password": "short", "role": "committee"}, contains: []string{`"region_id"`, `"password"`, `"username"`}},
			{name: "facilitator of an unknown body", method: "POST", url: "/api/v1/staff", as: "admin", status: 422, code: "validation_failed",
				body: map[string]any{"username": "ghost", "password": "0123456789", "role": "facilitator", "body_ids": []string{"01aaaaaaaaaaaaaaaaaaaaaaaa"}}},
			{name: "body_ids of the wrong type", method: "POST", url: "/api/v1/staff", as: "admin", status: 400, code: "bad_request",
				body: `{"username":"ghost","password":"0123456789","role":"facilitator","body_ids":"{council}"}`},
			{name: "committee may not create", method: "POST", url: "/api/v1/staff", as: "committee", status: 403, code: "forbidden",
				body: map[string]any{"username": "x-y-z", "password": "0123456789", "role": "admin"}},
			{name: "facilitator may not create", method: "POST", url: "/api/v1/staff", as: "facilitator", status: 403, code: "forbidden",
				body: map[string]any{"username": "x-y-z", "password": "0123456789", "role": "admin"}},

			{name: "committee may not delete", method: "DELETE", url: "/api/v1/staff/{facilitator_other}", as: "committee", status: 403, code: "forbidden"},
			{name: "admin may not delete itself", method: "DELETE", url: "/api/v1/staff/{admin}", as: "admin", status: 409, code: "conflict"},
			{name: "unknown account", method: "DELETE", url: "/api/v1/staff/01aaaaaaaaaaaaaaaaaaaaaaaa", as: "admin", status: 404, code: "not_found"},
			{name: "admin deletes a facilitator, whose token then fails", method: "DELETE", url: "/api/v1/staff/{facilitator_other}", as: "admin", status: 204,
				check: func(t *testing.T, e *env, r response) {
					if me := e.do("GET", "/api/v1/me", e.tokens["facilitator_other"], nil, nil); me.status != 401 {
						t.Fatalf("deleted user's token: %d, want 401", me.status)
					}
				}},
		})
	})
}

func TestAuditLog(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		// Two reads of a child's data, by different staff.
		e.do("GET", "/api/v1/children/{child}", e.tokens["facilitator"], nil, nil)
		e.do("GET", "/api/v1/bodies/{council}/members", e.tokens["committee"], nil, nil)
		e.run(t, []scenario{
			{name: "admin sees the child's events, newest first", method: "GET", url: "/api/v1/audit?child_id={child}", as: "admin", status: 200,
				contains: []string{`"action":"child.read"`, `"id":"{facilitator}","role":"facilitator"`, `"action":"consent.paper"`},
				check: func(t *testing.T, e *env, r response) {
					items := r.json()["items"].([]any)
					if first := items[0].(map[string]any)["action"]; first != "child.read" {
						t.Fatalf("newest event is %v, want child.read", first)
					}
				}},
			{name: "filtered by staff member", method: "GET", url: "/api/v1/audit?staff_id={committee}", as: "admin", status: 200,
				contains: []string{`"action":"members.read"`, `"type":"body","id":"{council}"`}, notContains: []string{"child.read"}},
			{name: "committee may not", method: "GET", url: "/api/v1/audit", as: "committee", status: 403, code: "forbidden"},
			{name: "facilitator may not", method: "GET", url: "/api/v1/audit", as: "facilitator", status: 403, code: "forbidden"},
			{name: "child may not", method: "GET", url: "/api/v1/audit", as: "child", status: 403, code: "forbidden"},
			{name: "bad cursor", method: "GET", url: "/api/v1/audit?cursor=x", as: "admin", status: 400, code: "bad_request"},
			{name: "no token", method: "GET", url: "/api/v1/audit", status: 401, code: "unauthenticated"},
		})
		r := e.do("GET", "/api/v1/audit?limit=100", e.tokens["admin"], nil, nil)
		if strings.Count(r.body, `"action":"members.read"`) != 1 {
			t.Fatalf("want exactly one members.read event: %s", r.body)
		}
	})
}
