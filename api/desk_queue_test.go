package api_test

import (
	"context"
	"testing"

	"tongsheng/models"
)

// The queue names each text's author and body, keeps the decisions of the last week to check,
// and takes a decision back: the text waits, out of sight, for a person again.
func TestQueueDecidedAndUndo(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		b, err := e.store.CreateBody(context.Background(), sys, models.BodyInput{Name: "测试pre", Kind: models.BodyCouncil,
			RegionID: e.ids["lecheng"], TermEndsOn: "2027-08-31", ModerationMode: models.ModerationPre})
		e.must(err)
		e.ids["pre"], e.codes["pre"] = b.ID, b.JoinCode
		e.child("pre_kid", "pre", true)
		e.child("pre_kid2", "pre", true)
		e.ids["p"] = e.propose2("pre_kid", "pre", "图书馆的椅子太高了")
		queue := e.ok(200, "GET", "/api/v1/moderation/queue", "committee", nil).json()["items"].([]any)
		if len(queue) != 1 {
			t.Fatalf("queue: %v", queue)
		}
		e.ids["item"] = queue[0].(map[string]any)["id"].(string)
		e.run(t, []scenario{
			{name: "the queue names author, body and proposal", method: "GET", url: "/api/v1/moderation/queue", as: "committee", status: 200,
				contains: []string{`"author":{"nickname":"童pre_kid"}`, `"body":{"id":"{pre}","name":"测试pre"}`, `"proposal_id":"{p}"`, `"status":"pending"`, `"created_at":"`}},
			{name: "nothing decided yet", method: "GET", url: "/api/v1/moderation/queue?status=decided", as: "committee", status: 200, contains: []string{`"items":[]`}},
			{name: "undo before a decision", method: "POST", url: "/api/v1/moderation/items/{item}/undo", as: "committee", status: 409, code: "conflict"},
			{name: "approve", method: "POST", url: "/api/v1/moderation/items/{item}", as: "committee", body: map[string]any{"action": "approve"}, status: 200,
				check: func(t *testing.T, e *env, r response) {
					e.ok(200, "GET", "/api/v1/proposals/{p}", "pre_kid2", nil)
				}},
			{name: "the decided list shows it", method: "GET", url: "/api/v1/moderation/queue?status=decided", as: "committee_town", status: 200,
				contains: []string{`"id":"{item}"`, `"status":"approved"`, `"decided_at":"`, `"author":{"nickname":"童pre_kid"}`}},
			{name: "decided: out of scope", method: "GET", url: "/api/v1/moderation/queue?status=decided", as: "committee_other", status: 200, contains: []string{`"items":[]`}},
			{name: "decided: a child", method: "GET", url: "/api/v1/moderation/queue?status=decided", as: "pre_kid", status: 403, code: "forbidden"},
			{name: "an unknown status", method: "GET", url: "/api/v1/moderation/queue?status=all", as: "committee", status: 400, code: "bad_request"},
			{name: "undo: another city's committee", method: "POST", url: "/api/v1/moderation/items/{item}/undo", as: "committee_other", status: 404, code: "not_found"},
			{name: "undo: a facilitator of other bodies", method: "POST", url: "/api/v1/moderation/items/{item}/undo", as: "facilitator", status: 404, code: "not_found"},
			{name: "undo: a child", method: "POST", url: "/api/v1/moderation/items/{item}/undo", as: "pre_kid", status: 404, code: "not_found"},
			{name: "undo: an unknown item", method: "POST", url: "/api/v1/moderation/items/01aaaaaaaaaaaaaaaaaaaaaaaa/undo", as: "committee", status: 404, code: "not_found"},
			{name: "undo", method: "POST", url: "/api/v1/moderation/items/{item}/undo", as: "committee_town", status: 200,
				check: func(t *testing.T, e *env, r response) {
					if r := e.do("GET", "/api/v1/proposals/{p}", e.tokens["pre_kid2"], nil, nil); r.status != 404 {
						t.Errorf("the proposal is still in sight of the other children: %d", r.status)
					}
					e.refused(t, 409, "conflict", "POST", "/api/v1/moderation/items/{item}/undo", "committee", nil)
				}},
			{name: "back in the queue", method: "GET", url: "/api/v1/moderation/queue", as: "committee", status: 200, contains: []string{`"id":"{item}"`, `"status":"pending"`}},
			{name: "and decided anew", method: "POST", url: "/api/v1/moderation/items/{item}", as: "committee", body: map[string]any{"action": "reject", "reason": "请换一种说法"}, status: 200},
		})
	})
}
