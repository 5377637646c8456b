package api_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// count returns how many proposals the user sees with ?mine=true.
func (e *env) mine(as string) int {
	e.t.Helper()
	return len(e.ok(200, "GET", "/api/v1/proposals?mine=true&limit=100", as, nil).json()["items"].([]any))
}

func TestIdempotentCreates(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
		body := map[string]any{"body_id": "{council}", "title": "操场边加一排长椅", "description": "跑完步没有地方坐。", "category": "park"}

		t.Run("the same key twice creates one proposal and answers the first result again", func(t *testing.T) {
			before := e.mine("child2")
			first := e.do("POST", "/api/v1/proposals", e.tokens["child2"], body, key("tap-1"))
			again := e.do("POST", "/api/v1/proposals", e.tokens["child2"], body, key("tap-1"))
			if first.status != 201 || again.status != 201 {
				t.Fatalf("statuses %d and %d, want 201 twice: %s %s", first.status, again.status, first.body, again.body)
			}
			if first.body != again.body {
				t.Errorf("the repeat answered differently:\n%s\n%s", first.body, again.body)
			}
			if again.header.Get("Idempotent-Replayed") != "true" || first.header.Get("Idempotent-Replayed") != "" {
				t.Errorf("Idempotent-Replayed: first %q, repeat %q", first.header.Get("Idempotent-Replayed"), again.header.Get("Idempotent-Replayed"))
			}
			if n := e.mine("child2") - before; n != 1 {
				t.Errorf("%d proposals created, want 1", n)
			}
		})

		t.Run("the router's other spellings of the route are the same route", func(t *testing.T) {
			before := e.mine("child2")
			for _, url := range []string{"/api/v1/proposals", "/api/v1/proposals/", "/API/V1/PROPOSALS"} {
				if r := e.do("POST", url, e.tokens["child2"], body, key("tap-spelled")); r.status != 201 {
					t.Fatalf("%s: %d %s", url, r.status, r.body)
				}
			}
			if n := e.mine("child2") - before; n != 1 {
				t.Errorf("%d proposals created through three spellings of one route, want 1", n)
			}
		})

		t.Run("another key creates another", func(t *testing.T) {
			before := e.mine("child2")
			e.do("POST", "/api/v1/proposals", e.tokens["child2"], body, key("tap-2"))
			if n := e.mine("child2") - before; n != 1 {
				t.Errorf("%d proposals created, want 1", n)
			}
		})

		t.Run("another user's same key is their own", func(t *testing.T) {
			r := e.do("POST", "/api/v1/proposals", e.tokens["child"], body, key("tap-1"))
			if r.status != 201 || r.header.Get("Idempotent-Replayed") != "" {
				t.Fatalf("%d %q: %s", r.status, r.header.Get("Idempotent-Replayed"), r.body)
			}
			if r.json()["author"].(map[string]any)["nickname"] != "童child" {
				t.Errorf("the answer is another child's proposal: %s", r.body)
			}
		})

		t.Run("a refused create releases the key for the corrected retry", func(t *testing.T) {
			bad := map[string]any{"body_id": "{council}", "title": "我的电话是13800138000", "category": "park"}
			r := e.do("POST", "/api/v1/proposals", e.tokens["child2"], bad, key("fix-me"))
			if r.status != 422 {
				t.Fatalf("%d, want 422: %s", r.status, r.body)
			}
			before := e.mine("child2")
			r = e.do("POST", "/api/v1/proposals", e.tokens["child2"], body, key("fix-me"))
			if r.status != 201 || r.header.Get("Idempotent-Replayed") != "" {
				t.Fatalf("the corrected retry: %d %s", r.status, r.body)
			}
			if n := e.mine("child2") - before; n != 1 {
				t.Errorf("%d proposals created, want 1", n)
			}
		})

		t.Run("after 24 hours the key is free again", func(t *testing.T) {
			before := e.mine("child2")
			e.advance(25 * time.Hour)
			r := e.do("POST", "/api/v1/proposals", e.tokens["child2"], body, key("tap-1"))
			if r.status != 201 || r.header.Get("Idempotent-Replayed") != "" {
				t.Fatalf("%d %q", r.status, r.header.Get("Idempotent-Replayed"))
			}
			if n := e.mine("child2") - before; n != 1 {
				t.Errorf("%d proposals created, want 1", n)
			}
		})

		p := e.propose("child2", "图书馆的灯太暗")
		t.Run("a comment sent twice is one comment", func(t *testing.T) {
			c := map[string]any{"body": "晚上看书眼睛累"}
			a := e.do("POST", "/api/v1/proposals/"+p+"/comments", e.tokens["child"], c, key("c-1"))
			b := e.do("POST", "/api/v1/proposals/"+p+"/comments", e.tokens["child"], c, key("c-1"))
			if a.status != 201 || b.status != 201 || a.body != b.body {
				t.Fatalf("%d %d\n%s\n%s", a.status, b.status, a.body, b.body)
			}
			list := e.ok(200, "GET", "/api/v1/proposals/"+p+"/comments", "child", nil)
			if n := strings.Count(list.body, "晚上看书眼睛累"); n != 1 {
				t.Errorf("the comment is listed %d times", n)
			}
		})

		t.Run("the same key on another route is another request", func(t *testing.T) {
			c := map[string]any{"body": "我也觉得太暗了"}
			r := e.do("POST", "/api/v1/proposals/"+p+"/comments", e.tokens["child2"], c, key("tap-2"))
			if r.status != 201 || r.header.Get("Idempotent-Replayed") != "" || !strings.Contains(r.body, "我也觉得太暗了") {
				t.Fatalf("%d %s", r.status, r.body)
			}
		})

		done := e.propose("child2", "儿童之家的新桌子")
		e.toStage(done, "evaluation")
		t.Run("an evaluation sent twice answers the first result, not a conflict", func(t *testing.T) {
			ev := map[string]any{"ratings": map[string]int{"safety": 5, "fun": 4, "access": 4, "looks": 3}}
			a := e.do("POST", "/api/v1/proposals/"+done+"/evaluations", e.tokens["child"], ev, key("ev-1"))
			b := e.do("POST", "/api/v1/proposals/"+done+"/evaluations", e.tokens["child"], ev, key("ev-1"))
			if a.status != 201 || b.status != 201 || a.body != b.body {
				t.Fatalf("%d %d\n%s\n%s", a.status, b.status, a.body, b.body)
			}
			if c := e.do("POST", "/api/v1/proposals/"+done+"/evaluations", e.tokens["child"], ev, key("ev-2")); c.status != 409 {
				t.Errorf("a second evaluation with a new key: %d, want 409", c.status)
			}
		})

		e.run(t, []scenario{
			{name: "a key of 256 characters", method: "POST", url: "/api/v1/proposals", as: "child2", body: body,
				header: map[string]string{"Idempotency-Key": strings.Repeat("k", 256)}, status: 400, code: "bad_request", contains: []string{"idempotency_key"}},
			{name: "a key with a space", method: "POST", url: "/api/v1/proposals", as: "child2", body: body,
				header: map[string]string{"Idempotency-Key": "a b"}, status: 400, code: "bad_request"},
			{name: "a key in English", method: "POST", url: "/api/v1/proposals?lang=en", as: "child2", body: body,
				header: map[string]string{"Idempotency-Key": "a\tb"}, status: 400, code: "bad_request", contains: []string{"visible ASCII"}},
			{name: "a key does not open another body", method: "POST", url: "/api/v1/proposals", as: "child", status: 404, code: "not_found",
				header: map[string]string{"Idempotency-Key": "scope-1"}, body: newProposal("{other_council}")},
			{name: "a key does not let staff create", method: "POST", url: "/api/v1/proposals", as: "facilitator", status: 403, code: "forbidden",
				header: map[string]string{"Idempotency-Key": "scope-2"}, body: newProposal("{council}")},
			{name: "a key does not let a child without consent write", method: "POST", url: "/api/v1/proposals", as: "child_pending", status: 403,
				code: "consent_required", header: map[string]string{"Idempotency-Key": "scope-3"}, body: newProposal("{council}")},
		})
	})
}

// Eight requests with one key at the same moment (a child's double tap on a slow network, and
// the browser's retries) make one proposal, and every one of them answers with it.
func TestIdempotentCreatesAtOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		before := e.mine("child2")
		const n = 8
		var wg sync.WaitGroup
		statuses, bodies := make([]int, n), make([]string, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := httptest.NewRequest("POST", "/api/v1/proposals", strings.NewReader(e.expand(
					`{"body_id":"{council}","title":"同时按了两下","description":"一条建议","category":"park"}`)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+e.tokens["child2"])
				req.Header.Set("Idempotency-Key", "same-moment")
				<-start
				res, err := e.app.Test(req, -1)
				if err != nil {
					statuses[i] = -1
					bodies[i] = err.Error()
					return
				}
				raw, _ := io.ReadAll(res.Body)
				res.Body.Close()
				statuses[i], bodies[i] = res.StatusCode, string(raw)
			}()
		}
		close(start)
		wg.Wait()
		for i := range n {
			if statuses[i] != 201 || bodies[i] != bodies[0] {
				t.Errorf("request %d: %d %s (first: %s)", i, statuses[i], bodies[i], bodies[0])
			}
		}
		if got := e.mine("child2") - before; got != 1 {
			t.Errorf("%d proposals created by %d simultaneous requests with one key, want 1", got, n)
		}
		// Without a key the same requests would each create one: the key is what holds them.
		for i := range 2 {
			e.ok(201, "POST", "/api/v1/proposals", "child2", map[string]any{"body_id": "{council}", "title": fmt.Sprintf("没有钥匙 %d", i), "category": "park"})
		}
		if got := e.mine("child2") - before; got != 3 {
			t.Errorf("%d proposals after two more without a key, want 3", got)
		}
	})
}
