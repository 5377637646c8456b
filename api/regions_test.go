package api_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestRegions(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.run(t, []scenario{
			{name: "admin lists every region", method: "GET", url: "/api/v1/regions", as: "admin", status: 200,
				contains: []string{"{yueqing}", "{lecheng}", "{changzhou}"}},
			{name: "committee lists its subtree only", method: "GET", url: "/api/v1/regions", as: "committee", status: 200,
				contains: []string{"{yueqing}", "{lecheng}"}, notContains: []string{"{changzhou}"}},
			{name: "township committee does not see its parent city", method: "GET", url: "/api/v1/regions", as: "committee_town", status: 200,
				contains: []string{"{lecheng}"}, notContains: []string{`"id":"{yueqing}"`, "{changzhou}"}},
			{name: "facilitator may not list regions", method: "GET", url: "/api/v1/regions", as: "facilitator", status: 403, code: "forbidden"},
			{name: "child may not list regions", method: "GET", url: "/api/v1/regions", as: "child", status: 403, code: "forbidden"},
			{name: "no token", method: "GET", url: "/api/v1/regions", status: 401, code: "unauthenticated"},
			{name: "page of one has a next cursor", method: "GET", url: "/api/v1/regions?limit=1", as: "admin", status: 200,
				check: func(t *testing.T, e *env, r response) {
					items := r.json()["items"].([]any)
					if len(items) != 1 || r.json()["next_cursor"] == nil {
						t.Fatalf("want one item and a cursor: %s", r.body)
					}
					next := e.do("GET", "/api/v1/regions?limit=100&cursor="+r.json()["next_cursor"].(string), e.tokens["admin"], nil, nil)
					if n := len(next.json()["items"].([]any)); n != 2 || next.json()["next_cursor"] != nil {
						t.Fatalf("second page: want the other 2 regions and no cursor: %s", next.body)
					}
				}},
			{name: "bad limit", method: "GET", url: "/api/v1/regions?limit=abc", as: "admin", status: 400, code: "bad_request"},
			{name: "bad cursor", method: "GET", url: "/api/v1/regions?cursor=';drop", as: "admin", status: 400, code: "bad_request"},

			{name: "admin creates a city", method: "POST", url: "/api/v1/regions", as: "admin", status: 201,
				body: map[string]any{"name": "吉林市", "kind": "city"}, contains: []string{`"kind":"city"`, `"parent_id":null`}},
			{name: "committee creates a township in its subtree", method: "POST", url: "/api/v1/regions", as: "committee", status: 201,
				body: map[string]any{"name": "城东街道", "kind": "township", "parent_id": "{yueqing}"}, contains: []string{`"parent_id":"{yueqing}"`}},
			{name: "committee may not create a root", method: "POST", url: "/api/v1/regions", as: "committee", status: 403, code: "forbidden",
				body: map[string]any{"name": "温州市", "kind": "city"}},
			{name: "committee cannot create outside its subtree", method: "POST", url: "/api/v1/regions", as: "committee", status: 404, code: "not_found",
				body: map[string]any{"name": "天宁区", "kind": "district", "parent_id": "{changzhou}"}},
			{name: "parent that does not exist", method: "POST", url: "/api/v1/regions", as: "admin", status: 404, code: "not_found",
				body: map[string]any{"name": "天宁区", "kind": "district", "parent_id": "01aaaaaaaaaaaaaaaaaaaaaaaa"}},
			{name: "facilitator may not create", method: "POST", url: "/api/v1/regions", as: "facilitator", status: 403, code: "forbidden",
				body: map[string]any{"name": "x", "kind": "community", "parent_id": "{lecheng}"}},
			{name: "child may not create", method: "POST", url: "/api/v1/regions", as: "child", status: 403, code: "forbidden",
				body: map[string]any{"name": "x", "kind": "community", "parent_id": "{lecheng}"}},
			{name: "unknown kind", method: "POST", url: "/api/v1/regions", as: "admin", status: 400, code: "bad_request",
				body: map[string]any{"name": "x", "kind": "province"}, contains: []string{`"kind"`}},
			{name: "kind above its parent", method: "POST", url: "/api/v1/regions", as: "admin", status: 422, code: "validation_failed",
				body: map[string]any{"name": "x", "kind": "district", "parent_id": "{lecheng}"}, contains: []string{`"kind"`}},
			{name: "missing name", method: "POST", url: "/api/v1/regions", as: "admin", status: 422, code: "validation_failed",
				body: map[string]any{"kind": "city"}, contains: []string{`"name"`}},
			{name: "name too long", method: "POST", url: "/api/v1/regions", as: "admin", status: 422, code: "validation_failed",
				body: map[string]any{"name": strings.Repeat("区", 41), "kind": "city"}},
			{name: "wrong type", method: "POST", url: "/api/v1/regions", as: "admin", status: 400, code: "bad_request",
				body: `{"name": 12, "kind": "city"}`, contains: []string{`"name"`}},
			{name: "malformed JSON", method: "POST", url: "/api/v1/regions", as: "admin", status: 400, code: "bad_request", body: `{"name":`},
			{name: "no token", method: "POST", url: "/api/v1/regions", status: 401, code: "unauthenticated", body: map[string]any{"name": "x", "kind": "city"}},
		})
		// Nothing that was refused was stored: admin sees the three fixtures and the two created.
		r := e.do(http.MethodGet, "/api/v1/regions?limit=100", e.tokens["admin"], nil, nil)
		if n := len(r.json()["items"].([]any)); n != 5 {
			t.Fatalf("want 5 regions after the table, have %d: %s", n, r.body)
		}
	})
}
