package api_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"tongsheng/models"
)

// A phone number written as "一三八 0013 八000" is refused with the reason, and nothing of it
// reaches the database file; the log holds only its kind and a keyed hash.
func TestBlockedTextIsNotStored(t *testing.T) {
	dir := t.TempDir()
	e := newEnvAt(t, dir)
	r := e.do("POST", "/api/v1/proposals", e.tokens["child"], map[string]any{"body_id": "{council}", "title": "我想认识新朋友",
		"description": "请打我的电话一三八 0013 八000", "category": "other"}, nil)
	if r.status != 422 || r.errorCode() != "moderation_blocked" {
		t.Fatalf("want 422 moderation_blocked, got %d %s", r.status, r.body)
	}
	for _, want := range []string{`"field":"description"`, `"kind":"phone"`, "请不要写电话号码"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("reply lacks %s: %s", want, r.body)
		}
	}
	// The same in a comment and an evaluation comment.
	p := e.propose("child2", "清和公园加座位")
	if r := e.do("POST", "/api/v1/proposals/"+p+"/comments", e.tokens["child"], map[string]any{"body": "加我微信 xiaoyu_2015"}, nil); r.errorCode() != "moderation_blocked" {
		t.Fatalf("comment: %d %s", r.status, r.body)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, `"moderation blocked"`) || !strings.Contains(logs, `"kinds":["phone"]`) || !strings.Contains(logs, `"hashes":["`) {
		t.Fatalf("the log lacks the blocked kind and hash:\n%s", logs)
	}
	e.store.Close()
	// "0013 八", not "0013" alone: migration IDs (0013a_region_stats…) are stored too.
	for _, secret := range []string{"0013 八", "八000", "一三八", "13800138000", "我想认识新朋友", "xiaoyu_2015"} {
		for _, name := range []string{"tongsheng.db", "tongsheng.db-wal", "tongsheng.db-shm"} {
			raw, err := os.ReadFile(filepath.Join(dir, name))
			if err == nil && strings.Contains(string(raw), secret) {
				t.Errorf("%s holds %q", name, secret)
			}
		}
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

// Three reports from different children hide a comment; approval brings it back.
func TestReportsHideAndApprovalRestores(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.child("r3", "council", true)
		e.child("r4", "council", true)
		p := e.propose("child", "清和公园加座位")
		c := e.ok(201, "POST", "/api/v1/proposals/"+p+"/comments", "child2", map[string]any{"body": "这个想法不太好"}).json()["id"].(string)
		report := map[string]any{"target_type": "comment", "target_id": c, "reason": "不友好"}
		e.ok(201, "POST", "/api/v1/reports", "child", report)
		e.refused(t, 409, "conflict", "POST", "/api/v1/reports", "child", report) // once per child
		e.ok(201, "POST", "/api/v1/reports", "r3", report)
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p+"/comments", "child", nil); !strings.Contains(r.body, c) {
			t.Fatal("hidden after two reports")
		}
		e.ok(201, "POST", "/api/v1/reports", "r4", report)
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p+"/comments", "child", nil); strings.Contains(r.body, c) {
			t.Fatalf("still shown after three reports: %s", r.body)
		}
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p, "child", nil); !strings.Contains(r.body, `"comment_count":0`) {
			t.Fatalf("the hidden comment still counts: %s", r.body)
		}
		q := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator", nil)
		items := q.json()["items"].([]any)
		if len(items) != 1 || !strings.Contains(q.body, `"report_count":3`) || !strings.Contains(q.body, `"excerpt":"这个想法不太好"`) {
			t.Fatalf("queue: %s", q.body)
		}
		id := items[0].(map[string]any)["id"].(string)
		e.refused(t, 404, "not_found", "POST", "/api/v1/moderation/items/"+id, "facilitator_other", map[string]any{"action": "approve"})
		e.ok(200, "POST", "/api/v1/moderation/items/"+id, "facilitator", map[string]any{"action": "approve", "reason": "这是正常的意见"})
		e.refused(t, 409, "conflict", "POST", "/api/v1/moderation/items/"+id, "committee", map[string]any{"action": "reject"})
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p+"/comments", "child", nil); !strings.Contains(r.body, c) {
			t.Fatalf("approval did not bring it back: %s", r.body)
		}
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p, "child", nil); !strings.Contains(r.body, `"comment_count":1`) {
			t.Fatalf("count after approval: %s", r.body)
		}
		if r := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator", nil); strings.Contains(r.body, id) {
			t.Fatal("a decided item is still in the queue")
		}
		verifyCounts(t, e)
	})
}

func verifyCounts(t *testing.T, e *env) {
	t.Helper()
	diffs, err := e.store.VerifyCounts(t.Context())
	if err != nil || len(diffs) > 0 {
		t.Fatalf("counts: %v %v", diffs, err)
	}
}

// Held texts wait in the queue (cries for help first); a decision publishes or keeps them
// out, and the author is told kindly.
func TestHeldTextsAndTheQueue(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		p := e.propose("child", "清和公园加座位")
		insult := e.ok(201, "POST", "/api/v1/proposals/"+p+"/comments", "child2", map[string]any{"body": "你这个笨蛋"})
		if !strings.Contains(insult.body, `"visibility":"pending"`) {
			t.Fatalf("an insult was published: %s", insult.body)
		}
		help := e.ok(201, "POST", "/api/v1/proposals/"+p+"/comments", "child", map[string]any{"body": "我不想活了"})
		held := e.ok(201, "POST", "/api/v1/proposals", "child2", map[string]any{"body_id": "{council}", "title": "学校在清远路15号旁边", "category": "safety"})
		if !strings.Contains(held.body, `"visibility":"pending"`) {
			t.Fatalf("a street address was published: %s", held.body)
		}
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p+"/comments", "child_pending", nil); strings.Contains(r.body, "笨蛋") || strings.Contains(r.body, "不想活") {
			t.Fatalf("held comments are shown to others: %s", r.body)
		}
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p+"/comments", "child2", nil); !strings.Contains(r.body, "笨蛋") {
			t.Fatalf("the author does not see their own waiting comment: %s", r.body)
		}
		e.run(t, []scenario{
			{name: "cries for help come first", method: "GET", url: "/api/v1/moderation/queue", as: "facilitator", status: 200,
				contains: []string{`"kind":"safeguarding"`, `"kind":"insult"`, `"kind":"address"`, "可能需要帮助"},
				check: func(t *testing.T, e *env, r response) {
					items := r.json()["items"].([]any)
					if len(items) != 3 || items[0].(map[string]any)["safeguarding"] != true || items[1].(map[string]any)["safeguarding"] != false {
						t.Fatalf("order: %s", r.body)
					}
					page := e.ok(200, "GET", "/api/v1/moderation/queue?limit=1", "facilitator", nil)
					next := page.json()["next_cursor"].(string)
					rest := e.ok(200, "GET", "/api/v1/moderation/queue?limit=5&cursor="+next, "facilitator", nil)
					if n := len(rest.json()["items"].([]any)); n != 2 || strings.Contains(rest.body, `"safeguarding":true`) {
						t.Fatalf("second page: %s", rest.body)
					}
				}},
			{name: "in English", method: "GET", url: "/api/v1/moderation/queue?lang=en", as: "committee", status: 200, contains: []string{"may need help"}},
			{name: "another city's committee sees none of it", method: "GET", url: "/api/v1/moderation/queue", as: "committee_other", status: 200, contains: []string{`"items":[]`}},
			{name: "another body's facilitator sees none of it", method: "GET", url: "/api/v1/moderation/queue", as: "facilitator_other", status: 200, contains: []string{`"items":[]`}},
			{name: "admin sees it", method: "GET", url: "/api/v1/moderation/queue", as: "admin", status: 200, contains: []string{"safeguarding"}},
			{name: "children may not", method: "GET", url: "/api/v1/moderation/queue", as: "child", status: 403, code: "forbidden"},
			{name: "bad cursor", method: "GET", url: "/api/v1/moderation/queue?cursor=01aaaaaaaaaaaaaaaaaaaaaaaa", as: "facilitator", status: 400, code: "bad_request"},
			{name: "decide: unknown action", method: "POST", url: "/api/v1/moderation/items/01aaaaaaaaaaaaaaaaaaaaaaaa", as: "facilitator", status: 400, code: "bad_request", body: map[string]any{"action": "delete"}},
			{name: "decide: unknown item", method: "POST", url: "/api/v1/moderation/items/01aaaaaaaaaaaaaaaaaaaaaaaa", as: "facilitator", status: 404, code: "not_found", body: map[string]any{"action": "approve"}},
			{name: "decide: a child", method: "POST", url: "/api/v1/moderation/items/01aaaaaaaaaaaaaaaaaaaaaaaa", as: "child", status: 404, code: "not_found", body: map[string]any{"action": "approve"}},
			{name: "no token", method: "GET", url: "/api/v1/moderation/queue", status: 401, code: "unauthenticated"},
		})
		itemOf := func(target string) string {
			for _, it := range e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator", nil).json()["items"].([]any) {
				if m := it.(map[string]any); m["target_id"] == target {
					return m["id"].(string)
				}
			}
			t.Fatalf("%s is not queued", target)
			return ""
		}
		e.ok(200, "POST", "/api/v1/moderation/items/"+itemOf(insult.json()["id"].(string)), "facilitator", map[string]any{"action": "reject", "reason": "请友善地表达。"})
		e.ok(200, "POST", "/api/v1/moderation/items/"+itemOf(help.json()["id"].(string)), "facilitator", map[string]any{"action": "reject", "reason": "辅导员会来找你聊聊。", "outcome": "spoke_with_child"})
		inbox := e.ok(200, "GET", "/api/v1/notifications", "child2", nil)
		if !strings.Contains(inbox.body, `"kind":"moderation_rejected"`) || !strings.Contains(inbox.body, "请友善地表达。") {
			t.Fatalf("the author was not told kindly: %s", inbox.body)
		}
		// Approving the held proposal publishes it and starts its response deadline.
		hp := held.json()["id"].(string)
		e.ok(200, "POST", "/api/v1/moderation/items/"+itemOf(hp), "committee", map[string]any{"action": "approve"})
		if r := e.ok(200, "GET", "/api/v1/proposals/"+hp, "child_pending", nil); !strings.Contains(r.body, `"visibility":"published"`) || strings.Contains(r.body, `"response_due_at":null`) {
			t.Fatalf("approved proposal: %s", r.body)
		}
		if r := e.ok(200, "GET", "/api/v1/proposals/"+p, "child", nil); !strings.Contains(r.body, `"comment_count":0`) {
			t.Fatalf("rejected comments count: %s", r.body)
		}
		verifyCounts(t, e)
	})
}

// A held inspection waits for review: its author and staff see it marked pending, other
// children and the public notice do not; approval publishes it for everyone.
func TestHeldInspectionWaitsForReview(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		p := e.propose("child2", "清和公园加遮阳棚")
		e.toStage(p, "evaluation")
		url := "/api/v1/proposals/" + p
		r := e.ok(201, "POST", url+"/inspections", "observer", map[string]any{
			"items": []map[string]any{{"item": "有遮阳", "ok": false, "note": "清远路15号那边的墙挡住了风"}}, "summary": "还可以"})
		if !strings.Contains(r.body, `"visibility":"pending"`) {
			t.Fatalf("an inspection naming a street and number was published: %s", r.body)
		}
		id := r.json()["id"].(string)
		sees := func(as string, want bool) {
			t.Helper()
			body := e.ok(200, "GET", url, as, nil).body
			if strings.Contains(body, id) != want {
				t.Errorf("%s sees the held inspection: %v, want %v: %s", as, !want, want, body)
			}
		}
		sees("observer", true)
		sees("committee", true)
		sees("facilitator", true)
		sees("child", false)
		if pub := e.do("GET", "/api/v1/public/proposals/"+p, "", nil, nil); strings.Contains(pub.body, id) {
			t.Fatalf("the public notice shows a held inspection: %s", pub.body)
		}
		var item string
		for _, it := range e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator", nil).json()["items"].([]any) {
			if m := it.(map[string]any); m["target_id"] == id && m["target_type"] == "inspection" {
				item = m["id"].(string)
			}
		}
		if item == "" {
			t.Fatal("the held inspection is not in the facilitator's queue")
		}
		e.ok(200, "POST", "/api/v1/moderation/items/"+item, "facilitator", map[string]any{"action": "approve"})
		sees("child", true)
	})
}

func TestCheckReportsAndWords(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		p := e.propose("child", "清和公园加座位")
		e.ids["p"] = p
		e.ids["other_p"] = e.propose2("child_other", "other_council", "常州的图书馆")
		big := make([]string, 12000)
		for i := range big {
			big[i] = "测试词语" + strings.Repeat("甲", i%5)
		}
		e.run(t, []scenario{
			{name: "check: a phone", method: "POST", url: "/api/v1/moderation/check", as: "child", status: 200,
				body: map[string]any{"text": "我的电话 138-0013-8000"}, contains: []string{`"verdict":"block"`, `"kind":"phone"`, "请不要写电话号码"}},
			{name: "check: in English", method: "POST", url: "/api/v1/moderation/check?lang=en", as: "child_pending", status: 200,
				body: map[string]any{"text": "加我QQ 12345678"}, contains: []string{`"kind":"qq"`, "strangers could add you"}},
			{name: "check: clean", method: "POST", url: "/api/v1/moderation/check", as: "child", status: 200,
				body: map[string]any{"text": "2025年6月1日前在清和公园增加20个座位，预算3000元"}, contains: []string{`"verdict":"allow"`, `"reasons":[]`}},
			{name: "check: text of the wrong type", method: "POST", url: "/api/v1/moderation/check", as: "child", status: 400, code: "bad_request", body: `{"text": 5}`},
			{name: "check: no token", method: "POST", url: "/api/v1/moderation/check", status: 401, code: "unauthenticated", body: map[string]any{"text": "x"}},

			{name: "report: staff may not", method: "POST", url: "/api/v1/reports", as: "facilitator", status: 403, code: "forbidden",
				body: map[string]any{"target_type": "proposal", "target_id": "{p}"}},
			{name: "report: without consent", method: "POST", url: "/api/v1/reports", as: "child_pending", status: 403, code: "consent_required",
				body: map[string]any{"target_type": "proposal", "target_id": "{p}"}},
			{name: "report: unknown type", method: "POST", url: "/api/v1/reports", as: "child2", status: 400, code: "bad_request",
				body: map[string]any{"target_type": "body", "target_id": "{p}"}},
			{name: "report: an item out of sight", method: "POST", url: "/api/v1/reports", as: "child2", status: 404, code: "not_found",
				body: map[string]any{"target_type": "proposal", "target_id": "{other_p}"}},
			{name: "report: a phone in the reason", method: "POST", url: "/api/v1/reports", as: "child2", status: 422, code: "moderation_blocked",
				body: map[string]any{"target_type": "proposal", "target_id": "{p}", "reason": "他的电话13800138000"}},
			{name: "report: a proposal", method: "POST", url: "/api/v1/reports", as: "child2", status: 201,
				body: map[string]any{"target_type": "proposal", "target_id": "{p}", "reason": "和别的建议重复了"}},

			{name: "words: admin reads them", method: "GET", url: "/api/v1/moderation/words", as: "admin", status: 200, contains: []string{`"block":[`, "笨蛋", "垃圾桶"}},
			{name: "words: committee may not", method: "GET", url: "/api/v1/moderation/words", as: "committee", status: 403, code: "forbidden"},
			{name: "words: facilitator may not replace", method: "PUT", url: "/api/v1/moderation/words", as: "facilitator", status: 403, code: "forbidden",
				body: map[string]any{"block": []string{}, "hold": []string{}, "allow": []string{}}},
			{name: "words: wrong type", method: "PUT", url: "/api/v1/moderation/words", as: "admin", status: 400, code: "bad_request", body: `{"block": "a"}`},
			{name: "words: an empty word", method: "PUT", url: "/api/v1/moderation/words", as: "admin", status: 422, code: "validation_failed",
				body: map[string]any{"block": []string{" "}, "hold": []string{}, "allow": []string{}}},
			{name: "words: a list over 64 KiB is accepted on this route", method: "PUT", url: "/api/v1/moderation/words", as: "admin", status: 200,
				body: map[string]any{"block": []string{"操你妈"}, "hold": append(big, "小气鬼"), "allow": []string{}},
				check: func(t *testing.T, e *env, r response) {
					if len(r.body) < 64<<10 {
						t.Fatalf("the list was smaller than meant: %d bytes", len(r.body))
					}
					// In effect at once: a word added to hold is held now.
					c := e.ok(201, "POST", "/api/v1/proposals/{p}/comments", "child2", map[string]any{"body": "你真是个小氣鬼"})
					if !strings.Contains(c.body, `"visibility":"pending"`) {
						t.Fatalf("the new word did not take effect: %s", c.body)
					}
					// And a word taken off no longer is (闭嘴 was on the default hold list; said of
					// nobody, screening's reading of meaning lets it pass too).
					c = e.ok(201, "POST", "/api/v1/proposals/{p}/comments", "child2", map[string]any{"body": "小狗终于闭嘴睡觉了"})
					if !strings.Contains(c.body, `"visibility":"published"`) {
						t.Fatalf("a word removed from the list still holds: %s", c.body)
					}
				}},
			{name: "other routes keep the 64 KiB limit", method: "POST", url: "/api/v1/moderation/check", as: "child", status: 413, code: "too_large",
				body: map[string]any{"text": strings.Repeat("字", 30000)}},
		})
	})
}

// newEnvAt is newEnv on a SQLite database in dir, for tests that read its files.
func newEnvAt(t *testing.T, dir string) *env {
	t.Helper()
	return newEnvWith(t, models.DialectSQLite, dir)
}
