package api_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestBodies(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		newBody := func(region string) map[string]any {
			return map[string]any{"name": "清和公园儿童议事会", "kind": "council", "region_id": region, "venue": "清和公园",
				"term_label": "第一届 2026–2027", "term_ends_on": "2027-07-31", "response_days": 14, "moderation_mode": "pre"}
		}
		e.run(t, []scenario{
			{name: "admin lists all bodies", method: "GET", url: "/api/v1/bodies", as: "admin", status: 200,
				contains: []string{"{council}", "{observers}", "{other_council}", "{code:council}"}},
			{name: "committee lists its subtree", method: "GET", url: "/api/v1/bodies", as: "committee", status: 200,
				contains: []string{"{council}", "{observers}"}, notContains: []string{"{other_council}"}},
			{name: "township committee sees only the township's bodies", method: "GET", url: "/api/v1/bodies", as: "committee_town", status: 200,
				contains: []string{"{council}"}, notContains: []string{"{observers}", "{other_council}"}},
			{name: "facilitator lists own bodies", method: "GET", url: "/api/v1/bodies", as: "facilitator", status: 200,
				contains: []string{"{council}", "{observers}"}, notContains: []string{"{other_council}"}},
			{name: "child lists own bodies without join codes", method: "GET", url: "/api/v1/bodies", as: "child", status: 200,
				contains: []string{"{council}"}, notContains: []string{"{observers}", "{other_council}", "join_code", "{code:council}"}},
			{name: "filter by kind", method: "GET", url: "/api/v1/bodies?kind=observer_group", as: "admin", status: 200,
				contains: []string{"{observers}"}, notContains: []string{"{council}"}},
			{name: "filter by region includes sub-regions", method: "GET", url: "/api/v1/bodies?region_id={yueqing}", as: "admin", status: 200,
				contains: []string{"{council}", "{observers}"}, notContains: []string{"{other_council}"}},
			{name: "filter by a region out of scope finds nothing", method: "GET", url: "/api/v1/bodies?region_id={changzhou}", as: "committee", status: 200,
				notContains: []string{"{other_council}"}},
			{name: "unknown kind filter", method: "GET", url: "/api/v1/bodies?kind=club", as: "admin", status: 400, code: "bad_request"},
			{name: "unknown region filter", method: "GET", url: "/api/v1/bodies?region_id=nope", as: "admin", status: 404, code: "not_found"},
			{name: "no token", method: "GET", url: "/api/v1/bodies", status: 401, code: "unauthenticated"},

			{name: "child reads own body", method: "GET", url: "/api/v1/bodies/{council}", as: "child", status: 200,
				contains: []string{`"kind":"council"`}, notContains: []string{"join_code"}},
			{name: "child cannot see another body", method: "GET", url: "/api/v1/bodies/{other_council}", as: "child", status: 404, code: "not_found"},
			{name: "facilitator reads own body with its code", method: "GET", url: "/api/v1/bodies/{council}", as: "facilitator", status: 200,
				contains: []string{"{code:council}"}},
			{name: "other facilitator cannot see it", method: "GET", url: "/api/v1/bodies/{council}", as: "facilitator_other", status: 404, code: "not_found"},
			{name: "committee of another city cannot see it", method: "GET", url: "/api/v1/bodies/{council}", as: "committee_other", status: 404, code: "not_found"},
			{name: "committee of the parent city sees it", method: "GET", url: "/api/v1/bodies/{council}", as: "committee", status: 200},
			{name: "unknown id", method: "GET", url: "/api/v1/bodies/01aaaaaaaaaaaaaaaaaaaaaaaa", as: "admin", status: 404, code: "not_found"},
			{name: "garbage id", method: "GET", url: "/api/v1/bodies/'%20OR%201=1", as: "admin", status: 404, code: "not_found"},

			{name: "admin creates a body with a join code", method: "POST", url: "/api/v1/bodies", as: "admin", status: 201,
				body: newBody("{changzhou}"), contains: []string{`"join_code":"`, `"moderation_mode":"pre"`, `"response_days":14`},
				check: func(t *testing.T, e *env, r response) {
					code := r.json()["join_code"].(string)
					if len(code) != 6 || strings.ContainsAny(code, "01IO") {
						t.Fatalf("join code %q is not 6 characters free of 0, 1, I and O", code)
					}
				}},
			{name: "defaults: 30 days, post moderation", method: "POST", url: "/api/v1/bodies", as: "committee", status: 201,
				body:     map[string]any{"name": "城东儿童议事会", "kind": "council", "region_id": "{lecheng}"},
				contains: []string{`"response_days":30`, `"moderation_mode":"post"`}},
			{name: "response_days 0 is allowed (drills)", method: "POST", url: "/api/v1/bodies", as: "committee", status: 201,
				body:     map[string]any{"name": "演练议事会", "kind": "council", "region_id": "{lecheng}", "response_days": 0},
				contains: []string{`"response_days":0`}},
			{name: "committee cannot create outside its subtree", method: "POST", url: "/api/v1/bodies", as: "committee", status: 404, code: "not_found",
				body: newBody("{changzhou}")},
			{name: "facilitator may not create", method: "POST", url: "/api/v1/bodies", as: "facilitator", status: 403, code: "forbidden", body: newBody("{lecheng}")},
			{name: "child may not create", method: "POST", url: "/api/v1/bodies", as: "child", status: 403, code: "forbidden", body: newBody("{lecheng}")},
			{name: "unknown kind", method: "POST", url: "/api/v1/bodies", as: "admin", status: 400, code: "bad_request",
				body: map[string]any{"name": "议事会", "kind": "club", "region_id": "{yueqing}"}},
			{name: "unknown moderation mode", method: "POST", url: "/api/v1/bodies", as: "admin", status: 400, code: "bad_request",
				body: map[string]any{"name": "议事会", "kind": "council", "region_id": "{yueqing}", "moderation_mode": "never"}},
			{name: "response days out of range", method: "POST", url: "/api/v1/bodies", as: "admin", status: 422, code: "validation_failed",
				body: map[string]any{"name": "议事会", "kind": "council", "region_id": "{yueqing}", "response_days": 366}, contains: []string{"response_days"}},
			{name: "response days is a huge number", method: "POST", url: "/api/v1/bodies", as: "admin", status: 400, code: "bad_request",
				body: `{"name": "议事会", "kind": "council", "region_id": "{yueqing}", "response_days": 1e40}`},
			{name: "bad date", method: "POST", url: "/api/v1/bodies", as: "admin", status: 422, code: "validation_failed",
				body: map[string]any{"name": "议事会", "kind": "council", "region_id": "{yueqing}", "term_ends_on": "2027-02-30"}, contains: []string{"term_ends_on"}},
			{name: "missing fields", method: "POST", url: "/api/v1/bodies", as: "admin", status: 422, code: "validation_failed",
				body: map[string]any{}, contains: []string{`"name"`, `"kind"`, `"region_id"`}},
			{name: "in English", method: "POST", url: "/api/v1/bodies?lang=en", as: "admin", status: 422, code: "validation_failed",
				body: map[string]any{"kind": "council", "region_id": "{yueqing}"}, contains: []string{"This field is required."}},
			{name: "no token", method: "POST", url: "/api/v1/bodies", status: 401, code: "unauthenticated", body: newBody("{lecheng}")},
		})
		r := e.do(http.MethodGet, "/api/v1/bodies?limit=100", e.tokens["admin"], nil, nil)
		if n := len(r.json()["items"].([]any)); n != 6 {
			t.Fatalf("want 6 bodies (3 fixtures, 3 created), have %d", n)
		}
	})
}
