package api_test

import (
	"encoding/csv"
	"encoding/xml"
	"math"
	"strings"
	"testing"
	"time"
)

func TestStatsOverdueAndExport(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		rate := func(t *testing.T, ratings map[string]int, who, id string) {
			t.Helper()
			e.ok(201, "POST", "/api/v1/proposals/"+id+"/evaluations", who, map[string]any{"ratings": ratings})
		}
		p1 := e.propose("child", "=HYPERLINK(\"x\") 公园的长椅")
		e.advance(48 * time.Hour)
		e.ok(201, "POST", "/api/v1/proposals/"+p1+"/comments", "committee", map[string]any{"body": "收到，我们周末去看。"}) // answered after 2 days
		p2 := e.propose("child2", "校门口的路灯不亮")                                                                     // never answered
		p3 := e.propose("child", "儿童之家的书太少")
		e.toStage(p3, "evaluation")
		rate(t, map[string]int{"safety": 5, "fun": 4, "access": 5, "looks": 3}, "child", p3)
		rate(t, map[string]int{"safety": 4, "fun": 4, "access": 4, "looks": 4}, "child2", p3)
		p4 := e.propose("child", "学校旁边修天桥")
		e.ok(200, "POST", "/api/v1/proposals/"+p4+"/decision", "committee", map[string]any{"outcome": "not_adopted", "child_summary": "已有爱心斑马线。"})
		e.advance(31 * 24 * time.Hour)

		st := e.ok(200, "GET", "/api/v1/stats", "committee", nil).json()
		want := map[string]float64{"children_active": 3, "consent_pending": 1, "response_rate": 0.75, "median_response_days": 0, "overdue": 1, "adoption_rate": 0.5}
		for k, v := range want {
			if got, _ := st[k].(float64); math.Abs(got-v) > 1e-9 {
				t.Errorf("%s = %v, want %v", k, st[k], v)
			}
		}
		byStage := st["proposals_by_stage"].(map[string]any)
		for stage, n := range map[string]float64{"needs": 2, "design": 0, "decision": 1, "evaluation": 1, "closed": 0} {
			if byStage[stage] != n {
				t.Errorf("proposals in %s: %v, want %v", stage, byStage[stage], n)
			}
		}
		avg := st["evaluation_average"].(map[string]any)
		for k, v := range map[string]float64{"safety": 4.5, "fun": 4, "access": 4.5, "looks": 3.5, "overall": 4.1} {
			if avg[k] != v {
				t.Errorf("average %s = %v, want %v", k, avg[k], v)
			}
		}
		// Filtering by creation date leaves out the first proposal, which was answered after 2 days.
		st = e.ok(200, "GET", "/api/v1/stats?from=2026-05-22&to=2026-05-22", "committee", nil).json()
		if st["response_rate"].(float64) != 0.67 || st["proposals_by_stage"].(map[string]any)["needs"] != 1.0 {
			t.Errorf("filtered stats: %v", st)
		}
		if st := e.ok(200, "GET", "/api/v1/stats?to=2026-05-21", "committee", nil).json(); st["median_response_days"] != 2.0 {
			t.Errorf("median for the first day only: %v", st["median_response_days"])
		}
		other := e.ok(200, "GET", "/api/v1/stats", "committee_other", nil).json()
		if other["children_active"] != 1.0 || other["overdue"] != 0.0 || other["proposals_by_stage"].(map[string]any)["needs"] != 0.0 {
			t.Errorf("another city sees these proposals: %v", other)
		}

		overdue := e.ok(200, "GET", "/api/v1/proposals/overdue", "committee", nil)
		if items := overdue.json()["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != p2 {
			t.Fatalf("overdue: %s", overdue.body)
		}
		if r := e.ok(200, "GET", "/api/v1/proposals/overdue", "facilitator_other", nil); strings.Contains(r.body, p2) {
			t.Fatal("another body's facilitator sees the overdue proposal")
		}

		for lang, heading := range map[string]string{"zh-CN": "标题", "en": "Title"} {
			r := e.ok(200, "GET", "/api/v1/stats/export.csv?lang="+lang, "committee", nil)
			if !strings.HasPrefix(r.body, "\uFEFF") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
				t.Fatalf("CSV lacks the BOM or type: %q", r.header.Get("Content-Type"))
			}
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\uFEFF"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 5 || rows[0][1] != heading {
				t.Fatalf("CSV (%s): %d rows, heading %q", lang, len(rows), rows[0][1])
			}
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i
			}
			days := map[string]string{"zh-CN": "答复用时（天）", "en": "Days to response"}[lang]
			if rows[1][1] != `'=HYPERLINK("x") 公园的长椅` || rows[1][col[days]] != "2" {
				t.Errorf("first row: title %q (a formula must be defused), days %q", rows[1][1], rows[1][col[days]])
			}
			// Enums come as a code for the spreadsheet and a label for the person, side by side.
			for code, label := range map[string][2]string{"类别代码": {"park", "类别"}, "阶段代码": {"needs", "阶段"}, "Category code": {"park", "Category"}, "Stage code": {"needs", "Stage"}} {
				i, ok := col[code]
				if !ok {
					continue
				}
				want := map[string]string{"park": map[string]string{"zh-CN": "公园", "en": "Park"}[lang], "needs": map[string]string{"zh-CN": "需求表达", "en": "Needs"}[lang]}[label[0]]
				if rows[1][i] != label[0] || rows[1][col[label[1]]] != want || col[label[1]] != i+1 {
					t.Errorf("%s: code %q, label %q (want %q %q)", code, rows[1][i], rows[1][col[label[1]]], label[0], want)
				}
			}
			if _, ok := col[map[string]string{"zh-CN": "类别代码", "en": "Category code"}[lang]]; !ok {
				t.Errorf("no category code column: %v", rows[0])
			}
			// Oldest first; the evaluations' count and mean come from the sums each proposal keeps:
			// (5+4+5+3)/4 and (4+4+4+4)/4 average to 4.125.
			for i, id := range []string{p1, p2, p3, p4} {
				if rows[i+1][0] != id {
					t.Fatalf("row %d is %s, want %s", i+1, rows[i+1][0], id)
				}
			}
			if n, mean := len(rows[0]), rows[3][len(rows[0])-1]; rows[3][n-2] != "2" || mean != "4.1" || rows[1][n-2] != "0" || rows[1][n-1] != "" {
				t.Errorf("evaluations of the rated proposal: %q, mean %q; of the first: %q %q", rows[3][n-2], mean, rows[1][n-2], rows[1][n-1])
			}
		}
		// Out of scope, nothing: another city's committee, another body's facilitator.
		for _, who := range []string{"committee_other", "facilitator_other"} {
			r := e.ok(200, "GET", "/api/v1/stats/export.csv", who, nil)
			for _, id := range []string{p1, p2, p3, p4} {
				if strings.Contains(r.body, id) {
					t.Errorf("%s's CSV holds %s", who, id)
				}
			}
		}
		if r := e.ok(200, "GET", "/api/v1/stats/export.csv", "facilitator", nil); !strings.Contains(r.body, p4) {
			t.Errorf("the facilitator's CSV lacks their body's proposal")
		}
	})
}

func TestPublicNotice(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		p := e.propose("child", "清和公园建儿童友好步道")
		e.toStage(p, "decision")
		q := e.propose2("child_other", "other_council", "常州图书馆周末延时")
		e.ok(200, "POST", "/api/v1/proposals/"+q+"/decision", "committee_other", map[string]any{"outcome": "partly_adopted", "child_summary": "周六延时一小时。"})
		e.ids["p"], e.ids["q"] = p, q
		e.run(t, []scenario{
			{name: "list without sign-in", method: "GET", url: "/api/v1/public/proposals", status: 200,
				contains: []string{"{p}", "{q}", `"nickname":"一位同学","age":null`}, notContains: []string{"童child"},
				check: func(t *testing.T, e *env, r response) {
					if r.header.Get("Cache-Control") != "public, max-age=60" || r.header.Get("ETag") == "" {
						t.Fatalf("cache headers: %v", r.header)
					}
					again := e.do("GET", "/api/v1/public/proposals", "", nil, map[string]string{"If-None-Match": r.header.Get("ETag")})
					if again.status != 304 || again.body != "" {
						t.Fatalf("If-None-Match: %d %q", again.status, again.body)
					}
				}},
			{name: "in English", method: "GET", url: "/api/v1/public/proposals?lang=en", status: 200, contains: []string{`"nickname":"a participant"`}},
			{name: "by region", method: "GET", url: "/api/v1/public/proposals?region_id={yueqing}", status: 200, contains: []string{"{p}"}, notContains: []string{"{q}"}},
			{name: "by stage", method: "GET", url: "/api/v1/public/proposals?stage=needs", status: 200, notContains: []string{"{p}", "{q}"}},
			{name: "unknown stage", method: "GET", url: "/api/v1/public/proposals?stage=secret", status: 400, code: "bad_request"},
			{name: "unknown region", method: "GET", url: "/api/v1/public/proposals?region_id=01aaaaaaaaaaaaaaaaaaaaaaaa", status: 404, code: "not_found"},
			{name: "one proposal with its decision and results", method: "GET", url: "/api/v1/public/proposals/{p}", status: 200,
				contains: []string{`"child_summary":"我们决定换新滑梯。"`, `"notice_until":"2026-05-27"`, `"results":{"options":[`}, notContains: []string{`"my"`}},
			{name: "unknown proposal", method: "GET", url: "/api/v1/public/proposals/01aaaaaaaaaaaaaaaaaaaaaaaa", status: 404, code: "not_found"},
			{name: "decisions, newest first", method: "GET", url: "/api/v1/public/decisions.json", status: 200,
				check: func(t *testing.T, e *env, r response) {
					items := r.json()["items"].([]any)
					if len(items) != 2 || items[0].(map[string]any)["proposal_id"] != e.ids["q"] || items[0].(map[string]any)["outcome"] != "partly_adopted" {
						t.Fatalf("decisions: %s", r.body)
					}
				}},
			{name: "decisions of a region", method: "GET", url: "/api/v1/public/decisions.json?region_id={changzhou}", status: 200, contains: []string{"{q}"}, notContains: []string{"{p}"}},
			{name: "the Atom feed", method: "GET", url: "/api/v1/public/feed.atom", status: 200,
				check: func(t *testing.T, e *env, r response) {
					var feed struct {
						Entries []struct {
							Title   string `xml:"title"`
							Summary string `xml:"summary"`
						} `xml:"entry"`
					}
					if err := xml.Unmarshal([]byte(r.body), &feed); err != nil {
						t.Fatalf("not XML: %v", err)
					}
					if len(feed.Entries) != 2 || feed.Entries[0].Title != "常州图书馆周末延时" || !strings.HasPrefix(feed.Entries[0].Summary, "部分采纳") {
						t.Fatalf("feed: %s", r.body)
					}
				}},
		})
	})
}
