package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tongsheng/models"
	"tongsheng/models/modelstest"
)

// writeRoutes are every write a child can make; each must answer 403 consent_required unless
// the child's consent and assent are in place.
func writeRoutes(e *env) []scenario {
	return []scenario{
		{name: "create a proposal", method: "POST", url: "/api/v1/proposals", body: newProposal("{council}")},
		{name: "support", method: "PUT", url: "/api/v1/proposals/{gate_needs}/support"},
		{name: "take back a support", method: "DELETE", url: "/api/v1/proposals/{gate_needs}/support"},
		{name: "vote", method: "PUT", url: "/api/v1/proposals/{gate_design}/vote", body: map[string]any{"option_id": "{gate_option}"}},
		{name: "comment", method: "POST", url: "/api/v1/proposals/{gate_needs}/comments", body: map[string]any{"body": "我同意"}},
		{name: "evaluate", method: "POST", url: "/api/v1/proposals/{gate_eval}/evaluations", body: map[string]any{"ratings": map[string]int{"safety": 4, "fun": 4, "access": 4, "looks": 4}}},
		{name: "report", method: "POST", url: "/api/v1/reports", body: map[string]any{"target_type": "proposal", "target_id": "{gate_needs}"}},
	}
}

// gateEnv is an env with proposals in needs, design and evaluation, and a child "gate" whose
// consent the test sets.
func gateEnv(t *testing.T, e *env) {
	e.ids["gate_needs"] = e.propose("child", "清和公园加座位")
	e.ids["gate_design"] = e.propose("child", "爱心斑马线更醒目")
	e.ids["gate_option"] = e.toStage(e.ids["gate_design"], "design")[0]
	e.ids["gate_eval"] = e.propose("child", "儿童之家周末开放")
	e.toStage(e.ids["gate_eval"], "evaluation")
}

func expectGate(t *testing.T, e *env, who string, status int, code string) {
	t.Helper()
	for _, sc := range writeRoutes(e) {
		r := e.do(sc.method, sc.url, e.tokens[who], sc.body, nil)
		if r.status != status || (code != "" && r.errorCode() != code) {
			t.Errorf("%s: %d %s, want %d %s", sc.name, r.status, r.errorCode(), status, code)
		}
	}
}

func TestWriteGate(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		gateEnv(t, e)
		id, token := e.newMember("gate", "门门")
		e.ids["gate"] = id
		e.signIn("gate", "/api/v1/auth/child/login", map[string]string{"body_code": e.codes["council"], "login_name": "gate", "pin": "1357"})
		t.Run("before consent", func(t *testing.T) { expectGate(t, e, "gate", 403, "consent_required") })
		e.ok(200, "POST", "/api/v1/consent/"+token, "", map[string]any{"decision": "deny", "guardian_name": "王芳", "relation": "母亲"})
		t.Run("after refusal", func(t *testing.T) { expectGate(t, e, "gate", 403, "consent_required") })
		link := e.ok(201, "POST", "/api/v1/children/{gate}/consent/link", "facilitator", nil).json()["link"].(string)
		token = link[strings.LastIndex(link, "/")+1:]
		e.ok(200, "POST", "/api/v1/consent/"+token, "", grant(nil))
		t.Run("after consent, before assent", func(t *testing.T) { expectGate(t, e, "gate", 403, "consent_required") })
		e.ok(200, "POST", "/api/v1/me/assent", "gate", map[string]any{"agree": true})
		t.Run("accepted after consent and assent", func(t *testing.T) {
			for _, sc := range writeRoutes(e) {
				if r := e.do(sc.method, sc.url, e.tokens["gate"], sc.body, nil); r.status >= 300 {
					t.Errorf("%s: %d %s", sc.name, r.status, r.body)
				}
			}
		})
		e.ok(200, "POST", "/api/v1/consent/"+token+"/withdraw", "", map[string]any{"erase": false})
		e.signIn("gate", "/api/v1/auth/child/login", map[string]string{"body_code": e.codes["council"], "login_name": "gate", "pin": "1357"})
		t.Run("after withdrawal (signed in again: reads only)", func(t *testing.T) {
			e.ok(200, "GET", "/api/v1/proposals", "gate", nil)
			expectGate(t, e, "gate", 403, "consent_required")
		})
	})
}

// A new notice version puts active consents back to pending: writes wait until the guardian
// confirms again, on the same link.
func TestNoticeVersionChange(t *testing.T) {
	dir := t.TempDir()
	e := newEnvAt(t, dir)
	gateEnv(t, e)
	_, token := e.newMember("gate", "门门")
	e.ok(200, "POST", "/api/v1/consent/"+token, "", grant(nil))
	e.signIn("gate", "/api/v1/auth/child/login", map[string]string{"body_code": e.codes["council"], "login_name": "gate", "pin": "1357"})
	e.ok(200, "POST", "/api/v1/me/assent", "gate", map[string]any{"agree": true})
	e.store.Close()

	// The next release ships notice version 2.
	store, err := models.Open(models.Options{DataDir: dir, Clock: e.clock.Now, Hashing: modelstest.FastHashing, DataKey: make([]byte, 32),
		PublicURL: "https://tongsheng.test", NoticeVersion: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	e2 := e.withStore(t, store)
	t.Run("after a notice version change", func(t *testing.T) { expectGate(t, e2, "gate", 403, "consent_required") })
	if me := e2.ok(200, "GET", "/api/v1/me", "gate", nil); !strings.Contains(me.body, `"consent_status":"pending"`) {
		t.Fatalf("me: %s", me.body)
	}
	r := e2.ok(201, "POST", "/api/v1/bodies/{council}/consent-links", "facilitator", nil)
	if !strings.Contains(r.body, `"nickname":"门门"`) {
		t.Fatalf("the child is not among the letters to print: %s", r.body)
	}
	// The old link was replaced by the letter; the guardian confirms on the new one.
	links := r.json()["items"].([]any)
	var newToken string
	for _, l := range links {
		if m := l.(map[string]any); m["nickname"] == "门门" {
			link := m["link"].(string)
			newToken = link[strings.LastIndex(link, "/")+1:]
		}
	}
	if r := e2.ok(200, "GET", "/api/v1/consent/"+newToken, "", nil); !strings.Contains(r.body, `"version":2`) {
		t.Fatalf("the guardian does not see the new notice: %s", r.body)
	}
	e2.ok(200, "POST", "/api/v1/consent/"+newToken, "", grant(nil))
	e2.ok(201, "POST", "/api/v1/proposals", "gate", newProposal("{council}"))
}

// withStore is a copy of e serving another store on the same database (a restart).
func (e *env) withStore(t *testing.T, store *models.Store) *env {
	t.Helper()
	fresh := newEnvFrom(t, store, e.clock)
	fresh.ids, fresh.codes, fresh.logins = e.ids, e.codes, e.logins
	for name, l := range e.logins {
		fresh.tokens[name] = fresh.login(l[0], l[1])
	}
	return fresh
}

// Withdrawal with erase leaves no trace of the child in the database files: not the texts,
// the nickname, the guardian's contact nor the consent token (only its hash, which keeps the
// guardian's link working for viewing and export until purge). The child's token is refused on
// the very next request.
func TestWithdrawEraseLeavesNoTrace(t *testing.T) {
	dir := t.TempDir()
	e := newEnvAt(t, dir)
	id, token := e.newMember("eraseme", "擦擦")
	e.ids["eraseme"] = id
	e.ok(200, "POST", "/api/v1/consent/"+token, "", grant(map[string]bool{"show_publicly": true}))
	e.signIn("eraseme", "/api/v1/auth/child/login", map[string]string{"body_code": e.codes["council"], "login_name": "eraseme", "pin": "1357"})
	e.ok(200, "POST", "/api/v1/me/assent", "eraseme", map[string]any{"agree": true})
	// A proposal others took part in, one nobody touched, a comment, a vote and an evaluation.
	shared := e.propose("eraseme", "秘密花园里的紫色秋千")
	e.ok(200, "PUT", "/api/v1/proposals/"+shared+"/support", "child", nil)
	alone := e.propose("eraseme", "没人附议的独角兽滑梯")
	other := e.propose("child", "别人的建议")
	e.ok(201, "POST", "/api/v1/proposals/"+other+"/comments", "eraseme", map[string]any{"body": "我喜欢彩虹色的跷跷板"})
	design := e.propose("child", "投票的建议")
	opt := e.toStage(design, "design")[0]
	e.ok(200, "PUT", "/api/v1/proposals/"+design+"/vote", "eraseme", map[string]any{"option_id": opt})
	eval := e.propose("child2", "评估的建议")
	e.toStage(eval, "evaluation")
	e.ok(201, "POST", "/api/v1/proposals/"+eval+"/evaluations", "eraseme", map[string]any{"ratings": map[string]int{"safety": 5, "fun": 5, "access": 5, "looks": 5}, "comment": "蹦蹦床弹得好高"})

	e.ok(200, "POST", "/api/v1/consent/"+token+"/withdraw", "", map[string]any{"erase": true})
	if r := e.do("GET", "/api/v1/me", e.tokens["eraseme"], nil, nil); r.status != 401 {
		t.Fatalf("the withdrawn child's token on the next request: %d", r.status)
	}
	// The guardian's link still shows the withdrawn state (and exports what is left), nameless.
	if r := e.ok(200, "GET", "/api/v1/consent/"+token, "", nil); !strings.Contains(r.body, `"status":"withdrawn"`) || strings.Contains(r.body, "擦擦") {
		t.Fatalf("the link after withdrawal: %s", r.body)
	}
	// The shell stays, in the reader's language; the untouched proposal is gone; counts hold.
	if r := e.ok(200, "GET", "/api/v1/proposals/"+shared+"?lang=en", "child", nil); !strings.Contains(r.body, `"title":"withdrawn by its author"`) || !strings.Contains(r.body, `"support_count":1`) {
		t.Fatalf("shell: %s", r.body)
	}
	e.refused(t, 404, "not_found", "GET", "/api/v1/proposals/"+alone, "child", nil)
	if r := e.ok(200, "GET", "/api/v1/proposals/"+design+"/results", "committee", nil); !strings.Contains(r.body, `"total":1`) {
		t.Fatalf("the vote no longer counts: %s", r.body)
	}
	verifyCounts(t, e)
	e.store.Close()
	assertFilesLack(t, dir, "秘密花园里的紫色秋千", "没人附议的独角兽滑梯", "我喜欢彩虹色的跷跷板", "蹦蹦床弹得好高", "擦擦", "王小雨", "13800138000", "王芳", token)
}

// Without erase the texts stay, shown as "a participant"; the personal fields still go.
func TestWithdrawKeepsTextsAnonymously(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		p := e.propose("child2", "图书馆多放恐龙书")
		e.ok(200, "PUT", "/api/v1/proposals/"+p+"/support", "child", nil)
		e.ok(200, "POST", "/api/v1/children/{child2}/consent/withdraw", "facilitator", map[string]any{"erase": false, "reference": "W-7"})
		r := e.ok(200, "GET", "/api/v1/proposals/"+p, "child", nil)
		if !strings.Contains(r.body, `"title":"图书馆多放恐龙书"`) || !strings.Contains(r.body, `"author":null`) || strings.Contains(r.body, "童child2") {
			t.Fatalf("kept proposal: %s", r.body)
		}
		d := e.ok(200, "GET", "/api/v1/children/{child2}", "facilitator", nil)
		for _, gone := range []string{"童child2", "真名child2", "guardian-child2", `"birth_year":2015`} {
			if strings.Contains(d.body, gone) {
				t.Errorf("personal field %s survived withdrawal: %s", gone, d.body)
			}
		}
		verifyCounts(t, e)
	})
}

// The export of a child with activity in every stage holds all of it.
func TestExportHoldsEverything(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id, token := e.newMember("busy", "忙忙")
		e.ids["busy"] = id
		e.ok(200, "POST", "/api/v1/consent/"+token, "", grant(map[string]bool{"photos": true}))
		e.signIn("busy", "/api/v1/auth/child/login", map[string]string{"body_code": e.codes["council"], "login_name": "busy", "pin": "1357"})
		e.ok(200, "POST", "/api/v1/me/assent", "busy", map[string]any{"agree": true})
		mine := e.propose("busy", "我的建议：清和公园的沙坑")
		needs := e.propose("child", "需求阶段的建议")
		e.ok(200, "PUT", "/api/v1/proposals/"+needs+"/support", "busy", nil)
		e.ok(201, "POST", "/api/v1/proposals/"+needs+"/comments", "busy", map[string]any{"body": "需求阶段的留言"})
		design := e.propose("child", "设计阶段的建议")
		opt := e.toStage(design, "design")[1]
		e.ok(200, "PUT", "/api/v1/proposals/"+design+"/vote", "busy", map[string]any{"option_id": opt})
		e.ok(201, "POST", "/api/v1/proposals/"+design+"/comments", "busy", map[string]any{"body": "设计阶段的留言", "option_id": opt})
		decision := e.propose("child", "公示阶段的建议")
		e.toStage(decision, "decision")
		e.ok(201, "POST", "/api/v1/proposals/"+decision+"/comments", "busy", map[string]any{"body": "公示期的留言"})
		eval := e.propose("child", "评估阶段的建议")
		e.toStage(eval, "evaluation")
		e.ok(201, "POST", "/api/v1/proposals/"+eval+"/evaluations", "busy", map[string]any{"ratings": map[string]int{"safety": 3, "fun": 4, "access": 5, "looks": 2}, "comment": "评估的话"})
		e.toStage(e.propose("child", "办结的建议"), "closed")

		r := e.ok(200, "GET", "/api/v1/consent/"+token+"/export", "", nil)
		for _, want := range []string{`"nickname":"忙忙"`, `"real_name":"王小雨"`, `"contact":"13800138000"`, `"body_name":"测试council"`,
			`"status":"active"`, `"photos":true`, "我的建议：清和公园的沙坑", `"proposal_id":"` + needs + `"`, "需求阶段的留言", "设计阶段的留言",
			"公示期的留言", `"option_title":"方案二：加攀爬网"`, `"looks":2`, "评估的话", `"login_name":"busy"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the export lacks %s", want)
			}
		}
		_ = mine
		if !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
			t.Error("the export is not offered as a file")
		}
	})
}

// Purge, with an injected clock, removes exactly the children whose terms ended more than the
// grace period ago, unless their consent was renewed since.
func TestPurge(t *testing.T) {
	for _, d := range modelstest.Dialects() {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			clock := modelstest.NewClock(time.Date(2025, 3, 1, 4, 0, 0, 0, time.UTC)) // during the old term
			s := modelstest.Open(t, d, clock, modelstest.FastHashing)
			sys := models.SystemActor()
			city, _ := s.CreateRegion(ctx, sys, models.RegionInput{Name: "吉林市", Kind: "city"})
			body := func(name, ends string) string {
				b, err := s.CreateBody(ctx, sys, models.BodyInput{Name: name, Kind: "council", RegionID: city.ID, TermEndsOn: ends})
				if err != nil {
					t.Fatal(err)
				}
				return b.ID
			}
			ended, current, open := body("上一届议事会", "2025-06-30"), body("本届议事会", "2026-12-31"), body("常设议事会", "")
			kid := func(login, bodyID string) string {
				m, err := s.AddMember(ctx, sys, bodyID, models.MemberInput{Nickname: login, LoginName: login, PIN: "1234", BirthYear: 2015, BirthMonth: 2})
				if err != nil {
					t.Fatal(err)
				}
				if err := s.RecordPaperConsent(ctx, sys, m.Child.ID, models.PaperConsent{GuardianName: "家长", Relation: "母亲", Reference: "P"}); err != nil {
					t.Fatal(err)
				}
				return m.Child.ID
			}
			old, renewed, both, now, always := kid("old", ended), kid("renewed", ended), kid("both", ended), kid("now", current), kid("always", open)
			if _, err := s.AddMember(ctx, sys, current, models.MemberInput{ChildID: both}); err != nil {
				t.Fatal(err)
			}
			// 2025-06-30 + 180 days is 2025-12-27: on 2026-01-10 the grace period is over.
			clock.Advance(time.Date(2026, 1, 10, 4, 0, 0, 0, time.UTC).Sub(clock.Now()))
			if err := s.RecordPaperConsent(ctx, sys, renewed, models.PaperConsent{GuardianName: "家长", Relation: "母亲", Reference: "RENEW"}); err != nil {
				t.Fatal(err)
			}
			n, err := s.Purge(ctx)
			if err != nil || n != 1 {
				t.Fatalf("purged %d (err %v), want exactly 1", n, err)
			}
			for id, purged := range map[string]bool{old: true, renewed: false, both: false, now: false, always: false} {
				d, err := s.ChildDetails(ctx, sys, id)
				if purged {
					// What stays is an empty record: no nickname, birth data or memberships.
					if err != nil || d.Nickname != "" || d.BirthYear != 0 || len(d.Memberships) != 0 || d.ConsentStatus != "withdrawn" {
						t.Errorf("%s after purge: %+v (err %v)", id, d, err)
					}
					continue
				}
				if err != nil || d.Nickname == "" {
					t.Errorf("%s was purged wrongly (err %v)", id, err)
				}
			}
			if _, err := s.ChildSignIn(ctx, "", "old", "1234", models.SignIn{}); err == nil {
				t.Error("a purged child can still sign in")
			}
			if n, _ := s.Purge(ctx); n != 0 {
				t.Errorf("a second purge found %d more", n)
			}
		})
	}
}

// An erased proposal's shell keeps no words, only its mark: every reader sees "withdrawn by its
// author" in their own language, wherever its title appears.
func TestErasedShellReadsInEachReadersLanguage(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		id := e.propose("child2", "图书馆多放恐龙书")
		e.ok(200, "PUT", "/api/v1/proposals/"+id+"/support", "child", nil)
		e.ok(200, "POST", "/api/v1/proposals/"+id+"/decision", "committee", map[string]any{"outcome": "adopted", "child_summary": "下个月就放。"})
		e.ok(200, "POST", "/api/v1/children/{child2}/consent/withdraw", "facilitator", map[string]any{"erase": true, "reference": "W-9"})
		e.ok(200, "PUT", "/api/v1/me", "child", map[string]any{"locale": "en"})
		for _, r := range []struct{ name, url, as, want string }{
			{"detail", "/api/v1/proposals/" + id + "?lang=en", "child", `"title":"withdrawn by its author"`},
			{"detail in Chinese", "/api/v1/proposals/" + id, "child", `"title":"已由作者撤回"`},
			{"public list", "/api/v1/public/proposals?lang=en", "", `"title":"withdrawn by its author"`},
			{"decisions", "/api/v1/public/decisions.json?lang=en", "", `"title":"withdrawn by its author"`},
			{"decisions in Chinese", "/api/v1/public/decisions.json", "", `"title":"已由作者撤回"`},
			{"feed", "/api/v1/public/feed.atom?lang=en", "", "<title>withdrawn by its author</title>"},
			{"the supporter's inbox, in their language", "/api/v1/notifications", "child", `"title":"withdrawn by its author"`},
			{"export", "/api/v1/stats/export.csv?lang=en", "committee", "withdrawn by its author"},
		} {
			body := e.ok(200, "GET", r.url, r.as, nil).body
			if !strings.Contains(body, r.want) {
				t.Errorf("%s lacks %s: %s", r.name, r.want, body)
			}
			if strings.Contains(body, "恐龙") || strings.Contains(r.want, "withdrawn") && strings.Contains(body, "已由作者撤回") {
				t.Errorf("%s shows what it must not: %s", r.name, body)
			}
		}
	})
}
