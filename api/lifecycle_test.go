package api_test

import (
	"strings"
	"testing"
	"time"
)

// One proposal through every stage: the timeline, what each participant was told, and that
// every move the stage machine does not allow is refused from every stage.
func TestProposalLifecycle(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		created := e.ok(201, "POST", "/api/v1/proposals", "child", map[string]any{"body_id": "{council}", "title": "清和公园需要更多遮阳的座位",
			"description": "夏天太晒了，我们想在滑梯旁边坐一坐。", "category": "park"})
		id := created.json()["id"].(string)
		p := "/api/v1/proposals/" + id
		if !strings.Contains(created.body, `"visibility":"published"`) || !strings.Contains(created.body, `"response_due_at":"2026-06-19T09:00:00Z"`) ||
			!strings.Contains(created.body, `"from":null,"to":"needs","actor_role":"child","note":"","at":"2026-05-20T09:00:00Z"`) {
			t.Fatalf("new proposal: %s", created.body)
		}
		refuse := func(stage string, tos ...string) {
			t.Helper()
			for _, to := range tos {
				e.refused(t, 409, "invalid_transition", "POST", p+"/stage", "committee", map[string]any{"to": to, "summary": "x", "merged_into": id})
			}
			_ = stage
		}

		// needs
		e.ok(200, "PUT", p+"/support", "child2", nil)
		e.refused(t, 409, "conflict", "PUT", p+"/support", "child", nil) // one's own
		e.ok(201, "POST", p+"/comments", "child2", map[string]any{"body": "我也想要！"})
		e.ok(201, "POST", p+"/comments", "facilitator", map[string]any{"body": "谢谢你们，我们去公园看看。"})
		refuse("needs", "needs", "decision", "evaluation")
		e.refused(t, 422, "validation_failed", "POST", p+"/stage", "committee", map[string]any{"to": "closed", "merged_into": id})

		// design
		e.ok(200, "POST", p+"/stage", "committee", map[string]any{"to": "design", "note": "请设计师出方案"})
		e.refused(t, 409, "stage_closed", "DELETE", p+"/support", "child2", nil)
		e.refused(t, 409, "invalid_transition", "POST", p+"/decision", "committee", map[string]any{"outcome": "adopted", "child_summary": "还没有方案"})
		var opts []string
		for _, title := range []string{"方案一：大树下的长椅", "方案二：带顶棚的座位"} {
			opts = append(opts, e.ok(201, "POST", p+"/options", "committee", map[string]any{"title": title, "image_url": "https://example.cn/a.png"}).json()["id"].(string))
		}
		e.ok(200, "PUT", p+"/vote", "child2", map[string]any{"option_id": opts[0]})
		e.ok(200, "PUT", p+"/vote", "child", map[string]any{"option_id": opts[1]})
		e.ok(200, "PUT", p+"/vote", "child2", map[string]any{"option_id": opts[1]}) // changes the vote
		e.refused(t, 403, "forbidden", "GET", p+"/results", "child", nil)
		if r := e.ok(200, "GET", p+"/results", "committee", nil); !strings.Contains(r.body, `"votes":0`) || !strings.Contains(r.body, `"total":2`) {
			t.Fatalf("live tally: %s", r.body)
		}
		if r := e.ok(200, "GET", p, "child", nil); strings.Contains(r.body, `"votes":2`) || !strings.Contains(r.body, `"vote_option_id":"`+opts[1]+`"`) {
			t.Fatalf("a child sees a live tally, or not their own vote: %s", r.body)
		}
		refuse("design", "needs", "design", "decision", "evaluation", "closed")

		// decision
		r := e.ok(200, "POST", p+"/decision", "committee", map[string]any{"outcome": "adopted", "child_summary": "我们选了带顶棚的座位，暑假前装好。",
			"responsible_unit": "市住建局", "planned_completion": "2026-07-01", "notice_days": 10})
		if !strings.Contains(r.body, `"stage":"decision"`) || !strings.Contains(r.body, `"notice_until":"2026-05-30"`) {
			t.Fatalf("decision: %s", r.body)
		}
		e.ok(201, "POST", p+"/comments", "child", map[string]any{"body": "太好了！"}) // comments stay open in the notice period
		if r := e.ok(200, "GET", p+"/results", "child", nil); !strings.Contains(r.body, `"votes":2`) {
			t.Fatalf("results after voting: %s", r.body)
		}
		e.refused(t, 409, "stage_closed", "PUT", p+"/vote", "child", map[string]any{"option_id": opts[0]})
		refuse("decision", "needs", "design", "decision", "closed") // adopted: not straight to closed

		// evaluation
		e.ok(200, "POST", p+"/stage", "committee", map[string]any{"to": "evaluation", "note": "座位装好了"})
		e.ok(201, "POST", p+"/evaluations", "child", map[string]any{"ratings": map[string]int{"safety": 5, "fun": 4, "access": 5, "looks": 3}})
		e.refused(t, 409, "conflict", "POST", p+"/evaluations", "child", map[string]any{"ratings": map[string]int{"safety": 1, "fun": 1, "access": 1, "looks": 1}})
		e.ok(201, "POST", p+"/evaluations", "observer", map[string]any{"ratings": map[string]int{"safety": 4, "fun": 4, "access": 4, "looks": 4}, "comment": "很凉快"})
		for who, want := range map[string]string{"observer": `"can_inspect":true`, "child": `"can_inspect":false`} {
			if r := e.ok(200, "GET", p, who, nil); !strings.Contains(r.body, want) {
				t.Errorf("%s reads a proposal in evaluation without %s: %s", who, want, r.body)
			}
		}
		e.ok(201, "POST", p+"/inspections", "observer", map[string]any{"items": []map[string]any{{"item": "座位牢固", "ok": true}, {"item": "有遮阳", "ok": true, "note": "中午有一点晒"}}, "summary": "整体不错"})
		e.refused(t, 403, "forbidden", "POST", p+"/inspections", "child", map[string]any{"items": []map[string]any{{"item": "x", "ok": true}}})
		e.ok(201, "POST", p+"/inspections", "facilitator", map[string]any{"items": []map[string]any{{"item": "验收", "ok": true}}})
		e.refused(t, 409, "stage_closed", "POST", p+"/comments", "child", map[string]any{"body": "评估阶段不收留言"})
		refuse("evaluation", "needs", "design", "decision", "evaluation")
		e.refused(t, 422, "validation_failed", "POST", p+"/stage", "committee", map[string]any{"to": "closed"})

		// closed
		r = e.ok(200, "POST", p+"/stage", "committee", map[string]any{"to": "closed", "summary": "新座位很受欢迎，我们会定期检查。"})
		for _, want := range []string{`"stage":"closed"`, `"closed_reason":"completed"`, `"count":2`, `"safety":4.5`, `"overall":4.1`, `"body_name":"测试observers"`, `"summary":"新座位很受欢迎，我们会定期检查。"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("closed proposal lacks %s: %s", want, r.body)
			}
		}
		refuse("closed", "needs", "design", "decision", "evaluation", "closed")
		e.refused(t, 409, "stage_closed", "POST", p+"/evaluations", "child2", map[string]any{"ratings": map[string]int{"safety": 5, "fun": 5, "access": 5, "looks": 5}})

		// The timeline tells the whole story, in order.
		var path []string
		for _, ev := range e.ok(200, "GET", p, "child", nil).json()["timeline"].([]any) {
			m := ev.(map[string]any)
			from, _ := m["from"].(string)
			path = append(path, from+">"+m["to"].(string)+":"+m["actor_role"].(string))
		}
		if got, want := strings.Join(path, " "), ">needs:child needs>design:committee design>decision:committee decision>evaluation:committee evaluation>closed:committee"; got != want {
			t.Fatalf("timeline %s, want %s", got, want)
		}

		// What each participant was told.
		kinds := func(who string) string {
			r := e.ok(200, "GET", "/api/v1/notifications?limit=100", who, nil)
			var ks []string
			for _, n := range r.json()["items"].([]any) {
				ks = append([]string{n.(map[string]any)["kind"].(string)}, ks...)
			}
			return strings.Join(ks, " ")
		}
		if got := kinds("child"); got != "staff_reply stage_changed stage_changed stage_changed stage_changed" {
			t.Errorf("the author was told: %s", got)
		}
		if got := kinds("child2"); got != "stage_changed stage_changed stage_changed stage_changed" {
			t.Errorf("the supporter and voter was told: %s", got)
		}
		if got := kinds("child_pending"); got != "" {
			t.Errorf("a bystander was told: %s", got)
		}
		inbox := e.ok(200, "GET", "/api/v1/notifications", "child", nil)
		if inbox.json()["unread_count"].(float64) != 5 || !strings.Contains(inbox.body, "完成了，谢谢你的想法") ||
			!strings.Contains(inbox.body, "快来给它打分吧") || strings.Contains(inbox.body, "评估反馈") {
			t.Fatalf("inbox: %s", inbox.body)
		}
		first := inbox.json()["items"].([]any)[0].(map[string]any)["id"].(string)
		e.refused(t, 404, "not_found", "POST", "/api/v1/notifications/"+first+"/read", "child2", nil)
		e.ok(200, "POST", "/api/v1/notifications/"+first+"/read", "child", nil)
		if n := e.ok(200, "GET", "/api/v1/notifications", "child", nil).json()["unread_count"].(float64); n != 4 {
			t.Fatalf("unread after one read: %v", n)
		}
		// A child who chose English reads the inbox in English whatever the request says, in a
		// child's words rather than the stage's official name.
		e.ok(200, "PUT", "/api/v1/me", "child2", map[string]any{"locale": "en"})
		if r := e.ok(200, "GET", "/api/v1/notifications?lang=zh-CN", "child2", nil); !strings.Contains(r.body, "Thank you for your idea") || !strings.Contains(r.body, "Come and rate it!") {
			t.Fatalf("English inbox: %s", r.body)
		}

		// The public notice shows the decision and the results, but no comments and no child's name.
		pub := e.ok(200, "GET", "/api/v1/public/proposals/"+id, "", nil)
		for _, want := range []string{`"child_summary":"我们选了带顶棚的座位，暑假前装好。"`, `"total":2`, `"nickname":"一位同学"`} {
			if !strings.Contains(pub.body, want) {
				t.Errorf("public view lacks %s: %s", want, pub.body)
			}
		}
		for _, never := range []string{"我也想要", "太好了", "童child", "很凉快", "中午有一点晒", "整体不错", e.ids["child"], "my"} {
			if strings.Contains(pub.body, `"`+never) || strings.Contains(pub.body, never+`"`) {
				t.Errorf("public view shows %q", never)
			}
		}
		_ = time.Now
	})
}

func TestNotAdoptedGoesStraightToClosed(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id := e.propose("child", "学校门口修一座天桥")
		p := "/api/v1/proposals/" + id
		e.ok(200, "POST", p+"/decision", "committee", map[string]any{"outcome": "not_adopted", "child_summary": "这里已经有爱心斑马线和护学岗，暂时不修天桥。"})
		e.refused(t, 409, "invalid_transition", "POST", p+"/stage", "committee", map[string]any{"to": "evaluation"})
		r := e.ok(200, "POST", p+"/stage", "committee", map[string]any{"to": "closed"})
		if !strings.Contains(r.body, `"closed_reason":"not_adopted"`) {
			t.Fatalf("closed: %s", r.body)
		}
		// Correcting a decision while in decision adds a timeline event.
		id2 := e.propose("child", "图书馆周末多开一小时")
		e.ok(200, "POST", "/api/v1/proposals/"+id2+"/decision", "committee", map[string]any{"outcome": "adopted", "child_summary": "周六延长开放。"})
		r = e.ok(200, "POST", "/api/v1/proposals/"+id2+"/decision", "committee", map[string]any{"outcome": "partly_adopted", "child_summary": "只在周六延长一小时。"})
		if !strings.Contains(r.body, `"outcome":"partly_adopted"`) || strings.Count(r.body, `"to":"decision","actor_role"`) != 2 {
			t.Fatalf("corrected decision: %s", r.body)
		}
	})
}

func TestMergeAndWithdraw(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		a, b := e.propose("child", "公园里加饮水机"), e.propose("child2", "公园需要喝水的地方")
		e.ok(200, "PUT", "/api/v1/proposals/"+b+"/support", "child", nil)
		e.refused(t, 422, "validation_failed", "POST", "/api/v1/proposals/"+b+"/stage", "committee", map[string]any{"to": "closed"})
		e.refused(t, 422, "validation_failed", "POST", "/api/v1/proposals/"+b+"/stage", "committee", map[string]any{"to": "closed", "merged_into": "01aaaaaaaaaaaaaaaaaaaaaaaa"})
		r := e.ok(200, "POST", "/api/v1/proposals/"+b+"/stage", "committee", map[string]any{"to": "closed", "merged_into": a, "note": "两条建议说的是一件事"})
		if !strings.Contains(r.body, `"merged_into":"`+a+`"`) || !strings.Contains(r.body, `"closed_reason":"merged"`) {
			t.Fatalf("merge: %s", r.body)
		}
		// The author and the supporter are told where it went, in words that say so.
		for _, who := range []string{"child2", "child"} {
			n := e.ok(200, "GET", "/api/v1/notifications", who, nil)
			if !strings.Contains(n.body, `"kind":"merged"`) || !strings.Contains(n.body, "合在一起") {
				t.Errorf("%s was not told of the merge: %s", who, n.body)
			}
		}

		c := e.propose("child", "我想撤回这条")
		e.refused(t, 403, "forbidden", "POST", "/api/v1/proposals/"+c+"/withdraw", "child2", nil)
		e.refused(t, 403, "forbidden", "POST", "/api/v1/proposals/"+c+"/withdraw", "committee", nil)
		e.refused(t, 404, "not_found", "POST", "/api/v1/proposals/"+c+"/withdraw", "child_other", nil)
		e.ok(200, "PUT", "/api/v1/proposals/"+c+"/support", "child2", nil)
		r = e.ok(200, "POST", "/api/v1/proposals/"+c+"/withdraw", "child", nil)
		if !strings.Contains(r.body, `"closed_reason":"withdrawn"`) {
			t.Fatalf("withdraw: %s", r.body)
		}
		if n := e.ok(200, "GET", "/api/v1/notifications", "child2", nil); !strings.Contains(n.body, `"kind":"withdrawn"`) {
			t.Fatalf("the supporter was not told: %s", n.body)
		}
		d := e.propose("child", "已经进入设计的不能撤回")
		e.toStage(d, "design")
		e.refused(t, 409, "invalid_transition", "POST", "/api/v1/proposals/"+d+"/withdraw", "child", nil)
	})
}
