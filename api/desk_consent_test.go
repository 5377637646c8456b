package api_test

import (
	"strings"
	"testing"
	"time"
)

// member finds one row of the council's members page.
func (e *env) member(t *testing.T, id string) map[string]any {
	t.Helper()
	for _, m := range e.ok(200, "GET", "/api/v1/bodies/{council}/members?limit=100", "facilitator", nil).json()["items"].([]any) {
		if row := m.(map[string]any); row["id"] == id {
			return row
		}
	}
	t.Fatalf("no member %s", id)
	return nil
}

// Printing letters no longer kills the links already handed to parents: by default only the
// children without a live link get one; {replace: true} replaces the live ones and says how many.
func TestLettersKeepLiveLinks(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.ids["old"], _ = e.newMember("old", "旧旧")
		e.advance(15 * 24 * time.Hour) // old's and child_pending's links have expired
		var fresh string
		e.ids["fresh"], fresh = e.newMember("fresh", "新新")
		letters := "/api/v1/bodies/{council}/consent-links"
		e.run(t, []scenario{
			{name: "the members page shows the live link's issue and expiry", method: "GET", url: "/api/v1/bodies/{council}/members?limit=100", as: "facilitator", status: 200,
				check: func(t *testing.T, e *env, r response) {
					m := e.member(t, e.ids["fresh"])
					if m["link_issued_at"] != "2026-06-04T09:00:00Z" || m["link_expires_at"] != "2026-06-18T09:00:00Z" {
						t.Errorf("fresh link times: %v %v", m["link_issued_at"], m["link_expires_at"])
					}
					if m := e.member(t, e.ids["old"]); m["link_issued_at"] != nil || m["link_expires_at"] != nil {
						t.Errorf("an expired link is not live: %v", m)
					}
				}},
			{name: "by default: letters only for those without a live link", method: "POST", url: letters, as: "facilitator", status: 201,
				contains: []string{"{old}", "{child_pending}", `"replaced":0`, `"kept":1`}, notContains: []string{"{fresh}", `"{child}"`},
				check: func(t *testing.T, e *env, r response) {
					e.ok(200, "GET", "/api/v1/consent/"+fresh, "", nil) // the parent's link still opens
					if m := e.member(t, e.ids["old"]); m["link_issued_at"] != "2026-06-04T09:00:00Z" {
						t.Errorf("old's new letter link not shown: %v", m)
					}
				}},
			{name: "printing again issues nothing new: every waiting child has a live link", method: "POST", url: letters, as: "facilitator", status: 201,
				contains: []string{`"items":[]`, `"replaced":0`, `"kept":3`}},
			{name: "an empty body is the default too", method: "POST", url: letters, as: "facilitator", body: map[string]any{}, status: 201, contains: []string{`"kept":3`}},
			{name: "the committee of the subtree prints too", method: "POST", url: letters, as: "committee_town", status: 201, contains: []string{`"kept":3`}},
			{name: "replace: every waiting child, and how many live links were replaced", method: "POST", url: letters, as: "facilitator",
				body: map[string]any{"replace": true}, status: 201,
				contains: []string{"{old}", "{child_pending}", "{fresh}", `"replaced":3`, `"kept":0`},
				check: func(t *testing.T, e *env, r response) {
					if r := e.do("GET", "/api/v1/consent/"+fresh, "", nil, nil); r.status != 404 {
						t.Errorf("a replaced link still opens: %d", r.status)
					}
				}},
			{name: "replace of the wrong type", method: "POST", url: letters, as: "facilitator", body: map[string]any{"replace": "yes"}, status: 400, code: "bad_request"},
			{name: "another body's facilitator", method: "POST", url: letters, as: "facilitator_other", status: 404, code: "not_found"},
			{name: "another city's committee", method: "POST", url: letters, as: "committee_other", status: 404, code: "not_found"},
			{name: "a child", method: "POST", url: letters, as: "child", status: 403, code: "forbidden"},
		})
	})
}

// A child locked out by wrong PINs shows as locked on the members page; a PIN reset lifts the
// lock and the child signs in with the new PIN.
func TestMembersPageShowsLockUntilPINReset(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		login := map[string]string{"body_code": e.codes["council"], "login_name": "child2", "pin": "0000"}
		for range 5 {
			e.do("POST", "/api/v1/auth/child/login", "", login, nil)
		}
		login["pin"] = "2580"
		if r := e.do("POST", "/api/v1/auth/child/login", "", login, nil); r.status != 429 {
			t.Fatalf("not locked: %d %s", r.status, r.body)
		}
		if m := e.member(t, e.ids["child2"]); m["locked_until"] == nil {
			t.Fatalf("the members page does not show the lock: %v", m)
		}
		if m := e.member(t, e.ids["child"]); m["locked_until"] != nil {
			t.Fatalf("another child shows locked: %v", m)
		}
		e.refused(t, 404, "not_found", "POST", "/api/v1/children/{child2}/pin", "facilitator_other", map[string]any{"pin": "4321"})
		e.refused(t, 422, "validation_failed", "POST", "/api/v1/children/{child2}/pin", "facilitator", map[string]any{"pin": "12"})
		e.ok(200, "POST", "/api/v1/children/{child2}/pin", "facilitator", map[string]any{"pin": "4321"})
		if m := e.member(t, e.ids["child2"]); m["locked_until"] != nil {
			t.Fatalf("still locked after the reset: %v", m)
		}
		login["pin"] = "4321"
		if r := e.do("POST", "/api/v1/auth/child/login", "", login, nil); r.status != 200 || !strings.Contains(r.body, `"token"`) {
			t.Fatalf("sign-in after the reset: %d %s", r.status, r.body)
		}
	})
}
