package api_test

import (
	"testing"
)

// propose posts a proposal as a fixture child and returns its ID.
func (e *env) propose(as, title string) string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/proposals", e.tokens[as], map[string]any{"body_id": "{council}", "title": title,
		"description": "清和公园东门的滑梯坏了，希望修好。", "category": "park"}, nil)
	if r.status != 201 {
		e.t.Fatalf("propose: %d %s", r.status, r.body)
	}
	return r.json()["id"].(string)
}

// ok sends a request that must succeed with want, and returns the reply.
func (e *env) ok(want int, method, url, as string, body any) response {
	e.t.Helper()
	r := e.do(method, url, e.tokens[as], body, nil)
	if r.status != want {
		e.t.Fatalf("%s %s as %s: %d, want %d: %s", method, url, as, r.status, want, r.body)
	}
	return r
}

// refused sends a request that must fail with status and code.
func (e *env) refused(t *testing.T, status int, code, method, url, as string, body any) {
	t.Helper()
	r := e.do(method, url, e.tokens[as], body, nil)
	if r.status != status || r.errorCode() != code {
		t.Fatalf("%s %s as %s: %d %s, want %d %s", method, url, as, r.status, r.errorCode(), status, code)
	}
}

// toStage drives a fresh proposal of child to stage through the API, as the committee would.
// Design gets two options; decision is adopted unless outcome says otherwise.
func (e *env) toStage(id, stage string) (options []string) {
	e.t.Helper()
	p := "/api/v1/proposals/" + id
	if stage == "needs" {
		return nil
	}
	e.ok(200, "POST", p+"/stage", "committee", map[string]any{"to": "design"})
	for _, title := range []string{"方案一：换新滑梯", "方案二：加攀爬网"} {
		options = append(options, e.ok(201, "POST", p+"/options", "committee", map[string]any{"title": title}).json()["id"].(string))
	}
	if stage == "design" {
		return options
	}
	e.ok(200, "POST", p+"/decision", "committee", map[string]any{"outcome": "adopted", "child_summary": "我们决定换新滑梯。", "responsible_unit": "市住建局"})
	if stage == "decision" {
		return options
	}
	e.ok(200, "POST", p+"/stage", "committee", map[string]any{"to": "evaluation"})
	if stage == "evaluation" {
		return options
	}
	e.ok(200, "POST", p+"/stage", "committee", map[string]any{"to": "closed", "summary": "滑梯已经换好了。"})
	return options
}
