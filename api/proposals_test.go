package api_test

import (
	"context"
	"strings"
	"testing"

	"tongsheng/models"
)

func newProposal(body string) map[string]any {
	return map[string]any{"body_id": body, "title": "爱心斑马线旁边加护栏", "description": "放学时车很多。", "category": "school_route"}
}

func TestProposalRoutes(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.ids["p"] = e.propose("child", "清和公园的滑梯坏了")
		e.ids["other_p"] = e.propose2("child_other", "other_council", "常州的图书馆太远了")
		e.ids["p_eval"] = e.propose("child2", "儿童之家加一个阅读角")
		e.toStage(e.ids["p_eval"], "evaluation")
		e.run(t, []scenario{
			{name: "child lists own body's proposals", method: "GET", url: "/api/v1/proposals", as: "child", status: 200,
				contains: []string{"{p}", `"author":{"nickname":"童child","age":11}`, `"body":{"id":"{council}","name":"测试council"}`}, notContains: []string{"{other_p}"}},
			{name: "child without consent can read", method: "GET", url: "/api/v1/proposals", as: "child_pending", status: 200, contains: []string{"{p}"}},
			{name: "observer sees evaluation-stage proposals of the region, not needs", method: "GET", url: "/api/v1/proposals", as: "observer", status: 200,
				contains: []string{"{p_eval}"}, notContains: []string{`"id":"{p}"`, "{other_p}"}},
			{name: "facilitator sees own bodies", method: "GET", url: "/api/v1/proposals", as: "facilitator", status: 200, contains: []string{"{p}"}, notContains: []string{"{other_p}"}},
			{name: "committee of another city", method: "GET", url: "/api/v1/proposals", as: "committee_other", status: 200, contains: []string{"{other_p}"}, notContains: []string{"{p}"}},
			{name: "admin sees all", method: "GET", url: "/api/v1/proposals", as: "admin", status: 200, contains: []string{"{p}", "{other_p}"}},
			{name: "filter by stage", method: "GET", url: "/api/v1/proposals?stage=evaluation", as: "admin", status: 200, contains: []string{"{p_eval}"}, notContains: []string{`"id":"{p}"`}},
			{name: "search", method: "GET", url: "/api/v1/proposals?q=%E9%98%85%E8%AF%BB%E8%A7%92", as: "child", status: 200, contains: []string{"{p_eval}"}, notContains: []string{`"id":"{p}"`}},
			{name: "search with LIKE wildcards matches them literally", method: "GET", url: "/api/v1/proposals?q=%25", as: "child", status: 200, notContains: []string{"{p}"}},
			{name: "mine", method: "GET", url: "/api/v1/proposals?mine=true", as: "child2", status: 200, contains: []string{"{p_eval}"}, notContains: []string{`"id":"{p}"`}},
			{name: "unknown stage", method: "GET", url: "/api/v1/proposals?stage=done", as: "child", status: 400, code: "bad_request"},
			{name: "bad mine", method: "GET", url: "/api/v1/proposals?mine=yes", as: "child", status: 400, code: "bad_request"},
			{name: "staff filter by a body out of scope", method: "GET", url: "/api/v1/proposals?body_id={other_council}", as: "facilitator", status: 404, code: "not_found"},
			{name: "no token", method: "GET", url: "/api/v1/proposals", status: 401, code: "unauthenticated"},

			{name: "child creates", method: "POST", url: "/api/v1/proposals", as: "child2", status: 201, body: newProposal("{council}"),
				contains: []string{`"visibility":"published"`, `"stage":"needs"`, `"my":{"supported":false`}},
			{name: "child without consent", method: "POST", url: "/api/v1/proposals", as: "child_pending", status: 403, code: "consent_required", body: newProposal("{council}")},
			{name: "child in another body", method: "POST", url: "/api/v1/proposals", as: "child", status: 404, code: "not_found", body: newProposal("{other_council}")},
			{name: "staff may not", method: "POST", url: "/api/v1/proposals", as: "facilitator", status: 403, code: "forbidden", body: newProposal("{council}")},
			{name: "committee may not", method: "POST", url: "/api/v1/proposals", as: "committee", status: 403, code: "forbidden", body: newProposal("{council}")},
			{name: "unknown category", method: "POST", url: "/api/v1/proposals", as: "child", status: 400, code: "bad_request",
				body: map[string]any{"body_id": "{council}", "title": "好标题", "category": "zoo"}},
			{name: "empty title", method: "POST", url: "/api/v1/proposals", as: "child", status: 422, code: "validation_failed",
				body: map[string]any{"body_id": "{council}", "title": "", "category": "park"}, contains: []string{`"title"`}},
			{name: "a title of 10,000 characters", method: "POST", url: "/api/v1/proposals", as: "child", status: 422, code: "validation_failed",
				body: map[string]any{"body_id": "{council}", "title": strings.Repeat("长", 10000), "category": "park"}, contains: []string{"最多 60 个字"}},
			{name: "description too long", method: "POST", url: "/api/v1/proposals", as: "child", status: 422, code: "validation_failed",
				body: map[string]any{"body_id": "{council}", "title": "好标题", "description": strings.Repeat("字", 2001), "category": "park"}},
			{name: "missing body", method: "POST", url: "/api/v1/proposals", as: "child", status: 422, code: "validation_failed",
				body: map[string]any{"title": "好标题", "category": "park"}, contains: []string{`"body_id"`}},
			{name: "title of the wrong type", method: "POST", url: "/api/v1/proposals", as: "child", status: 400, code: "bad_request",
				body: `{"body_id":"{council}","title":["a"],"category":"park"}`},

			{name: "child reads", method: "GET", url: "/api/v1/proposals/{p}", as: "child2", status: 200,
				contains: []string{`"description":"清和公园东门的滑梯坏了，希望修好。"`, `"timeline":[`, `"options":[]`, `"decision":null`}},
			{name: "child of another body", method: "GET", url: "/api/v1/proposals/{p}", as: "child_other", status: 404, code: "not_found"},
			{name: "observer cannot read a needs proposal outside its body", method: "GET", url: "/api/v1/proposals/{p}", as: "observer", status: 404, code: "not_found"},
			{name: "observer reads an evaluation proposal of its region", method: "GET", url: "/api/v1/proposals/{p_eval}", as: "observer", status: 200},
			{name: "facilitator of another body", method: "GET", url: "/api/v1/proposals/{p}", as: "facilitator_other", status: 404, code: "not_found"},
			{name: "committee of another city", method: "GET", url: "/api/v1/proposals/{p}", as: "committee_other", status: 404, code: "not_found"},
			{name: "township committee", method: "GET", url: "/api/v1/proposals/{p}", as: "committee_town", status: 200},
			{name: "unknown", method: "GET", url: "/api/v1/proposals/01aaaaaaaaaaaaaaaaaaaaaaaa", as: "admin", status: 404, code: "not_found"},

			{name: "support: pending child", method: "PUT", url: "/api/v1/proposals/{p}/support", as: "child_pending", status: 403, code: "consent_required"},
			{name: "support: staff", method: "PUT", url: "/api/v1/proposals/{p}/support", as: "facilitator", status: 403, code: "forbidden"},
			{name: "support: other body", method: "PUT", url: "/api/v1/proposals/{p}/support", as: "child_other", status: 404, code: "not_found"},
			{name: "support: observer outside the audience", method: "PUT", url: "/api/v1/proposals/{p_eval}/support", as: "observer", status: 403, code: "forbidden"},
			{name: "support: twice is one", method: "PUT", url: "/api/v1/proposals/{p}/support", as: "child2", status: 200, contains: []string{`"support_count":1`},
				check: func(t *testing.T, e *env, r response) {
					if again := e.ok(200, "PUT", "/api/v1/proposals/{p}/support", "child2", nil); !strings.Contains(again.body, `"support_count":1`) {
						t.Fatalf("second support: %s", again.body)
					}
					if off := e.ok(200, "DELETE", "/api/v1/proposals/{p}/support", "child2", nil); !strings.Contains(off.body, `"support_count":0`) {
						t.Fatalf("remove: %s", off.body)
					}
					if off := e.ok(200, "DELETE", "/api/v1/proposals/{p}/support", "child2", nil); !strings.Contains(off.body, `"support_count":0`) {
						t.Fatalf("remove twice: %s", off.body)
					}
				}},
			{name: "support: wrong stage", method: "PUT", url: "/api/v1/proposals/{p_eval}/support", as: "child", status: 409, code: "stage_closed"},

			{name: "stage: facilitator may not", method: "POST", url: "/api/v1/proposals/{p}/stage", as: "facilitator", status: 403, code: "forbidden", body: map[string]any{"to": "design"}},
			{name: "stage: child may not", method: "POST", url: "/api/v1/proposals/{p}/stage", as: "child", status: 403, code: "forbidden", body: map[string]any{"to": "design"}},
			{name: "stage: other city", method: "POST", url: "/api/v1/proposals/{p}/stage", as: "committee_other", status: 404, code: "not_found", body: map[string]any{"to": "design"}},
			{name: "stage: unknown stage", method: "POST", url: "/api/v1/proposals/{p}/stage", as: "committee", status: 400, code: "bad_request", body: map[string]any{"to": "done"}},
			{name: "stage: missing to", method: "POST", url: "/api/v1/proposals/{p}/stage", as: "committee", status: 422, code: "validation_failed", body: map[string]any{}},
			{name: "stage: note too long", method: "POST", url: "/api/v1/proposals/{p}/stage", as: "committee", status: 422, code: "validation_failed",
				body: map[string]any{"to": "design", "note": strings.Repeat("注", 501)}},

			{name: "options: outside design", method: "POST", url: "/api/v1/proposals/{p}/options", as: "committee", status: 409, code: "stage_closed", body: map[string]any{"title": "方案"}},
			{name: "options: facilitator may not", method: "POST", url: "/api/v1/proposals/{p}/options", as: "facilitator", status: 403, code: "forbidden", body: map[string]any{"title": "方案"}},
			{name: "options: bad image URL", method: "POST", url: "/api/v1/proposals/{p}/options", as: "committee", status: 422, code: "validation_failed",
				body: map[string]any{"title": "方案", "image_url": "javascript:alert(1)"}},

			{name: "decision: missing child summary", method: "POST", url: "/api/v1/proposals/{p}/decision", as: "committee", status: 422, code: "validation_failed",
				body: map[string]any{"outcome": "adopted"}, contains: []string{`"child_summary"`}},
			{name: "decision: child summary over 300", method: "POST", url: "/api/v1/proposals/{p}/decision", as: "committee", status: 422, code: "validation_failed",
				body: map[string]any{"outcome": "adopted", "child_summary": strings.Repeat("好", 301)}},
			{name: "decision: unknown outcome", method: "POST", url: "/api/v1/proposals/{p}/decision", as: "committee", status: 400, code: "bad_request",
				body: map[string]any{"outcome": "maybe", "child_summary": "好"}},
			{name: "decision: bad date and notice", method: "POST", url: "/api/v1/proposals/{p}/decision", as: "committee", status: 422, code: "validation_failed",
				body: map[string]any{"outcome": "adopted", "child_summary": "好", "planned_completion": "next year", "notice_days": 0}, contains: []string{"planned_completion", "notice_days"}},
			{name: "decision: facilitator may not", method: "POST", url: "/api/v1/proposals/{p}/decision", as: "facilitator", status: 403, code: "forbidden",
				body: map[string]any{"outcome": "adopted", "child_summary": "好"}},
			{name: "decision: from evaluation", method: "POST", url: "/api/v1/proposals/{p_eval}/decision", as: "committee", status: 409, code: "invalid_transition",
				body: map[string]any{"outcome": "adopted", "child_summary": "好"}},

			{name: "results: staff in scope", method: "GET", url: "/api/v1/proposals/{p_eval}/results", as: "facilitator", status: 200, contains: []string{`"total":0`, `"votes":0`}},
			{name: "results: child after voting", method: "GET", url: "/api/v1/proposals/{p_eval}/results", as: "child", status: 200},
			{name: "results: other body", method: "GET", url: "/api/v1/proposals/{p_eval}/results", as: "child_other", status: 404, code: "not_found"},

			{name: "evaluate: rating of 0 and 6", method: "POST", url: "/api/v1/proposals/{p_eval}/evaluations", as: "child", status: 422, code: "validation_failed",
				body: map[string]any{"ratings": map[string]int{"safety": 0, "fun": 6, "access": 3, "looks": 3}}, contains: []string{"ratings.safety", "ratings.fun"}},
			{name: "evaluate: ratings as text", method: "POST", url: "/api/v1/proposals/{p_eval}/evaluations", as: "child", status: 400, code: "bad_request",
				body: `{"ratings":{"safety":"five"}}`},
			{name: "evaluate: staff may not", method: "POST", url: "/api/v1/proposals/{p_eval}/evaluations", as: "committee", status: 403, code: "forbidden",
				body: map[string]any{"ratings": map[string]int{"safety": 3, "fun": 3, "access": 3, "looks": 3}}},
			{name: "evaluate: pending child", method: "POST", url: "/api/v1/proposals/{p_eval}/evaluations", as: "child_pending", status: 403, code: "consent_required",
				body: map[string]any{"ratings": map[string]int{"safety": 3, "fun": 3, "access": 3, "looks": 3}}},
			{name: "evaluate: other body", method: "POST", url: "/api/v1/proposals/{p_eval}/evaluations", as: "child_other", status: 404, code: "not_found",
				body: map[string]any{"ratings": map[string]int{"safety": 3, "fun": 3, "access": 3, "looks": 3}}},
			{name: "evaluate: wrong stage", method: "POST", url: "/api/v1/proposals/{p}/evaluations", as: "child2", status: 409, code: "stage_closed",
				body: map[string]any{"ratings": map[string]int{"safety": 3, "fun": 3, "access": 3, "looks": 3}}},

			{name: "inspect: no items", method: "POST", url: "/api/v1/proposals/{p_eval}/inspections", as: "observer", status: 422, code: "validation_failed", body: map[string]any{"items": []any{}}},
			{name: "inspect: other city's facilitator", method: "POST", url: "/api/v1/proposals/{p_eval}/inspections", as: "facilitator_other", status: 404, code: "not_found",
				body: map[string]any{"items": []map[string]any{{"item": "x", "ok": true}}}},
			{name: "inspect: committee in scope", method: "POST", url: "/api/v1/proposals/{p_eval}/inspections", as: "committee", status: 201,
				body: map[string]any{"items": []map[string]any{{"item": "验收通过", "ok": true}}}, contains: []string{`"by_role":"committee"`}},

			{name: "overdue: child may not", method: "GET", url: "/api/v1/proposals/overdue", as: "child", status: 403, code: "forbidden"},
			{name: "overdue: none yet", method: "GET", url: "/api/v1/proposals/overdue", as: "committee", status: 200, contains: []string{`"items":[]`}},
			{name: "stats: child may not", method: "GET", url: "/api/v1/stats", as: "child", status: 403, code: "forbidden"},
			{name: "stats: bad date", method: "GET", url: "/api/v1/stats?from=2026-13-01", as: "committee", status: 400, code: "bad_request"},
			{name: "stats: region out of scope", method: "GET", url: "/api/v1/stats?region_id=nope", as: "committee", status: 404, code: "not_found"},
			{name: "export: child may not", method: "GET", url: "/api/v1/stats/export.csv", as: "child", status: 403, code: "forbidden"},
		})
	})
}

// propose2 posts a proposal in a named body.
func (e *env) propose2(as, body, title string) string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/proposals", e.tokens[as], map[string]any{"body_id": "{" + body + "}", "title": title, "category": "library"}, nil)
	if r.status != 201 {
		e.t.Fatalf("propose: %d %s", r.status, r.body)
	}
	return r.json()["id"].(string)
}

func TestCommentRoutes(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.ids["p"] = e.propose("child", "清和公园的滑梯坏了")
		e.ids["q"] = e.propose("child", "另一个建议")
		e.ids["opt_q"] = e.toStage(e.ids["q"], "design")[0]
		e.ids["top"] = e.ok(201, "POST", "/api/v1/proposals/{p}/comments", "child2", map[string]any{"body": "同意！"}).json()["id"].(string)
		e.ids["reply"] = e.ok(201, "POST", "/api/v1/proposals/{p}/comments", "child", map[string]any{"body": "谢谢", "parent_id": "{top}"}).json()["id"].(string)
		e.run(t, []scenario{
			{name: "list, oldest first, with public names", method: "GET", url: "/api/v1/proposals/{p}/comments", as: "child_pending", status: 200,
				contains: []string{`"body":"同意！"`, `"author":{"nickname":"童child2","age":11}`, `"parent_id":"{top}"`},
				check: func(t *testing.T, e *env, r response) {
					items := r.json()["items"].([]any)
					if len(items) != 2 || items[0].(map[string]any)["id"] != e.ids["top"] {
						t.Fatalf("order: %s", r.body)
					}
				}},
			{name: "list: other body", method: "GET", url: "/api/v1/proposals/{p}/comments", as: "child_other", status: 404, code: "not_found"},
			{name: "staff reply names the role, not a person", method: "POST", url: "/api/v1/proposals/{p}/comments", as: "committee", status: 201,
				body: map[string]any{"body": "我们会去现场看看。"}, contains: []string{`"author":null`, `"author_role":"committee"`}},
			{name: "admin may not comment", method: "POST", url: "/api/v1/proposals/{p}/comments", as: "admin", status: 403, code: "forbidden", body: map[string]any{"body": "x"}},
			{name: "other facilitator", method: "POST", url: "/api/v1/proposals/{p}/comments", as: "facilitator_other", status: 404, code: "not_found", body: map[string]any{"body": "x"}},
			{name: "pending child", method: "POST", url: "/api/v1/proposals/{p}/comments", as: "child_pending", status: 403, code: "consent_required", body: map[string]any{"body": "x"}},
			{name: "empty", method: "POST", url: "/api/v1/proposals/{p}/comments", as: "child2", status: 422, code: "validation_failed", body: map[string]any{"body": "   "}},
			{name: "501 characters", method: "POST", url: "/api/v1/proposals/{p}/comments", as: "child2", status: 422, code: "validation_failed", body: map[string]any{"body": strings.Repeat("话", 501)}},
			{name: "a reply to a reply (one level only)", method: "POST", url: "/api/v1/proposals/{p}/comments", as: "child2", status: 422, code: "validation_failed",
				body: map[string]any{"body": "x", "parent_id": "{reply}"}, contains: []string{"parent_id"}},
			{name: "a parent on another proposal", method: "POST", url: "/api/v1/proposals/{q}/comments", as: "child2", status: 422, code: "validation_failed",
				body: map[string]any{"body": "x", "parent_id": "{top}"}},
			{name: "about an option of another proposal", method: "POST", url: "/api/v1/proposals/{p}/comments", as: "child2", status: 422, code: "validation_failed",
				body: map[string]any{"body": "x", "option_id": "{opt_q}"}, contains: []string{"option_id"}},
			{name: "about an option", method: "POST", url: "/api/v1/proposals/{q}/comments", as: "child2", status: 201,
				body: map[string]any{"body": "我喜欢这个方案", "option_id": "{opt_q}"}, contains: []string{`"option_id":"{opt_q}"`}},
			{name: "vote for an option of another proposal", method: "PUT", url: "/api/v1/proposals/{q}/vote", as: "child2", status: 422, code: "validation_failed",
				body: map[string]any{"option_id": "{top}"}},
			{name: "vote: staff may not", method: "PUT", url: "/api/v1/proposals/{q}/vote", as: "committee", status: 403, code: "forbidden", body: map[string]any{"option_id": "{opt_q}"}},
			{name: "vote: other body", method: "PUT", url: "/api/v1/proposals/{q}/vote", as: "child_other", status: 404, code: "not_found", body: map[string]any{"option_id": "{opt_q}"}},
			{name: "vote: pending child", method: "PUT", url: "/api/v1/proposals/{q}/vote", as: "child_pending", status: 403, code: "consent_required", body: map[string]any{"option_id": "{opt_q}"}},
			{name: "vote: option as a number", method: "PUT", url: "/api/v1/proposals/{q}/vote", as: "child2", status: 400, code: "bad_request", body: `{"option_id": 7}`},
			{name: "vote: in needs", method: "PUT", url: "/api/v1/proposals/{p}/vote", as: "child2", status: 409, code: "stage_closed", body: map[string]any{"option_id": "{opt_q}"}},
		})
		// The replies told their authors; the comment count includes replies.
		if r := e.ok(200, "GET", "/api/v1/notifications", "child2", nil); !strings.Contains(r.body, `"kind":"reply"`) {
			t.Fatalf("child2 was not told of the reply: %s", r.body)
		}
		if r := e.ok(200, "GET", "/api/v1/proposals/{p}", "child", nil); !strings.Contains(r.body, `"comment_count":3`) {
			t.Fatalf("comment count: %s", r.body)
		}
	})
}

// In a body with pre-moderation everything waits for a person: only its author and staff see it.
func TestPreModeration(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		b, err := e.store.CreateBody(context.Background(), sys, models.BodyInput{Name: "先审后发议事会", Kind: "council", RegionID: e.ids["lecheng"], ModerationMode: "pre"})
		e.must(err)
		e.ids["pre"] = b.ID
		_, err = e.store.AddMember(context.Background(), sys, b.ID, models.MemberInput{ChildID: e.ids["child"]})
		e.must(err)
		_, err = e.store.AddMember(context.Background(), sys, b.ID, models.MemberInput{ChildID: e.ids["child2"]})
		e.must(err)
		r := e.ok(201, "POST", "/api/v1/proposals", "child", newProposal("{pre}"))
		if !strings.Contains(r.body, `"visibility":"pending"`) || !strings.Contains(r.body, `"response_due_at":null`) {
			t.Fatalf("pre-moderated proposal: %s", r.body)
		}
		e.ids["pending_p"] = r.json()["id"].(string)
		e.run(t, []scenario{
			{name: "another child cannot see it", method: "GET", url: "/api/v1/proposals/{pending_p}", as: "child2", status: 404, code: "not_found"},
			{name: "its author can", method: "GET", url: "/api/v1/proposals/{pending_p}", as: "child", status: 200},
			{name: "the committee can", method: "GET", url: "/api/v1/proposals/{pending_p}", as: "committee", status: 200},
			{name: "it cannot move until published", method: "POST", url: "/api/v1/proposals/{pending_p}/stage", as: "committee", status: 409, code: "invalid_transition", body: map[string]any{"to": "design"}},
			{name: "it is not in the public notice", method: "GET", url: "/api/v1/public/proposals/{pending_p}", status: 404, code: "not_found"},
			{name: "nor overdue", method: "GET", url: "/api/v1/proposals/overdue", as: "committee", status: 200, notContains: []string{"{pending_p}"}},
		})
	})
}

// Pre-moderation holds every child text, not only proposals and comments: an evaluation's
// comment and an inspection report in a body that reviews everything first wait for a person.
func TestPreModerationHoldsEvaluationsAndInspections(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		b, err := e.store.CreateBody(ctx, sys, models.BodyInput{Name: "先审后发议事会", Kind: "council", RegionID: e.ids["lecheng"], ModerationMode: "pre"})
		e.must(err)
		for _, who := range []string{"child", "child2"} {
			_, err = e.store.AddMember(ctx, sys, b.ID, models.MemberInput{ChildID: e.ids[who]})
			e.must(err)
		}
		e.ids["pre"] = b.ID
		id := e.ok(201, "POST", "/api/v1/proposals", "child", newProposal("{pre}")).json()["id"].(string)
		e.approveQueued(id)
		e.toStage(id, "evaluation")
		p := "/api/v1/proposals/" + id
		ratings := map[string]int{"safety": 4, "fun": 5, "access": 4, "looks": 3}

		r := e.ok(201, "POST", p+"/evaluations", "child2", map[string]any{"ratings": ratings, "comment": "新滑梯很好玩"})
		if r.json()["visibility"] != "pending" {
			t.Errorf("an evaluation comment in a pre-moderated body: %s", r.body)
		}
		if r := e.ok(201, "POST", p+"/evaluations", "child", map[string]any{"ratings": ratings}); r.json()["visibility"] != "published" {
			t.Errorf("ratings alone have nothing to review: %s", r.body)
		}
		r = e.ok(201, "POST", p+"/inspections", "observer", map[string]any{"items": []map[string]any{{"item": "座椅", "ok": true, "note": "很结实"}}, "summary": "都装好了"})
		if r.json()["visibility"] != "pending" {
			t.Errorf("an inspection in a pre-moderated body: %s", r.body)
		}
		if pub := e.ok(200, "GET", "/api/v1/public/proposals/"+id, "", nil); strings.Contains(pub.body, "座椅") {
			t.Errorf("the public notice shows an inspection nobody reviewed: %s", pub.body)
		}
		q := e.ok(200, "GET", "/api/v1/moderation/queue", "committee", nil)
		for _, want := range []string{`"target_type":"evaluation"`, `"target_type":"inspection"`, "新滑梯很好玩", "都装好了"} {
			if !strings.Contains(q.body, want) {
				t.Errorf("the queue lacks %s: %s", want, q.body)
			}
		}
	})
}

// approveQueued approves, as the committee, the queue item of a target.
func (e *env) approveQueued(targetID string) {
	e.t.Helper()
	items, _ := e.ok(200, "GET", "/api/v1/moderation/queue?limit=100", "committee", nil).json()["items"].([]any)
	for _, it := range items {
		if m := it.(map[string]any); m["target_id"] == targetID {
			e.ok(200, "POST", "/api/v1/moderation/items/"+m["id"].(string), "committee", map[string]any{"action": "approve"})
			return
		}
	}
	e.t.Fatalf("%s is not in the queue", targetID)
}
