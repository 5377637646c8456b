package api_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// listIDs reads the IDs of a list reply, in order.
func listIDs(t *testing.T, r response) []string {
	t.Helper()
	var l struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(r.body), &l); err != nil {
		t.Fatalf("list: %v: %s", err, r.body)
	}
	ids := make([]string, len(l.Items))
	for i, it := range l.Items {
		ids[i] = it.ID
	}
	return ids
}

// wantOrder checks that a list reply holds exactly the named fixtures, in that order.
func (e *env) wantOrder(t *testing.T, r response, names ...string) {
	t.Helper()
	want := make([]string, len(names))
	for i, n := range names {
		want[i] = e.ids[n]
	}
	if got := listIDs(t, r); !slices.Equal(got, want) {
		t.Errorf("order %v, want %v (%v)", e.names(got), names, r.body)
	}
}

// names turns IDs back into fixture names, for readable failures.
func (e *env) names(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		for n, fid := range e.ids {
			if fid == id {
				out[i] = n
			}
		}
	}
	return out
}

func wantTotal(n int) func(t *testing.T, e *env, r response) {
	return func(t *testing.T, e *env, r response) {
		t.Helper()
		if got, ok := r.json()["total"].(float64); !ok || int(got) != n {
			t.Errorf("total %v, want %d: %s", r.json()["total"], n, r.body)
		}
	}
}

// deskWorld: in 测试council, p1 (by child, 20 May, due 19 June), p2 (by child2, a library
// proposal, 22 May, supported twice), p3 (by child, 24 May, answered: in design, supported
// once); in 测试other_council p_other (20 May). The clock then stands at 20 June: p1 is overdue,
// p2 is due tomorrow (21 June).
func deskWorld(t *testing.T, e *env) {
	t.Helper()
	e.child("child3", "council", true)
	e.ids["p1"] = e.propose("child", "清和公园的滑梯坏了")
	e.ids["p_other"] = e.propose2("child_other", "other_council", "常州的图书馆太远了")
	e.advance(48 * time.Hour)
	e.ids["p2"] = e.ok(201, "POST", "/api/v1/proposals", "child2", map[string]any{"body_id": "{council}", "title": "图书馆周末也开门",
		"description": "周末想去看书。", "category": "library"}).json()["id"].(string)
	e.advance(48 * time.Hour)
	e.ids["p3"] = e.propose("child", "爱心斑马线加护栏")
	e.ok(200, "PUT", "/api/v1/proposals/{p2}/support", "child", nil)
	e.ok(200, "PUT", "/api/v1/proposals/{p2}/support", "child3", nil)
	e.ok(200, "PUT", "/api/v1/proposals/{p3}/support", "child2", nil)
	e.ok(200, "POST", "/api/v1/proposals/{p3}/stage", "committee", map[string]any{"to": "design"})
	e.advance(27 * 24 * time.Hour) // 20 June 2026, 17:00 in Shanghai
}

func TestDeskProposalFilters(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		deskWorld(t, e)
		list := "/api/v1/proposals?"
		e.run(t, []scenario{
			// search: title, description, and for staff the author's nickname
			{name: "committee finds by the author's nickname", method: "GET", url: list + "q=" + url.QueryEscape("童child2"), as: "committee", status: 200,
				contains: []string{"{p2}"}, notContains: []string{"{p1}", "{p3}"}, check: wantTotal(1)},
			{name: "facilitator finds by the author's nickname", method: "GET", url: list + "q=" + url.QueryEscape("童child2"), as: "facilitator", status: 200,
				contains: []string{"{p2}"}, check: wantTotal(1)},
			{name: "search in the description", method: "GET", url: list + "q=" + url.QueryEscape("周末想去"), as: "committee", status: 200,
				contains: []string{"{p2}"}, check: wantTotal(1)},
			{name: "a child's search does not look at nicknames", method: "GET", url: list + "q=" + url.QueryEscape("童child2"), as: "child", status: 200,
				notContains: []string{"{p2}", `"total"`}},
			{name: "search of another city's committee finds nothing here", method: "GET", url: list + "q=" + url.QueryEscape("滑梯"), as: "committee_other", status: 200,
				notContains: []string{"{p1}"}, check: wantTotal(0)},

			// overdue: waiting for a first answer past the deadline, in scope only
			{name: "committee: overdue", method: "GET", url: list + "overdue=true", as: "committee", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p1"); wantTotal(1)(t, e, r) }},
			{name: "township committee: overdue in its subtree", method: "GET", url: list + "overdue=true", as: "committee_town", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p1") }},
			{name: "facilitator: overdue of own bodies", method: "GET", url: list + "overdue=true", as: "facilitator", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p1") }},
			{name: "other city's committee: its own overdue only", method: "GET", url: list + "overdue=true", as: "committee_other", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p_other") }},
			{name: "other body's facilitator", method: "GET", url: list + "overdue=true", as: "facilitator_other", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p_other") }},
			{name: "admin: every overdue", method: "GET", url: list + "overdue=true&sort=oldest", as: "admin", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p1", "p_other") }},
			{name: "overdue=false filters nothing", method: "GET", url: list + "overdue=false&body_id={council}", as: "committee", status: 200, check: wantTotal(3)},

			// due before a local day (the deadline of p2 is on 21 June, 17:00 local)
			{name: "due before 21 June", method: "GET", url: list + "due_before=2026-06-21&body_id={council}", as: "committee", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p1") }},
			{name: "due before 22 June", method: "GET", url: list + "due_before=2026-06-22&sort=oldest", as: "committee", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p1", "p2") }},

			// body, stage and category
			{name: "stage", method: "GET", url: list + "stage=design", as: "committee", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p3"); wantTotal(1)(t, e, r) }},
			{name: "category", method: "GET", url: list + "category=library", as: "admin", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p2", "p_other") }},
			{name: "category for a child", method: "GET", url: list + "category=library", as: "child", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p2") }},
			{name: "body and overdue together", method: "GET", url: list + "body_id={other_council}&overdue=true", as: "admin", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p_other") }},

			// sorts
			{name: "newest", method: "GET", url: list + "body_id={council}", as: "committee", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p3", "p2", "p1") }},
			{name: "oldest", method: "GET", url: list + "body_id={council}&sort=oldest", as: "committee", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p1", "p2", "p3") }},
			{name: "due: waiting ones first, earliest deadline first, answered after", method: "GET", url: list + "body_id={council}&sort=due", as: "committee", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p1", "p2", "p3") }},
			{name: "supports", method: "GET", url: list + "body_id={council}&sort=supports", as: "facilitator", status: 200,
				check: func(t *testing.T, e *env, r response) { e.wantOrder(t, r, "p2", "p3", "p1") }},
			{name: "staff items say when staff first answered", method: "GET", url: list + "stage=design", as: "committee", status: 200,
				contains: []string{`"first_response_at":"`}},

			// count and more pages
			{name: "a page of one says there are more", method: "GET", url: list + "limit=1&body_id={council}", as: "committee", status: 200,
				check: func(t *testing.T, e *env, r response) {
					wantTotal(3)(t, e, r)
					if r.json()["next_cursor"] == nil {
						t.Errorf("no next_cursor: %s", r.body)
					}
				}},
			{name: "the last page says so", method: "GET", url: list + "limit=5&body_id={council}", as: "committee", status: 200, contains: []string{`"next_cursor":null`}},

			// children do not get the staff filters
			{name: "child: overdue", method: "GET", url: list + "overdue=true", as: "child", status: 403, code: "forbidden"},
			{name: "child: due before", method: "GET", url: list + "due_before=2026-07-01", as: "child", status: 403, code: "forbidden"},
			{name: "child: sort by due", method: "GET", url: list + "sort=due", as: "child", status: 403, code: "forbidden"},
			{name: "child: sort by supports", method: "GET", url: list + "sort=supports", as: "child2", status: 403, code: "forbidden"},
			{name: "child: no count, no staff fields", method: "GET", url: list, as: "child", status: 200,
				contains: []string{"{p1}"}, notContains: []string{`"total"`, "first_response_at", "{p_other}"}},

			// bad input
			{name: "a date that does not exist", method: "GET", url: list + "due_before=2026-02-30", as: "committee", status: 400, code: "bad_request", contains: []string{`"due_before"`}},
			{name: "a date in another form", method: "GET", url: list + "due_before=20.6.2026", as: "committee", status: 400, code: "bad_request"},
			{name: "unknown sort", method: "GET", url: list + "sort=popular", as: "committee", status: 400, code: "bad_request", contains: []string{`"sort"`}},
			{name: "unknown category", method: "GET", url: list + "category=zoo", as: "committee", status: 400, code: "bad_request"},
			{name: "overdue not a boolean", method: "GET", url: list + "overdue=yes", as: "committee", status: 400, code: "bad_request"},
			{name: "a garbled cursor", method: "GET", url: list + "sort=due&cursor=xyz", as: "committee", status: 400, code: "bad_request"},
			{name: "a cursor of another sort", method: "GET", url: list + "sort=supports&cursor={p1}", as: "committee", status: 400, code: "bad_request"},
			{name: "a bad limit", method: "GET", url: list + "limit=0", as: "committee", status: 400, code: "bad_request"},
			{name: "body out of scope", method: "GET", url: list + "body_id={other_council}&overdue=true", as: "committee", status: 404, code: "not_found"},
		})
	})
}

// TestDeskProposalPaging pages through every sort of a list with ties (same deadline, same
// support count): each proposal comes exactly once, in the order of the whole list.
func TestDeskProposalPaging(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		var made []string
		for i := range 7 {
			made = append(made, e.propose("child", fmt.Sprintf("建议第%d条", i+1)))
			if i == 3 {
				e.advance(time.Hour)
			}
		}
		e.ok(200, "PUT", "/api/v1/proposals/"+made[2]+"/support", "child2", nil)
		e.ok(200, "PUT", "/api/v1/proposals/"+made[5]+"/support", "child2", nil)
		e.ok(200, "POST", "/api/v1/proposals/"+made[1]+"/stage", "committee", map[string]any{"to": "design"})
		for _, sort := range []string{"newest", "oldest", "due", "supports"} {
			t.Run(sort, func(t *testing.T) {
				base := "/api/v1/proposals?body_id={council}&sort=" + sort
				whole := listIDs(t, e.ok(200, "GET", base+"&limit=100", "committee", nil))
				if len(whole) != len(made) {
					t.Fatalf("%d proposals, want %d", len(whole), len(made))
				}
				var paged []string
				cursor := ""
				for range len(made) + 1 {
					r := e.ok(200, "GET", base+"&limit=2"+cursor, "committee", nil)
					paged = append(paged, listIDs(t, r)...)
					next, _ := r.json()["next_cursor"].(string)
					if next == "" {
						break
					}
					cursor = "&cursor=" + url.QueryEscape(next)
				}
				if !slices.Equal(paged, whole) {
					t.Errorf("paged %v, whole %v", paged, whole)
				}
			})
		}
		// the due order puts the answered one last; the supported ones lead the supports order
		due := listIDs(t, e.ok(200, "GET", "/api/v1/proposals?sort=due", "committee", nil))
		if due[len(due)-1] != made[1] || due[0] != made[0] {
			t.Errorf("due order %v", due)
		}
		sup := listIDs(t, e.ok(200, "GET", "/api/v1/proposals?sort=supports", "committee", nil))
		if !slices.Equal(sup[:2], []string{made[5], made[2]}) {
			t.Errorf("supports order %v", sup)
		}
	})
}

func TestBulkStage(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		deskWorld(t, e)
		bulk := "/api/v1/proposals/bulk/stage"
		ids := func(names ...string) map[string]any {
			out := []string{}
			for _, n := range names {
				out = append(out, "{"+n+"}")
			}
			return map[string]any{"ids": out, "to": "design", "note": "一起讨论方案"}
		}
		many := make([]string, 101)
		for i := range many {
			many[i] = fmt.Sprintf("01aaaaaaaaaaaaaaaaaaaa%04d", i)
		}
		e.run(t, []scenario{
			{name: "facilitator may not", method: "POST", url: bulk, as: "facilitator", body: ids("p1"), status: 403, code: "forbidden"},
			{name: "child may not", method: "POST", url: bulk, as: "child", body: ids("p1"), status: 403, code: "forbidden"},
			{name: "no token", method: "POST", url: bulk, body: ids("p1"), status: 401, code: "unauthenticated"},
			{name: "no ids", method: "POST", url: bulk, as: "committee", body: map[string]any{"ids": []string{}, "to": "design"}, status: 422, code: "validation_failed", contains: []string{`"ids"`}},
			{name: "too many ids", method: "POST", url: bulk, as: "committee", body: map[string]any{"ids": many, "to": "design"}, status: 422, code: "validation_failed", contains: []string{"最多 100 个"}},
			{name: "repeated ids", method: "POST", url: bulk, as: "committee", body: ids("p1", "p2", "p1"), status: 422, code: "validation_failed", contains: []string{`"ids"`}},
			{name: "unknown stage", method: "POST", url: bulk, as: "committee", body: map[string]any{"ids": []string{"{p1}"}, "to": "done"}, status: 400, code: "bad_request"},
			{name: "no stage", method: "POST", url: bulk, as: "committee", body: map[string]any{"ids": []string{"{p1}"}}, status: 422, code: "validation_failed", contains: []string{`"to"`}},
			{name: "note too long", method: "POST", url: bulk, as: "committee", body: map[string]any{"ids": []string{"{p1}"}, "to": "design", "note": strings.Repeat("长", 501)},
				status: 422, code: "validation_failed", contains: []string{`"note"`}},
			{name: "ids of the wrong type", method: "POST", url: bulk, as: "committee", body: `{"ids":"{p1}","to":"design"}`, status: 400, code: "bad_request"},
			{name: "nothing moved by the refused requests", method: "GET", url: "/api/v1/proposals/{p1}", as: "committee", status: 200, contains: []string{`"stage":"needs"`}},

			{name: "other city's committee: each one not found", method: "POST", url: bulk, as: "committee_other", body: ids("p1", "p2"), status: 200,
				contains: []string{`{"id":"{p1}","status":404`, `"code":"not_found"`, `"moved":0`, `"failed":2`}},
			{name: "committee: moves what it may, says why not for the rest", method: "POST", url: bulk, as: "committee",
				body:   map[string]any{"ids": []string{"{p1}", "{p_other}", "{p3}", "{p2}", "not-an-id"}, "to": "design", "note": "一起讨论方案"},
				header: map[string]string{"Accept-Language": "en"}, status: 200,
				contains: []string{
					`{"id":"{p1}","status":200,"stage":"design"}`,
					`{"id":"{p_other}","status":404,"error":{"code":"not_found"`,
					`{"id":"{p3}","status":409,"error":{"code":"invalid_transition"`,
					`{"id":"{p2}","status":200,"stage":"design"}`,
					`{"id":"not-an-id","status":404`,
					`"moved":2`, `"failed":3`,
				},
				check: func(t *testing.T, e *env, r response) {
					for _, p := range []string{"p1", "p2"} {
						d := e.ok(200, "GET", "/api/v1/proposals/{"+p+"}", "committee", nil)
						if !strings.Contains(d.body, `"stage":"design"`) || !strings.Contains(d.body, `"note":"一起讨论方案"`) {
							t.Errorf("%s not moved with its note: %s", p, d.body)
						}
					}
					// a move is an answer: nothing is overdue any more
					e.wantOrder(t, e.ok(200, "GET", "/api/v1/proposals?overdue=true", "committee", nil))
					if d := e.ok(200, "GET", "/api/v1/proposals/{p_other}", "admin", nil); !strings.Contains(d.body, `"stage":"needs"`) {
						t.Errorf("out of scope proposal moved: %s", d.body)
					}
					// the child author is told, as for a single move
					if n := e.ok(200, "GET", "/api/v1/notifications", "child2", nil); !strings.Contains(n.body, e.ids["p2"]) {
						t.Errorf("author not notified: %s", n.body)
					}
				}},
			{name: "a move the stage machine refuses says why", method: "POST", url: bulk, as: "committee",
				body: map[string]any{"ids": []string{"{p1}"}, "to": "decision"}, status: 200,
				contains: []string{`"status":409`, `"code":"invalid_transition"`, `"moved":0`}, notContains: []string{`"message":"error.`}},
			{name: "closing from needs needs the proposal it joins", method: "POST", url: bulk, as: "admin",
				body: map[string]any{"ids": []string{"{p_other}"}, "to": "closed"}, status: 200,
				contains: []string{`"status":422`, `"code":"validation_failed"`, `"merged_into"`}},
			{name: "admin moves another city's", method: "POST", url: bulk, as: "admin", body: ids("p_other"), status: 200,
				contains: []string{`{"id":"{p_other}","status":200,"stage":"design"}`, `"moved":1`}},
			{name: "township committee moves in its subtree", method: "POST", url: bulk, as: "committee_town",
				body: map[string]any{"ids": []string{"{p1}", "{p2}"}, "to": "closed", "note": "x"}, status: 200,
				contains: []string{`"status":409`, `"moved":0`}},
		})
	})
}

// A committee's list over its whole region reads the rows in key order, checking each one's
// region, and its total from the counts kept per region and stage: every proposal of the
// subtree appears once, page after page, newest first, and nothing of another city does.
func TestRegionWidePagesAndTotals(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		var mine []string // newest first at the end
		for i := range 5 {
			mine = append(mine, e.propose("child", fmt.Sprintf("乐清的建议%d", i+1)))
			e.propose2("child_other", "other_council", fmt.Sprintf("常州的建议%d", i+1))
		}
		opts := e.toStage(mine[1], "design")
		e.ok(200, "PUT", "/api/v1/proposals/"+mine[1]+"/vote", "child", map[string]any{"option_id": opts[0]})
		e.ok(200, "PUT", "/api/v1/proposals/"+mine[1]+"/vote", "child2", map[string]any{"option_id": opts[1]})
		voted := mine[1]
		slices.Reverse(mine)
		other := listIDs(t, e.ok(200, "GET", "/api/v1/proposals?limit=100", "committee_other", nil))
		for _, c := range []struct {
			who   string
			query string
			want  []string
		}{
			{"committee", "", mine},
			{"committee_town", "", mine},
			{"committee", "&stage=design", []string{mine[3]}},
			{"committee", "&stage=needs", slices.Concat(mine[:3], mine[4:])},
			{"facilitator", "", mine},
			{"committee_other", "", other},
		} {
			var got []string
			cursor := ""
			for range 10 {
				r := e.ok(200, "GET", "/api/v1/proposals?limit=2"+c.query+cursor, c.who, nil)
				wantTotal(len(c.want))(t, e, r)
				got = append(got, listIDs(t, r)...)
				next, _ := r.json()["next_cursor"].(string)
				if next == "" {
					break
				}
				cursor = "&cursor=" + url.QueryEscape(next)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%s%s: %v, want %v", c.who, c.query, got, c.want)
			}
		}
		if len(other) != 5 || slices.ContainsFunc(other, func(id string) bool { return slices.Contains(mine, id) }) {
			t.Errorf("another city's committee lists %v", other)
		}
		// The CSV of the whole city: its proposals oldest first, each with its votes.
		for _, who := range []string{"committee", "admin"} {
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(e.ok(200, "GET", "/api/v1/stats/export.csv", who, nil).body, "\uFEFF"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range rows[1:] {
				if r[0] == voted && r[17] != "2" {
					t.Errorf("%s's CSV: %s votes for the proposal voted on twice", who, r[17])
				}
				if slices.Contains(mine, r[0]) {
					ids = append(ids, r[0])
				}
			}
			want := slices.Clone(mine)
			slices.Reverse(want)
			if !slices.Equal(ids, want) || (who == "committee" && len(rows) != 6) || (who == "admin" && len(rows) != 11) {
				t.Errorf("%s's CSV: %d rows, the city's %v", who, len(rows)-1, ids)
			}
		}
		all := e.ok(200, "GET", "/api/v1/proposals?limit=100", "admin", nil)
		wantTotal(10)(t, e, all)
		// Out of scope is not found; a body in scope narrows the total to it.
		e.ok(404, "GET", "/api/v1/proposals?body_id={other_council}", "committee", nil)
		wantTotal(5)(t, e, e.ok(200, "GET", "/api/v1/proposals?body_id={council}", "committee_town", nil))
	})
}
