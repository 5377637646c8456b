package api_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tongsheng/api"
	"tongsheng/frontend"
	"tongsheng/locales"
	"tongsheng/models"
)

// withFrontend serves the web app too, so the notice pages answer (the env's API is the same).
func withFrontend(t *testing.T, e *env) {
	t.Helper()
	site, err := frontend.Load()
	if err != nil {
		t.Fatal(err)
	}
	catalog, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	e.app = api.New(api.Config{Store: e.store, Catalog: catalog, JWTSecret: testSecret, Frontend: site,
		Logger: slog.New(slog.NewJSONHandler(e.logs, nil))})
}

// publicMember adds a consented child to the council whose guardian chose showPublicly, with a
// real name and guardian data that no public view may show, and signs it in.
func (e *env) publicMember(login, nickname string, showPublicly bool) {
	e.t.Helper()
	ctx := context.Background()
	m, err := e.store.AddMember(ctx, sys, e.ids["council"], models.MemberInput{
		Nickname: nickname, LoginName: login, PIN: "2580", BirthYear: 2015, BirthMonth: 4, RealName: "真名" + nickname + "实",
		Guardian: models.GuardianInput{Name: "监护人" + nickname, Relation: "外婆" + nickname, Contact: login + "@guardian.example.cn"},
	})
	e.must(err)
	e.ids[login] = m.Child.ID
	e.must(e.store.RecordPaperConsent(ctx, sys, m.Child.ID, models.PaperConsent{GuardianName: "纸面监护人" + nickname,
		Relation: "外公" + nickname, ShowPublicly: showPublicly, Reference: "FORM-" + login}))
	e.must(e.store.SetAssent(ctx, &models.Actor{ID: m.Child.ID, Role: models.RoleChild, ConsentStatus: models.ConsentActive}, true))
	e.signIn(login, "/api/v1/auth/child/login", map[string]string{"body_code": e.codes["council"], "login_name": login, "pin": "2580"})
}

// decide publishes an adopted decision on a proposal in needs, on notice for days.
func (e *env) decide(id string, days int, summary string) {
	e.t.Helper()
	e.ok(200, "POST", "/api/v1/proposals/"+id+"/decision", "committee", map[string]any{"outcome": "adopted", "child_summary": summary,
		"details": "由市住建局在暑假施工。", "responsible_unit": "市住建局", "planned_completion": "2026-09-01", "notice_days": days})
}

// items reads a list reply's proposal IDs in order.
func items(t *testing.T, r response) []string {
	t.Helper()
	var v struct {
		Items []struct{ ID string } `json:"items"`
	}
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	out := []string{}
	for _, it := range v.Items {
		out = append(out, it.ID)
	}
	return out
}

// The board's parts: decisions on notice (with the days left), then results (notice over, or
// closed without a decision), then proposals in progress by stage; each for a region with its
// sub-regions, a body and a stage, page by page.
func TestPublicBoardParts(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		over := e.propose("child", "旧的决定：操场画跳房子")
		e.decide(over, 1, "跳房子已经画好了。")
		e.advance(3 * 24 * time.Hour) // its one day of notice is over
		onNotice := e.propose("child", "清和公园加饮水机")
		e.decide(onNotice, 7, "我们会在东门装一台饮水机。")
		merged := e.propose("child2", "公园里也要饮水机")
		e.ok(200, "POST", "/api/v1/proposals/"+merged+"/stage", "committee", map[string]any{"to": "closed", "merged_into": onNotice})
		needs := e.propose("child2", "图书馆周末多开一小时")
		design := e.propose("child2", "爱心斑马线的颜色")
		e.toStage(design, "design")
		elsewhere := e.ok(201, "POST", "/api/v1/proposals", "child_other", map[string]any{"body_id": "{other_council}", "title": "常州的建议",
			"description": "我们也想要饮水机。", "category": "park"}).json()["id"].(string)
		e.ids["on_notice"], e.ids["over"], e.ids["merged"], e.ids["needs_p"], e.ids["design_p"], e.ids["elsewhere"] = onNotice, over, merged, needs, design, elsewhere

		part := func(query string, want ...string) func(t *testing.T, e *env, r response) {
			return func(t *testing.T, e *env, r response) {
				if got := items(t, r); strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%s lists %v, want %v", query, got, want)
				}
			}
		}
		list := "/api/v1/public/proposals?region_id={yueqing}&section="
		e.run(t, []scenario{
			{name: "on notice, with the days left", method: "GET", url: list + "notice", status: 200, check: part("notice", onNotice),
				contains: []string{`"notice_days_left":7`, `"child_summary":"我们会在东门装一台饮水机。"`, `"responsible_unit":"市住建局"`}},
			{name: "results: notice over, or closed without a decision", method: "GET", url: list + "results", status: 200, check: part("results", merged, over),
				contains: []string{`"notice_days_left":null`}},
			{name: "in progress, by stage", method: "GET", url: list + "progress&stage=needs", status: 200, check: part("progress", needs)},
			{name: "in progress, in design", method: "GET", url: list + "progress&stage=design", status: 200, check: part("design", design)},
			{name: "all in progress", method: "GET", url: list + "progress", status: 200, check: part("progress", design, needs)},
			{name: "a stage that no decision on notice has", method: "GET", url: list + "notice&stage=needs", status: 200, check: part("none")},
			{name: "one body", method: "GET", url: "/api/v1/public/proposals?body_id={other_council}", status: 200, check: part("body", elsewhere)},
			{name: "a city includes its townships", method: "GET", url: "/api/v1/public/proposals?region_id={lecheng}&section=notice", status: 200, check: part("lecheng", onNotice)},
			{name: "another city", method: "GET", url: "/api/v1/public/proposals?region_id={changzhou}", status: 200, check: part("changzhou", elsewhere)},
			{name: "page by page", method: "GET", url: list + "results&limit=1", status: 200, check: func(t *testing.T, e *env, r response) {
				next, _ := r.json()["next_cursor"].(string)
				if got := items(t, r); len(got) != 1 || got[0] != merged || next == "" {
					t.Fatalf("first page %v, cursor %q", got, next)
				}
				if got := items(t, e.ok(200, "GET", list+"results&limit=1&cursor="+next, "", nil)); len(got) != 1 || got[0] != over {
					t.Errorf("second page %v", got)
				}
			}},
			{name: "an unknown part", method: "GET", url: list + "secret", status: 400, code: "bad_request"},
			{name: "an unknown part, in English", method: "GET", url: list + "secret&lang=en", status: 400, code: "bad_request", contains: []string{"section"}},
			{name: "a bad limit", method: "GET", url: list + "notice&limit=many", status: 400, code: "bad_request"},
			{name: "a malformed region", method: "GET", url: "/api/v1/public/proposals?region_id=../../x&section=notice", status: 404, code: "not_found"},
		})

		e.clock.Advance(7 * 24 * time.Hour)
		e.run(t, []scenario{
			{name: "the last day of notice", method: "GET", url: "/api/v1/public/proposals/{on_notice}", status: 200, contains: []string{`"notice_days_left":0`}},
		})
		e.clock.Advance(24 * time.Hour)
		e.run(t, []scenario{
			{name: "notice over: a result now", method: "GET", url: list + "results", status: 200, check: part("results", merged, onNotice, over)},
			{name: "and no days left", method: "GET", url: "/api/v1/public/proposals/{on_notice}", status: 200, contains: []string{`"notice_days_left":null`}},
		})
	})
}

// The board describes itself: its region, the one above, the ones below with published
// proposals, and the bodies with published proposals; no join code, no venue.
func TestPublicBoardDescription(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		e.propose("child", "清和公园加饮水机")
		e.run(t, []scenario{
			{name: "every region", method: "GET", url: "/api/v1/public/board", status: 200,
				contains:    []string{`"region":null`, `"subregions":[{"id":"{yueqing}","name":"yueqing","kind":"city"}]`, `"bodies":[{"id":"{council}","name":"测试council","kind":"council"}]`},
				notContains: []string{"{changzhou}", "{observers}", "join_code", "{code:council}"}},
			{name: "a city", method: "GET", url: "/api/v1/public/board?region_id={yueqing}", status: 200,
				contains: []string{`"region":{"id":"{yueqing}"`, `"parent":null`, `"subregions":[{"id":"{lecheng}"`}},
			{name: "a township, with the city above", method: "GET", url: "/api/v1/public/board?region_id={lecheng}", status: 200,
				contains: []string{`"parent":{"id":"{yueqing}","name":"yueqing","kind":"city"}`, `"subregions":[]`, `"{council}"`}},
			{name: "a city with nothing published", method: "GET", url: "/api/v1/public/board?region_id={changzhou}", status: 200,
				contains: []string{`"bodies":[]`}},
			{name: "cached for a minute", method: "GET", url: "/api/v1/public/board", status: 200, check: func(t *testing.T, e *env, r response) {
				if r.header.Get("Cache-Control") != "public, max-age=60" || r.header.Get("ETag") == "" {
					t.Fatalf("headers %v", r.header)
				}
				if again := e.do("GET", "/api/v1/public/board", "", nil, map[string]string{"If-None-Match": r.header.Get("ETag")}); again.status != 304 {
					t.Errorf("a matching ETag answered %d", again.status)
				}
			}},
			{name: "an unknown region", method: "GET", url: "/api/v1/public/board?region_id=01aaaaaaaaaaaaaaaaaaaaaaaa", status: 404, code: "not_found"},
			{name: "a malformed region", method: "GET", url: "/api/v1/public/board?region_id=x%27or", status: 404, code: "not_found"},
		})
	})
}

// A proposal's QR code carries the address of its public page, in the reader's language; the
// feed and decisions.json link to the same pages.
func TestPublicLinksPointToThePages(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		p := e.propose("child", "清和公园加饮水机")
		e.decide(p, 7, "我们会在东门装一台饮水机。")
		e.ids["p"] = p
		e.ids["pending_p"] = heldProposal(t, e)
		page := "https://tongsheng.test/notice/proposals/" + p
		e.run(t, []scenario{
			{name: "the QR code of the page", method: "GET", url: "/api/v1/public/proposals/{p}/qr", status: 200, check: func(t *testing.T, e *env, r response) {
				var v struct {
					URL string   `json:"url"`
					QR  []string `json:"qr"`
				}
				if err := json.Unmarshal([]byte(r.body), &v); err != nil || v.URL != page || len(v.QR) < 21 || len(v.QR[0]) != len(v.QR) {
					t.Fatalf("%v: %s", err, r.body)
				}
				if r.header.Get("ETag") == "" || r.header.Get("Cache-Control") != "public, max-age=60" {
					t.Errorf("not cacheable: %v", r.header)
				}
			}},
			{name: "in English, the English page", method: "GET", url: "/api/v1/public/proposals/{p}/qr?lang=en", status: 200, contains: []string{`"url":"` + page + `?lang=en"`}},
			{name: "not for a proposal waiting for review", method: "GET", url: "/api/v1/public/proposals/{pending_p}/qr", status: 404, code: "not_found"},
			{name: "not for an unknown one", method: "GET", url: "/api/v1/public/proposals/01aaaaaaaaaaaaaaaaaaaaaaaa/qr", status: 404, code: "not_found"},
			{name: "the feed links to the page", method: "GET", url: "/api/v1/public/feed.atom", status: 200, contains: []string{`<link rel="alternate" type="text/html" href="` + page + `"></link>`}},
			{name: "decisions.json too", method: "GET", url: "/api/v1/public/decisions.json?lang=en", status: 200, contains: []string{`"url":"` + page + `?lang=en"`}},
		})
	})
}

// heldProposal is a proposal of child in a pre-moderated body: it waits for a person.
func heldProposal(t *testing.T, e *env) string {
	t.Helper()
	b, err := e.store.CreateBody(context.Background(), sys, models.BodyInput{Name: "先审后发议事会", Kind: "council", RegionID: e.ids["lecheng"], ModerationMode: "pre"})
	e.must(err)
	e.ids["pre"] = b.ID
	_, err = e.store.AddMember(context.Background(), sys, b.ID, models.MemberInput{ChildID: e.ids["child"]})
	e.must(err)
	r := e.ok(201, "POST", "/api/v1/proposals", "child", map[string]any{"body_id": "{pre}", "title": "待审核的秘密建议",
		"description": "还没有人看过的话。", "category": "park"})
	return r.json()["id"].(string)
}

// Each notice page is served without sign-in with its own title, description and Open Graph
// tags in the HTML itself (a chat app's preview runs no script), every value escaped.
func TestNoticePagesHaveTheirOwnHead(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		withFrontend(t, e)
		p := e.propose("child", `公园<script>alert("x")</script>&座椅`)
		e.decide(p, 7, `我们会加三把"长椅"。`)
		e.ids["p"] = p
		e.ids["pending_p"] = heldProposal(t, e)
		page := "https://tongsheng.test/notice/proposals/" + p
		head := func(want ...string) func(t *testing.T, e *env, r response) {
			return func(t *testing.T, e *env, r response) {
				if !strings.Contains(r.body, `<script type="module" src="/static/`) || !strings.Contains(r.body, `/notice.js"></script>`) {
					t.Errorf("the page does not load notice.js: %s", r.body)
				}
				if strings.Contains(r.body, "<script>alert") || strings.Count(r.body, "<title>") != 1 {
					t.Errorf("the head is not escaped: %s", r.body)
				}
				for _, w := range want {
					if !strings.Contains(r.body, e.expand(w)) {
						t.Errorf("the page lacks %s:\n%s", e.expand(w), r.body)
					}
				}
			}
		}
		e.run(t, []scenario{
			{name: "a proposal", method: "GET", url: "/notice/proposals/{p}", status: 200, check: head(
				`<html lang="zh-CN">`,
				`<title>公园&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;座椅 · 童声</title>`,
				`<meta property="og:title" content="公园&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;座椅">`,
				`<meta name="description" content="采纳：我们会加三把&#34;长椅&#34;。">`,
				`<meta property="og:description" content="采纳：我们会加三把&#34;长椅&#34;。">`,
				`<meta property="og:type" content="article">`, `<meta property="og:url" content="`+page+`">`,
				`<meta property="og:locale" content="zh_CN">`, `<link rel="canonical" href="`+page+`">`)},
			{name: "in English", method: "GET", url: "/notice/proposals/{p}?lang=en", status: 200, check: head(
				`<html lang="en">`, `content="Adopted: `, `<meta property="og:url" content="`+page+`?lang=en">`, `<meta property="og:site_name" content="Tongsheng">`)},
			{name: "by the browser's language", method: "GET", url: "/notice/proposals/{p}", header: map[string]string{"Accept-Language": "en-GB,en;q=0.9"},
				status: 200, check: head(`<html lang="en">`)},
			{name: "its printed notice", method: "GET", url: "/notice/proposals/{p}/print", status: 200, check: head(
				`<title>公示单：公园&lt;script&gt;`, `<meta property="og:url" content="`+page+`/print">`)},
			{name: "the board", method: "GET", url: "/notice", status: 200, check: head(
				`<title>公示栏 · 童声</title>`, `<meta property="og:type" content="website">`,
				`<link rel="alternate" type="application/atom+xml" href="/api/v1/public/feed.atom">`)},
			{name: "a city's board", method: "GET", url: "/notice?region_id={yueqing}&lang=en", status: 200, check: head(
				`<title>Notice board of yueqing · Tongsheng</title>`, `What the children of yueqing proposed`,
				`<meta property="og:url" content="https://tongsheng.test/notice?lang=en&amp;region_id={yueqing}">`,
				`href="/api/v1/public/feed.atom?region_id={yueqing}"`)},
			{name: "not cached stale, but revalidated", method: "GET", url: "/notice/proposals/{p}", status: 200, check: func(t *testing.T, e *env, r response) {
				if r.header.Get("Cache-Control") != "no-cache" || !strings.Contains(r.header.Get("Content-Security-Policy"), "script-src 'self'") {
					t.Errorf("headers %v", r.header)
				}
				if again := e.do("GET", "/notice/proposals/"+p, "", nil, map[string]string{"If-None-Match": r.header.Get("ETag")}); again.status != 304 {
					t.Errorf("a matching ETag answered %d", again.status)
				}
			}},
		})
		// Pages of what is not public answer 404, still as a page that says so in words.
		for url, title := range map[string]string{
			"/notice?region_id=01aaaaaaaaaaaaaaaaaaaaaaaa": "<title>公示栏 · 童声</title>",
			"/notice?region_id=not-an-id":                  "<title>公示栏 · 童声</title>", // a page, not the API's envelope
			"/notice/proposals/{pending_p}":                "<title>没有找到这条公示 · 童声</title>",
			"/notice/proposals/{pending_p}/print":          "<title>没有找到这条公示 · 童声</title>",
			"/notice/proposals/nothing?lang=en":            "<title>Notice not found · Tongsheng</title>",
		} {
			r := e.do("GET", url, "", nil, nil)
			if r.status != 404 || strings.Contains(r.body, "待审核的秘密建议") {
				t.Errorf("%s: %d %s", url, r.status, r.body)
			}
			head(title)(t, e, r)
		}
	})
}

// A long text gets a short description; the title stays whole.
func TestNoticeDescriptionIsShort(t *testing.T) {
	e := newEnv(t, "sqlite")
	withFrontend(t, e)
	long := strings.Repeat("滑梯旁边的沙坑需要换新沙子。", 20)
	r := e.ok(201, "POST", "/api/v1/proposals", "child", map[string]any{"body_id": "{council}", "title": "沙坑换新沙", "description": long, "category": "park"})
	body := e.ok(200, "GET", "/notice/proposals/"+r.json()["id"].(string), "", nil).body
	m := regexp.MustCompile(`<meta name="description" content="([^"]*)">`).FindStringSubmatch(body)
	if m == nil || len([]rune(m[1])) != 160 || !strings.HasSuffix(m[1], "…") {
		t.Fatalf("description %q", m)
	}
	if !strings.Contains(body, "<title>沙坑换新沙 · 童声</title>") {
		t.Errorf("title: %s", body)
	}
}

// publicWalk fetches every public view reachable from the boards, as anyone could, in both
// languages: the board descriptions, every part of every board page by page, each proposal,
// its QR code, its pages and printed notice, the feed and decisions.json. It returns each
// reply by address, and the proposals it found.
func publicWalk(t *testing.T, e *env) (map[string]string, map[string]bool) {
	t.Helper()
	seen := map[string]string{}
	found := map[string]bool{}
	get := func(u string) response {
		if _, ok := seen[u]; ok {
			return response{status: 0}
		}
		r := e.do("GET", u, "", nil, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", u, r.status, r.body)
		}
		seen[u] = r.body
		return r
	}
	for _, lang := range []string{"zh-CN", "en"} {
		regions := []string{""}
		for i := 0; i < len(regions); i++ {
			rq := ""
			if regions[i] != "" {
				rq = "region_id=" + regions[i] + "&"
			}
			get("/notice?" + rq + "lang=" + lang)
			b := get("/api/v1/public/board?" + rq + "lang=" + lang)
			var board struct {
				Subregions []struct{ ID string } `json:"subregions"`
				Bodies     []struct{ ID string } `json:"bodies"`
			}
			if err := json.Unmarshal([]byte(b.body), &board); err != nil {
				t.Fatal(err)
			}
			for _, s := range board.Subregions {
				regions = append(regions, s.ID)
			}
			get("/api/v1/public/feed.atom?" + rq + "lang=" + lang)
			get("/api/v1/public/decisions.json?" + rq + "lang=" + lang)
			queries := []string{"section=notice", "section=results", "section=progress&stage=needs", "section=progress&stage=design", ""}
			for _, s := range models.Stages {
				queries = append(queries, "stage="+s)
			}
			for _, bd := range board.Bodies {
				queries = append(queries, "body_id="+bd.ID)
			}
			for _, q := range queries {
				cursor := ""
				for {
					u := "/api/v1/public/proposals?" + rq + q + "&limit=2&lang=" + lang
					if cursor != "" {
						u += "&cursor=" + url.QueryEscape(cursor)
					}
					r := get(u)
					for _, id := range items(t, r) {
						found[id] = true
					}
					cursor, _ = r.json()["next_cursor"].(string)
					if cursor == "" {
						break
					}
				}
			}
		}
		for id := range found {
			for _, u := range []string{"/api/v1/public/proposals/" + id, "/api/v1/public/proposals/" + id + "/qr",
				"/notice/proposals/" + id, "/notice/proposals/" + id + "/print"} {
				get(u + "?lang=" + lang)
			}
		}
	}
	return seen, found
}

// Nothing personal anywhere on the public pages or in the data they load: no login name, no
// child's ID, no guardian, no real name, no comment, nothing waiting for review or hidden, and
// no nickname of a child whose guardian did not allow it. What may be shown is shown.
func TestPublicPagesHoldNothingPersonal(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		withFrontend(t, e)
		e.publicMember("lgn_named_mm", "明明", true)
		e.publicMember("lgn_hidden_aa", "暗暗", false)
		for _, r := range []string{"r1", "r2", "r3"} {
			e.child(r, "council", true)
		}
		p := func(as, title string) string {
			return e.ok(201, "POST", "/api/v1/proposals", as, map[string]any{"body_id": "{council}", "title": title,
				"description": title + "，因为大家都需要。", "category": "park"}).json()["id"].(string)
		}
		named := p("lgn_named_mm", "公园东门加饮水机")
		e.toStage(named, "decision")
		hidden := p("lgn_hidden_aa", "图书馆晚上开到八点")
		e.ok(201, "POST", "/api/v1/proposals/"+hidden+"/comments", "lgn_named_mm", map[string]any{"body": "评论里的悄悄话一句"})
		e.ok(201, "POST", "/api/v1/proposals/"+hidden+"/comments", "committee", map[string]any{"body": "工作人员回复的一段话"})
		e.ok(200, "PUT", "/api/v1/proposals/"+hidden+"/support", "lgn_named_mm", nil)
		voted := p("lgn_hidden_aa", "爱心斑马线刷成彩色")
		opts := e.toStage(voted, "design")
		e.ok(200, "PUT", "/api/v1/proposals/"+voted+"/vote", "lgn_named_mm", map[string]any{"option_id": opts[0]})
		e.ok(200, "PUT", "/api/v1/proposals/"+voted+"/vote", "lgn_hidden_aa", map[string]any{"option_id": opts[1]})
		e.ok(201, "POST", "/api/v1/proposals/"+voted+"/comments", "lgn_hidden_aa", map[string]any{"body": "方案二的颜色更好看呀", "option_id": opts[1]})
		e.ok(200, "POST", "/api/v1/proposals/"+voted+"/decision", "committee", map[string]any{"outcome": "partly_adopted", "child_summary": "斑马线会刷成两种颜色。"})
		done := p("lgn_hidden_aa", "儿童之家周末开门")
		e.toStage(done, "evaluation")
		e.ok(201, "POST", "/api/v1/proposals/"+done+"/evaluations", "lgn_named_mm", map[string]any{
			"ratings": map[string]int{"safety": 5, "fun": 4, "access": 4, "looks": 5}, "comment": "评价里写的心里话"})
		e.ok(201, "POST", "/api/v1/proposals/"+done+"/inspections", "observer", map[string]any{
			"items": []map[string]any{{"item": "地面平整", "ok": true, "note": "观察员写的备注"}}, "summary": "观察员写的总结"})
		heldInspection := e.ok(201, "POST", "/api/v1/proposals/"+done+"/inspections", "observer", map[string]any{
			"items": []map[string]any{{"item": "待审的遮阳检查", "ok": false, "note": "清远路15号那边的墙挡住了风"}}, "summary": "等待审核的观察"})
		if !strings.Contains(heldInspection.body, `"visibility":"pending"`) {
			t.Fatalf("the inspection was not held: %s", heldInspection.body)
		}
		reported := p("lgn_named_mm", "被举报后隐藏的建议")
		for _, r := range []string{"r1", "r2", "r3"} {
			e.ok(201, "POST", "/api/v1/reports", r, map[string]any{"target_type": "proposal", "target_id": reported, "reason": "不友好"})
		}
		pending := heldProposal(t, e)

		replies, found := publicWalk(t, e)

		for _, id := range []string{named, hidden, voted, done} {
			if !found[id] {
				t.Errorf("the boards never list %s", id)
			}
		}
		if found[reported] || found[pending] {
			t.Fatalf("the boards list a hidden or pending proposal")
		}
		never := []string{
			"lgn_named_mm", "lgn_hidden_aa", `"login_name"`, // login names
			"暗暗", "童child", "童observer", "童r1", // nicknames nobody allowed to show
			"真名", "监护人", "外婆", "外公", "guardian.example.cn", "FORM-", // real names and guardians
			"评论里的悄悄话一句", "工作人员回复的一段话", "方案二的颜色更好看呀", "评价里写的心里话", // comments
			"观察员写的备注", "观察员写的总结", // a child observer's own words
			"被举报后隐藏的建议", "待审核的秘密建议", "还没有人看过的话", "清远路15号", "等待审核的观察", "待审的遮阳检查", heldInspection.json()["id"].(string), reported, pending, // hidden and pending
			"birth", "relation", "contact", "real_name", "consent", "join_code", "\"my\"", "\"moves\"",
		}
		for _, name := range []string{"lgn_named_mm", "lgn_hidden_aa", "child", "child2", "child_pending", "observer", "r1", "r2", "r3"} {
			never = append(never, e.ids[name]) // children's IDs
		}
		for u, body := range replies {
			for _, s := range never {
				if strings.Contains(body, s) {
					t.Errorf("%s holds %q", u, s)
				}
			}
		}
		// What the guardian allowed, and the rest as "a participant".
		shows := func(u, want string) {
			t.Helper()
			if !strings.Contains(replies[u], want) {
				t.Errorf("%s lacks %q: %s", u, want, replies[u])
			}
		}
		shows("/api/v1/public/proposals/"+named+"?lang=zh-CN", `"author":{"nickname":"明明","age":`)
		shows("/api/v1/public/proposals/"+hidden+"?lang=zh-CN", `"author":{"nickname":"一位同学","age":null}`)
		shows("/api/v1/public/proposals/"+hidden+"?lang=en", `"author":{"nickname":"a participant","age":null}`)
		shows("/api/v1/public/proposals/"+voted+"?lang=en", `"results":{"options":[`)
		shows("/api/v1/public/proposals/"+done+"?lang=en", `"item":"地面平整","ok":true,"note":""`)
		if len(replies) < 40 {
			t.Errorf("the walk saw only %d replies", len(replies))
		}
	})
}
