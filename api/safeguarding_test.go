package api_test

import (
	"strings"
	"testing"
	"time"

	"tongsheng/models"
)

// cry is a child's cry for help, as the current screener reads it.
const cry = "我不想活了"

// The journey: a cry for help in a comment answers 201 pending with the kind message,
// is seen by no other child and on no public page, comes first in the facilitator's queue, and
// alerts the facilitator at once; the committee is told only after 24 hours without action.
func TestSafeguardingCommentReachesAnAdult(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		p := e.propose("child2", "清和公园加座位")
		e.ok(201, "POST", "/api/v1/proposals/"+p+"/comments", "child2", map[string]any{"body": "你这个笨蛋"}) // held first, queued later
		r := e.ok(201, "POST", "/api/v1/proposals/"+p+"/comments", "child", map[string]any{"body": cry + "，每天都很难过"})
		for _, want := range []string{`"visibility":"pending"`, `"kind":"safeguarding"`, "12355", "信任的大人"} {
			if !strings.Contains(r.body, want) {
				t.Fatalf("reply lacks %s: %s", want, r.body)
			}
		}
		if strings.Contains(r.body, `"kind":"insult"`) || strings.Contains(r.body, "error") {
			t.Fatalf("the child was corrected: %s", r.body)
		}
		comment := r.json()["id"].(string)
		if en := e.ok(201, "POST", "/api/v1/proposals/"+p+"/comments?lang=en", "child", map[string]any{"body": "我想自杀"}); !strings.Contains(en.body, "12355") || !strings.Contains(en.body, "adult you trust") {
			t.Fatalf("English reply: %s", en.body)
		}

		// Nobody else sees it: another child, the public notice, the feed.
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p+"/comments", "child2", nil); strings.Contains(r.body, cry) {
			t.Fatalf("another child sees the cry for help: %s", r.body)
		}
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p+"/comments", "child", nil); !strings.Contains(r.body, cry) {
			t.Fatalf("the author does not see their own words: %s", r.body)
		}
		for _, url := range []string{"/api/v1/public/proposals/" + p, "/api/v1/public/proposals", "/api/v1/public/feed.atom", "/api/v1/public/decisions.json"} {
			if r := e.do("GET", url, "", nil, nil); strings.Contains(r.body, cry) || strings.Contains(r.body, comment) {
				t.Fatalf("%s shows the cry for help: %s", url, r.body)
			}
		}

		// First in the facilitator's queue, with the child's names and the whole text.
		q := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator", nil)
		items := q.json()["items"].([]any)
		first := items[0].(map[string]any)
		if first["target_id"] != comment || first["safeguarding"] != true || !strings.Contains(first["text"].(string), "每天都很难过") {
			t.Fatalf("the cry for help is not first: %s", q.body)
		}
		child := first["child"].(map[string]any)
		if child["nickname"] != "童child" || child["real_name"] != "真名child" || first["body"].(map[string]any)["name"] != "测试council" {
			t.Fatalf("the desk does not say who wrote it: %v %v", child, first["body"])
		}
		itemID := first["id"].(string)
		if r := e.ok(200, "GET", "/api/v1/moderation/queue", "committee", nil); strings.Contains(r.body, "真名child") || !strings.Contains(r.body, "童child") {
			t.Fatalf("the committee sees the real name, or not the nickname: %s", r.body)
		}

		// The facilitator is alerted at once: which body and when, never the words.
		alerts := func(as string) []map[string]any {
			t.Helper()
			var out []map[string]any
			r := e.ok(200, "GET", "/api/v1/notifications", as, nil)
			for _, n := range r.json()["items"].([]any) {
				if m := n.(map[string]any); m["kind"] == "safeguarding" && m["queue_item_id"] == itemID {
					out = append(out, m)
				}
			}
			return out
		}
		got := alerts("facilitator")
		if len(got) != 1 || got[0]["proposal_id"] != p {
			t.Fatalf("facilitator alerts: %v", got)
		}
		msg := got[0]["message"].(string) + got[0]["title"].(string)
		if !strings.Contains(msg, "测试council") || !strings.Contains(msg, "2026-05-20 17:00") || strings.Contains(msg, cry) || strings.Contains(msg, "清和公园") {
			t.Fatalf("the alert should name the body and the local time, not the text: %q", msg)
		}
		for _, as := range []string{"committee", "committee_town", "facilitator_other", "child2", "child"} {
			if n := alerts(as); len(n) != 0 {
				t.Fatalf("%s was alerted at once: %v", as, n)
			}
		}

		// After 23 hours nothing more; after 24 hours without action the committee of the region is
		// told, once.
		e.advance(23 * time.Hour)
		if n, err := e.store.EscalateSafeguarding(t.Context()); err != nil || n != 0 {
			t.Fatalf("escalated early: %d %v", n, err)
		}
		e.advance(time.Hour)
		if n, err := e.store.EscalateSafeguarding(t.Context()); err != nil || n != 2 { // both cries for help
			t.Fatalf("escalation: %d %v", n, err)
		}
		if n, err := e.store.EscalateSafeguarding(t.Context()); err != nil || n != 0 {
			t.Fatalf("escalated twice: %d %v", n, err)
		}
		for as, want := range map[string]int{"committee": 1, "committee_town": 1, "committee_other": 0, "facilitator": 1, "facilitator_other": 0} {
			if n := len(alerts(as)); n != want {
				t.Errorf("%s has %d alerts for the item, want %d", as, n, want)
			}
		}
		if r := e.ok(200, "GET", "/api/v1/notifications?lang=en", "committee", nil); !strings.Contains(r.body, "may be a cry for help") && !strings.Contains(r.body, "可能是在求助") {
			t.Fatalf("committee alert: %s", r.body)
		}
		if r := e.ok(200, "GET", "/api/v1/moderation/queue", "committee", nil); !strings.Contains(r.body, `"escalated_at":"2026-05-21T09:00:00Z"`) {
			t.Fatalf("the queue does not say it was escalated: %s", r.body)
		}
	})
}

// A cry for help written in a report's reason reaches an adult like any other: the reporter
// hears the kind message, the facilitators of the reporter's bodies are alerted, and the reason
// is first in the queue; the report still counts.
func TestSafeguardingInAReportReason(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		p := e.propose("child2", "清和公园加座位")
		r := e.ok(201, "POST", "/api/v1/reports", "child", map[string]any{"target_type": "proposal", "target_id": p, "reason": cry + "，他们天天打我"})
		for _, want := range []string{`"kind":"safeguarding"`, "12355", "信任的大人"} {
			if !strings.Contains(r.body, want) {
				t.Fatalf("report reply lacks %s: %s", want, r.body)
			}
		}
		q := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator", nil)
		first := q.json()["items"].([]any)[0].(map[string]any)
		if first["safeguarding"] != true || first["target_type"] != "report" || !strings.Contains(first["text"].(string), "他们天天打我") ||
			first["child"].(map[string]any)["nickname"] != "童child" || first["proposal_id"] != p {
			t.Fatalf("the cry for help in the reason is not first in the queue: %s", q.body)
		}
		alerts := e.ok(200, "GET", "/api/v1/notifications", "facilitator", nil)
		if strings.Count(alerts.body, `"kind":"safeguarding"`) != 1 || !strings.Contains(alerts.body, first["id"].(string)) || strings.Contains(alerts.body, cry) {
			t.Fatalf("facilitator alerts: %s", alerts.body)
		}
		if n := strings.Count(e.ok(200, "GET", "/api/v1/notifications", "facilitator_other", nil).body, `"kind":"safeguarding"`); n != 0 {
			t.Fatalf("another body's facilitator was alerted %d times", n)
		}
		if d := e.ok(200, "GET", "/api/v1/proposals/"+p, "child2", nil); strings.Contains(d.body, cry) {
			t.Fatalf("the reason is shown to the author of the proposal: %s", d.body)
		}
		e.child("child3", "council", true)
		fine := e.ok(201, "POST", "/api/v1/reports", "child3", map[string]any{"target_type": "proposal", "target_id": p, "reason": "标题不清楚"})
		if !strings.Contains(fine.body, `"reasons":[]`) {
			t.Fatalf("an ordinary report: %s", fine.body)
		}
		e.ok(200, "POST", "/api/v1/moderation/items/"+first["id"].(string), "facilitator", map[string]any{"action": "resolve", "outcome": "spoke_with_child"})
		e.advance(25 * time.Hour)
		if n, err := e.store.EscalateSafeguarding(t.Context()); err != nil || n != 0 {
			t.Fatalf("escalated after it was resolved: %d %v", n, err)
		}
		verifyCounts(t, e)
	})
}

// A cry for help an adult found no concern, published, and later reported by three children
// comes back as an ordinary reported item: hidden, queued for a person, and not escalated at
// once for its old date.
func TestSafeguardingReopenedByReports(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.child("child3", "council", true)
		e.child("child4", "council", true)
		p := e.propose("child2", "清和公园加座位")
		c := e.ok(201, "POST", "/api/v1/proposals/"+p+"/comments", "child", map[string]any{"body": cry + "，这本书的主角这么说"}).json()["id"].(string)
		id := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator", nil).json()["items"].([]any)[0].(map[string]any)["id"].(string)
		e.ok(200, "POST", "/api/v1/moderation/items/"+id, "facilitator", map[string]any{"action": "approve", "outcome": "not_a_concern"})
		e.advance(48 * time.Hour)
		for _, k := range []string{"child2", "child3", "child4"} {
			e.ok(201, "POST", "/api/v1/reports", k, map[string]any{"target_type": "comment", "target_id": c, "reason": "不舒服"})
		}
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p+"/comments", "child2", nil); strings.Contains(r.body, c) {
			t.Fatalf("three reports did not hide the comment: %s", r.body)
		}
		items := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator", nil).json()["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("queue: %v", items)
		}
		it := items[0].(map[string]any)
		if it["id"] != id || it["safeguarding"] != false || it["report_count"] != float64(3) || it["escalated_at"] != nil ||
			it["reasons"].([]any)[0].(map[string]any)["kind"] != "reported" {
			t.Fatalf("the reopened item: %v, want an ordinary reported item", it)
		}
		before := strings.Count(e.ok(200, "GET", "/api/v1/notifications", "committee", nil).body, `"kind":"safeguarding"`)
		if n, err := e.store.EscalateSafeguarding(t.Context()); err != nil || n != 0 {
			t.Fatalf("escalated as soon as it was reported: %d %v", n, err)
		}
		if after := strings.Count(e.ok(200, "GET", "/api/v1/notifications", "committee", nil).body, `"kind":"safeguarding"`); after != before {
			t.Fatalf("the committee was alerted again")
		}
		e.ok(200, "POST", "/api/v1/moderation/items/"+id, "facilitator", map[string]any{"action": "reject", "reason": "请换个说法。"})
		verifyCounts(t, e)
	})
}

// The desk shows the child's real name to their facilitator on every poll, but the read is
// audited once per item and staff member, not once per poll.
func TestSafeguardingDeskReadAuditedOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		p := e.propose("child2", "清和公园加座位")
		e.ok(201, "POST", "/api/v1/proposals/"+p+"/comments", "child", map[string]any{"body": cry})
		e.ok(201, "POST", "/api/v1/proposals/"+p+"/comments", "child", map[string]any{"body": "我想自杀"})
		for range 3 {
			if q := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator", nil); strings.Count(q.body, "真名child") != 2 {
				t.Fatalf("the desk lacks the real name: %s", q.body)
			}
		}
		a := e.ok(200, "GET", "/api/v1/audit?limit=100&child_id={child}", "admin", nil)
		if n := strings.Count(a.body, `"action":"child.read"`); n != 2 {
			t.Fatalf("%d audited reads after three polls of two items, want 2: %s", n, a.body)
		}
	})
}

// A cry for help that a facilitator closes within 24 hours is not escalated.
func TestSafeguardingActedOnIsNotEscalated(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		p := e.propose("child2", "清和公园加座位")
		e.ok(201, "POST", "/api/v1/proposals/"+p+"/comments", "child", map[string]any{"body": cry})
		id := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator", nil).json()["items"].([]any)[0].(map[string]any)["id"].(string)
		e.advance(2 * time.Hour)
		e.ok(200, "POST", "/api/v1/moderation/items/"+id, "facilitator", map[string]any{"action": "resolve", "outcome": "spoke_with_child", "note": "下午已谈过，会继续关心"})
		e.advance(30 * time.Hour)
		if n, err := e.store.EscalateSafeguarding(t.Context()); err != nil || n != 0 {
			t.Fatalf("escalated an item that was acted on: %d %v", n, err)
		}
		if r := e.ok(200, "GET", "/api/v1/notifications", "committee", nil); strings.Contains(r.body, "safeguarding") {
			t.Fatalf("the committee was told: %s", r.body)
		}
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p+"/comments", "child2", nil); strings.Contains(r.body, cry) {
			t.Fatalf("a resolved cry for help was published: %s", r.body)
		}
		if r := e.ok(200, "GET", "/api/v1/notifications", "child", nil); strings.Contains(r.body, "moderation_rejected") {
			t.Fatalf("the child was sent a rejection: %s", r.body)
		}
	})
}

// A cry for help that also holds personal information is accepted, never refused, and what
// screening found is masked before anything is stored.
func TestSafeguardingMasksPersonalInformation(t *testing.T) {
	dir := t.TempDir()
	e := newEnvAt(t, dir)
	p := e.propose("child2", "清和公园加座位")
	r := e.ok(201, "POST", "/api/v1/proposals/"+p+"/comments", "child", map[string]any{"body": cry + "，我的电话是13800138000"})
	if !strings.Contains(r.body, `"visibility":"pending"`) || !strings.Contains(r.body, "＊＊＊") || strings.Contains(r.body, "13800138000") || strings.Contains(r.body, `"kind":"phone"`) {
		t.Fatalf("comment: %s", r.body)
	}
	pr := e.ok(201, "POST", "/api/v1/proposals", "child", map[string]any{"body_id": "{council}", "title": "我想自杀",
		"description": "加我微信 xiaoyu_2015 吧", "category": "other"})
	if !strings.Contains(pr.body, `"visibility":"pending"`) || strings.Contains(pr.body, "xiaoyu_2015") || !strings.Contains(pr.body, `"kind":"safeguarding"`) {
		t.Fatalf("proposal: %s", pr.body)
	}
	q := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator", nil)
	if strings.Contains(q.body, "13800138000") || !strings.Contains(q.body, "＊＊＊") || !strings.Contains(q.body, `"kind":"phone"`) {
		t.Fatalf("queue: %s", q.body)
	}
	// The same without the cry for help is refused as before.
	if r := e.do("POST", "/api/v1/proposals/"+p+"/comments", e.tokens["child"], map[string]any{"body": "我的电话是13900139000"}, nil); r.errorCode() != "moderation_blocked" {
		t.Fatalf("personal information alone: %d %s", r.status, r.body)
	}
	e.store.Close()
	assertFilesLack(t, dir, "13800138000", "xiaoyu_2015", "13900139000")
}

// Evaluation comments and inspections take the same path.
func TestSafeguardingEvaluationAndInspection(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		p := e.propose("child2", "清和公园加遮阳棚")
		e.toStage(p, "evaluation")
		ev := e.ok(201, "POST", "/api/v1/proposals/"+p+"/evaluations", "child", map[string]any{
			"ratings": map[string]int{"safety": 3, "fun": 3, "access": 3, "looks": 3}, "comment": cry})
		if !strings.Contains(ev.body, `"visibility":"pending"`) || !strings.Contains(ev.body, "12355") {
			t.Fatalf("evaluation: %s", ev.body)
		}
		in := e.ok(201, "POST", "/api/v1/proposals/"+p+"/inspections", "observer", map[string]any{
			"items": []map[string]any{{"item": "有遮阳", "ok": true, "note": ""}}, "summary": "我想自杀"})
		if !strings.Contains(in.body, `"visibility":"pending"`) || !strings.Contains(in.body, "12355") {
			t.Fatalf("inspection: %s", in.body)
		}
		fine := e.ok(201, "POST", "/api/v1/proposals/"+p+"/evaluations", "child2", map[string]any{
			"ratings": map[string]int{"safety": 5, "fun": 5, "access": 5, "looks": 5}, "comment": "很凉快"})
		if !strings.Contains(fine.body, `"visibility":"published"`) || !strings.Contains(fine.body, `"reasons":[]`) {
			t.Fatalf("a fine evaluation: %s", fine.body)
		}
		q := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator", nil)
		if n := strings.Count(q.body, `"safeguarding":true`); n != 2 {
			t.Fatalf("%d cries for help in the queue, want 2: %s", n, q.body)
		}
		if r := e.ok(200, "GET", "/api/v1/notifications", "facilitator", nil); strings.Count(r.body, `"kind":"safeguarding"`) != 2 {
			t.Fatalf("facilitator alerts: %s", r.body)
		}
	})
}

// The live hint answers a cry for help with the kind message alone, even when the text holds
// what would otherwise block it.
func TestSafeguardingCheck(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.run(t, []scenario{
			{name: "a cry for help", method: "POST", url: "/api/v1/moderation/check", as: "child", status: 200, body: map[string]any{"text": cry},
				contains: []string{`"verdict":"hold"`, `"kind":"safeguarding"`, "12355", "信任的大人"}},
			{name: "in English", method: "POST", url: "/api/v1/moderation/check?lang=en", as: "child", status: 200, body: map[string]any{"text": "我想自杀"},
				contains: []string{`"kind":"safeguarding"`, "12355", "adult you trust"}},
			{name: "with a phone number: held, not refused", method: "POST", url: "/api/v1/moderation/check", as: "child", status: 200,
				body: map[string]any{"text": cry + " 13800138000"}, contains: []string{`"verdict":"hold"`, "12355"}, notContains: []string{`"kind":"phone"`, "block"}},
			{name: "staff may check too", method: "POST", url: "/api/v1/moderation/check", as: "facilitator", status: 200, body: map[string]any{"text": cry},
				contains: []string{`"kind":"safeguarding"`}},
		})
	})
}

// Closing a cry for help records what the adult did; every role, scope and bad input.
func TestSafeguardingDecisions(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		p := e.propose("child2", "清和公园加座位")
		e.ids["p"] = p
		itemOf := func(target string) string {
			t.Helper()
			for _, it := range e.ok(200, "GET", "/api/v1/moderation/queue", "admin", nil).json()["items"].([]any) {
				if m := it.(map[string]any); m["target_id"] == target {
					return m["id"].(string)
				}
			}
			t.Fatalf("%s is not queued", target)
			return ""
		}
		post := func(as, body string) string {
			return e.ok(201, "POST", "/api/v1/proposals/"+p+"/comments", as, map[string]any{"body": body}).json()["id"].(string)
		}
		e.ids["sg"] = itemOf(post("child", cry))
		e.ids["sg2"] = itemOf(post("child", "我想自杀"))
		e.ids["insult"] = itemOf(post("child2", "你这个笨蛋"))
		url := "/api/v1/moderation/items/"
		e.run(t, []scenario{
			{name: "resolve without an outcome", method: "POST", url: url + "{sg}", as: "facilitator", status: 422, code: "validation_failed",
				body: map[string]any{"action": "resolve"}, contains: []string{`"outcome"`}},
			{name: "reject without an outcome", method: "POST", url: url + "{sg}", as: "facilitator", status: 422, code: "validation_failed",
				body: map[string]any{"action": "reject"}},
			{name: "an unknown outcome", method: "POST", url: url + "{sg}", as: "facilitator", status: 400, code: "bad_request",
				body: map[string]any{"action": "resolve", "outcome": "ignored"}},
			{name: "an outcome of the wrong type", method: "POST", url: url + "{sg}", as: "facilitator", status: 400, code: "bad_request",
				body: `{"action": "resolve", "outcome": 3}`},
			{name: "publishing needs not_a_concern", method: "POST", url: url + "{sg}", as: "facilitator", status: 422, code: "validation_failed",
				body: map[string]any{"action": "approve", "outcome": "spoke_with_child"}, contains: []string{"无须担心"}},
			{name: "a note too long", method: "POST", url: url + "{sg}", as: "facilitator", status: 422, code: "validation_failed",
				body: map[string]any{"action": "resolve", "outcome": "referred", "note": strings.Repeat("字", 501)}},
			{name: "resolve is for cries for help only", method: "POST", url: url + "{insult}", as: "facilitator", status: 409, code: "conflict",
				body: map[string]any{"action": "resolve", "outcome": "spoke_with_child"}},
			{name: "another body's facilitator", method: "POST", url: url + "{sg}", as: "facilitator_other", status: 404, code: "not_found",
				body: map[string]any{"action": "resolve", "outcome": "referred"}},
			{name: "another city's committee", method: "POST", url: url + "{sg}", as: "committee_other", status: 404, code: "not_found",
				body: map[string]any{"action": "resolve", "outcome": "referred"}},
			{name: "a child", method: "POST", url: url + "{sg}", as: "child2", status: 404, code: "not_found",
				body: map[string]any{"action": "resolve", "outcome": "referred"}},
			{name: "no token", method: "POST", url: url + "{sg}", status: 401, code: "unauthenticated",
				body: map[string]any{"action": "resolve", "outcome": "referred"}},
			{name: "resolved by the facilitator", method: "POST", url: url + "{sg}", as: "facilitator", status: 200,
				body: map[string]any{"action": "resolve", "outcome": "told_guardian", "note": "已和妈妈通电话"}},
			{name: "once only", method: "POST", url: url + "{sg}", as: "committee", status: 409, code: "conflict",
				body: map[string]any{"action": "resolve", "outcome": "referred"}},
			{name: "not a concern publishes it", method: "POST", url: url + "{sg2}", as: "committee_town", status: 200,
				body: map[string]any{"action": "approve", "outcome": "not_a_concern", "note": "是在说一本书里的情节"}},
			{name: "an ordinary item needs no outcome", method: "POST", url: url + "{insult}", as: "facilitator", status: 200,
				body: map[string]any{"action": "reject", "reason": "请友善地表达。"}},
			{name: "the audit log has each action and its outcome", method: "GET", url: "/api/v1/audit?limit=100", as: "admin", status: 200,
				contains: []string{"safeguarding.raised", "safeguarding.resolve", "safeguarding.approve", "moderation.reject", `"id":"{sg}"`}},
		})
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p+"/comments", "child2", nil); strings.Contains(r.body, cry) || !strings.Contains(r.body, "我想自杀") {
			t.Fatalf("only the not-a-concern text may be published: %s", r.body)
		}
		verifyCounts(t, e)
	})
}

// The staff of a child's own bodies see the child's cry for help wherever it was written; others
// do not.
func TestSafeguardingQueueScope(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		// A second facilitator runs only the observer group that "observer" belongs to.
		_, err := e.store.CreateStaff(ctx, sys, models.StaffInput{Username: "facilitator-obs", Password: "facilitator-obs-password",
			Role: "facilitator", BodyIDs: []string{e.ids["observers"]}})
		e.must(err)
		e.signIn("facilitator_obs", "/api/v1/auth/staff/login", map[string]string{"username": "facilitator-obs", "password": "facilitator-obs-password"})
		p := e.propose("child2", "清和公园加遮阳棚")
		e.toStage(p, "evaluation")
		e.ok(201, "POST", "/api/v1/proposals/"+p+"/inspections", "observer", map[string]any{
			"items": []map[string]any{{"item": "有遮阳", "ok": true, "note": ""}}, "summary": cry})
		e.ok(201, "POST", "/api/v1/proposals/"+p+"/inspections", "observer", map[string]any{
			"items": []map[string]any{{"item": "有遮阳", "ok": false, "note": "清远路15号那边的墙挡住了风"}}, "summary": "还可以"})
		r := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator_obs", nil)
		if !strings.Contains(r.body, cry) || strings.Contains(r.body, "清远路") || !strings.Contains(r.body, "真名observer") {
			t.Fatalf("the observer group's facilitator should see the cry for help only, with the real name: %s", r.body)
		}
		if n := strings.Count(e.ok(200, "GET", "/api/v1/notifications", "facilitator_obs", nil).body, `"kind":"safeguarding"`); n != 1 {
			t.Fatalf("the observer group's facilitator has %d alerts", n)
		}
		if r := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator_other", nil); strings.Contains(r.body, cry) {
			t.Fatalf("another body's facilitator sees it: %s", r.body)
		}
		// The text was written in the council, which the observer group's facilitator cannot
		// see: they may close it, never publish it there.
		item := ""
		for _, it := range r.json()["items"].([]any) {
			if m := it.(map[string]any); m["safeguarding"] == true {
				item = m["id"].(string)
			}
		}
		if r := e.do("GET", "/api/v1/proposals/"+p, e.tokens["facilitator_obs"], nil, nil); r.status != 404 {
			t.Fatalf("the observer group's facilitator reads the council's proposal: %d", r.status)
		}
		approve := map[string]any{"action": "approve", "outcome": "not_a_concern"}
		if r := e.do("POST", "/api/v1/moderation/items/"+item, e.tokens["facilitator_obs"], approve, nil); r.status != 403 || r.errorCode() != "forbidden" {
			t.Fatalf("the observer group's facilitator publishes in the council: %d %s, want 403", r.status, r.body)
		}
		if d := e.ok(200, "GET", "/api/v1/proposals/"+p, "child2", nil); strings.Contains(d.body, cry) {
			t.Fatalf("published to the council: %s", d.body)
		}
		e.ok(200, "POST", "/api/v1/moderation/items/"+item, "facilitator_obs", map[string]any{"action": "resolve", "outcome": "spoke_with_child"})
	})
}

// A committee is told of, and decides on, the cries for help written in its own subtree only,
// even when the child also belongs to a body of its region.
func TestSafeguardingCommitteeScope(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		_, err := e.store.AddMember(t.Context(), sys, e.ids["council"], models.MemberInput{ChildID: e.ids["child_other"], LoginName: "child_other"})
		e.must(err)
		e.signIn("child_other", "/api/v1/auth/child/login", map[string]string{"body_code": e.codes["council"], "login_name": "child_other", "pin": "2580"})
		p := e.propose("child2", "清和公园加座位")
		e.ok(201, "POST", "/api/v1/proposals/"+p+"/comments", "child_other", map[string]any{"body": cry})
		if q := e.ok(200, "GET", "/api/v1/moderation/queue", "committee_other", nil); strings.Contains(q.body, cry) {
			t.Fatalf("another city's committee sees a cry for help written in the council: %s", q.body)
		}
		item := ""
		for _, it := range e.ok(200, "GET", "/api/v1/moderation/queue", "committee", nil).json()["items"].([]any) {
			if m := it.(map[string]any); m["safeguarding"] == true {
				item = m["id"].(string)
			}
		}
		if item == "" {
			t.Fatal("the council's committee does not see the cry for help")
		}
		for _, action := range []map[string]any{{"action": "approve", "outcome": "not_a_concern"}, {"action": "resolve", "outcome": "referred"}} {
			if r := e.do("POST", "/api/v1/moderation/items/"+item, e.tokens["committee_other"], action, nil); r.status != 404 {
				t.Fatalf("another city's committee %s: %d %s, want 404", action["action"], r.status, r.body)
			}
		}
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p+"/comments", "child2", nil); strings.Contains(r.body, cry) {
			t.Fatalf("published: %s", r.body)
		}
		// The child's own facilitator in changzhou sees it and may close it.
		if q := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator_other", nil); !strings.Contains(q.body, cry) {
			t.Fatalf("the child's facilitator in the other city does not see it: %s", q.body)
		}
	})
}

// A child whose bodies no facilitator runs still reaches an adult at once: the committee of the
// region is told straight away rather than after 24 hours.
func TestSafeguardingWithoutAFacilitator(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		b, err := e.store.CreateBody(t.Context(), sys, models.BodyInput{Name: "测试lonely", Kind: models.BodyCouncil, RegionID: e.ids["lecheng"], TermEndsOn: "2027-08-31"})
		e.must(err)
		e.ids["lonely"], e.codes["lonely"] = b.ID, b.JoinCode
		e.child("lonely_kid", "lonely", true)
		r := e.ok(201, "POST", "/api/v1/proposals", "lonely_kid", map[string]any{"body_id": "{lonely}", "title": cry, "category": "other"})
		if !strings.Contains(r.body, `"visibility":"pending"`) || !strings.Contains(r.body, "12355") {
			t.Fatalf("proposal: %s", r.body)
		}
		for as, want := range map[string]int{"committee": 1, "committee_town": 1, "committee_other": 0, "facilitator": 0} {
			if n := strings.Count(e.ok(200, "GET", "/api/v1/notifications", as, nil).body, `"kind":"safeguarding"`); n != want {
				t.Errorf("%s has %d alerts, want %d", as, n, want)
			}
		}
		e.advance(25 * time.Hour)
		if n, err := e.store.EscalateSafeguarding(t.Context()); err != nil || n != 0 {
			t.Fatalf("told the committee twice: %d %v", n, err)
		}
	})
}

// A cry for help in a region no committee covers, in a body no facilitator runs, is told to the
// admins at once; with nobody at all to tell it is not marked escalated, and the first admin
// created is told on the next run.
func TestSafeguardingWithoutACommittee(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := t.Context()
		city, err := e.store.CreateRegion(ctx, sys, models.RegionInput{Name: "测试无人市", Kind: "city"})
		e.must(err)
		body := func(name string) {
			b, err := e.store.CreateBody(ctx, sys, models.BodyInput{Name: "测试" + name, Kind: models.BodyCouncil, RegionID: city.ID, TermEndsOn: "2027-08-31"})
			e.must(err)
			e.ids[name], e.codes[name] = b.ID, b.JoinCode
		}
		body("alone")
		e.child("alone_kid", "alone", true)
		e.ok(201, "POST", "/api/v1/proposals", "alone_kid", map[string]any{"body_id": "{alone}", "title": cry, "category": "other"})
		if n := strings.Count(e.ok(200, "GET", "/api/v1/notifications", "admin", nil).body, `"kind":"safeguarding"`); n != 1 {
			t.Fatalf("the admin has %d alerts, want 1 at once", n)
		}
		if q := e.ok(200, "GET", "/api/v1/moderation/queue", "admin", nil); !strings.Contains(q.body, `"escalated_at"`) {
			t.Fatalf("not marked escalated: %s", q.body)
		}

		e.must(e.store.DeleteStaff(ctx, sys, e.ids["admin"]))
		delete(e.logins, "admin")
		body("nobody")
		e.child("nobody_kid", "nobody", true)
		e.ok(201, "POST", "/api/v1/proposals", "nobody_kid", map[string]any{"body_id": "{nobody}", "title": "我想自杀", "category": "other"})
		e.advance(25 * time.Hour)
		if n, err := e.store.EscalateSafeguarding(ctx); err != nil || n != 0 {
			t.Fatalf("escalated to nobody: %d %v", n, err)
		}
		_, err = e.store.CreateStaff(ctx, sys, models.StaffInput{Username: "admin2", Password: "admin2-password", Role: "admin"})
		e.must(err)
		e.signIn("admin2", "/api/v1/auth/staff/login", map[string]string{"username": "admin2", "password": "admin2-password"})
		if n, err := e.store.EscalateSafeguarding(ctx); err != nil || n != 1 {
			t.Fatalf("escalation once an admin exists: %d %v, want 1", n, err)
		}
		if n := strings.Count(e.ok(200, "GET", "/api/v1/notifications", "admin2", nil).body, `"kind":"safeguarding"`); n != 1 {
			t.Fatalf("the new admin has %d alerts, want 1", n)
		}
	})
}

// The live hint names what hurts in bullying without a swear word, in the reader's language.
func TestCheckNamesWhatHurts(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		for text, class := range map[string]string{
			"放学后在公园门口等着，我要揍你": "threat",
			"你这个死胖子":          "body_shaming",
			"谁跟小明玩我们就不理谁":     "exclusion",
			"你家那么穷还想当议事会主席":   "contempt",
		} {
			zh := e.ok(200, "POST", "/api/v1/moderation/check", "child", map[string]any{"text": text})
			en := e.ok(200, "POST", "/api/v1/moderation/check?lang=en", "child", map[string]any{"text": text})
			for _, r := range []response{zh, en} {
				if !strings.Contains(r.body, `"verdict":"hold"`) || !strings.Contains(r.body, `"kind":"insult","class":"`+class+`"`) || strings.Contains(r.body, "moderation.reason") {
					t.Fatalf("%q: %s, want a translated hold insult %s", text, r.body, class)
				}
			}
			if zh.body == en.body {
				t.Fatalf("%q: the same hint in both languages: %s", text, zh.body)
			}
		}
	})
}
