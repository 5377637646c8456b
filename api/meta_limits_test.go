package api_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"tongsheng/api"
	"tongsheng/models"
)

// getMeta reads the meta route into the type the server writes it from.
func getMeta(t *testing.T, e *env) api.Meta {
	t.Helper()
	r := e.ok(200, "GET", "/api/v1/meta", "", nil)
	var m api.Meta
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("meta is not JSON: %v", err)
	}
	return m
}

// Without signing in, a client learns the enums from the domain's own lists.
func TestMetaEnums(t *testing.T) {
	e := newEnv(t, "sqlite")
	m := getMeta(t, e)
	for name, pair := range map[string][2][]string{
		"stages":                {m.Stages, models.Stages},
		"categories":            {m.Categories, models.Categories},
		"safeguarding_outcomes": {m.SafeguardingOutcomes, models.Outcomes},
		"decision_outcomes":     {m.DecisionOutcomes, {models.OutcomeAdopted, models.OutcomePartly, models.OutcomeNotAdopted}},
		"evaluation_criteria":   {m.EvaluationCriteria, {"safety", "fun", "access", "looks"}},
		"proposal_sorts":        {m.ProposalSorts, {"newest", "oldest", "due", "supports"}},
	} {
		if !slices.Equal(pair[0], pair[1]) {
			t.Errorf("%s = %v, want %v", name, pair[0], pair[1])
		}
	}
	if n := m.Limits["notice_days"]; n.Max != models.MaxNoticeDays || n.Default == nil || *n.Default != models.DefaultNoticeDays {
		t.Errorf("notice_days = %+v", n)
	}
}

// The limits the meta route announces are the ones the rules enforce: at each end of each range a
// request just inside is accepted and one just outside is refused on that field. Comments are
// accepted in exactly the comment stages.
func TestMetaLimitsMatchRules(t *testing.T) {
	e := newEnv(t, "sqlite")
	m := getMeta(t, e)
	text := func(n int) string { return strings.Repeat("园", n) }
	fresh := func() string { return e.propose("child", "清和公园的秋千") }
	members := 0
	member := func(over map[string]any) map[string]any {
		members++
		b := newChild("probe" + strings.Repeat("x", members%10) + string(rune('a'+members/10)))
		for k, v := range over {
			b[k] = v
		}
		return b
	}
	link := func() string {
		r := e.ok(201, "POST", "/api/v1/bodies/{council}/members", "facilitator", member(nil))
		l := r.json()["consent"].(map[string]any)["link"].(string)
		return "/api/v1/consent/" + l[strings.LastIndex(l, "/")+1:]
	}
	type probe struct {
		limit, field string
		as, method   string
		url          func() string
		body         func(n int) any
		text         bool // a text of n characters; otherwise the number n
	}
	probes := []probe{
		{"title", "title", "child", "POST", func() string { return "/api/v1/proposals" },
			func(n int) any { return map[string]any{"body_id": "{council}", "title": text(n), "category": "park"} }, true},
		{"description", "description", "child", "POST", func() string { return "/api/v1/proposals" },
			func(n int) any {
				return map[string]any{"body_id": "{council}", "title": "秋千", "description": text(n), "category": "park"}
			}, true},
		{"comment", "body", "child", "POST", func() string { return "/api/v1/proposals/" + fresh() + "/comments" },
			func(n int) any { return map[string]any{"body": text(n)} }, true},
		{"child_summary", "child_summary", "committee", "POST", func() string { return "/api/v1/proposals/" + fresh() + "/decision" },
			func(n int) any { return map[string]any{"outcome": "adopted", "child_summary": text(n)} }, true},
		{"details", "details", "committee", "POST", func() string { return "/api/v1/proposals/" + fresh() + "/decision" },
			func(n int) any {
				return map[string]any{"outcome": "adopted", "child_summary": "好", "details": text(n)}
			}, true},
		{"responsible_unit", "responsible_unit", "committee", "POST", func() string { return "/api/v1/proposals/" + fresh() + "/decision" },
			func(n int) any {
				return map[string]any{"outcome": "adopted", "child_summary": "好", "responsible_unit": text(n)}
			}, true},
		{"notice_days", "notice_days", "committee", "POST", func() string { return "/api/v1/proposals/" + fresh() + "/decision" },
			func(n int) any { return map[string]any{"outcome": "adopted", "child_summary": "好", "notice_days": n} }, false},
		{"note", "note", "committee", "POST", func() string { return "/api/v1/proposals/" + fresh() + "/stage" },
			func(n int) any { return map[string]any{"to": "design", "note": text(n)} }, true},
		{"summary", "summary", "committee", "POST", func() string {
			id := fresh()
			e.toStage(id, "evaluation")
			return "/api/v1/proposals/" + id + "/stage"
		}, func(n int) any { return map[string]any{"to": "closed", "summary": text(max(n, 1))} }, true},
		{"nickname", "nickname", "facilitator", "POST", func() string { return "/api/v1/bodies/{council}/members" },
			func(n int) any { return member(map[string]any{"nickname": text(n)}) }, true},
		{"login_name", "login_name", "facilitator", "POST", func() string { return "/api/v1/bodies/{council}/members" },
			func(n int) any {
				return member(map[string]any{"login_name": strings.Repeat("q", n-1) + string(rune('a'+members%26))})
			}, true},
		{"pin", "pin", "facilitator", "POST", func() string { return "/api/v1/bodies/{council}/members" },
			func(n int) any { return member(map[string]any{"pin": strings.Repeat("7", n)}) }, true},
		{"guardian_name", "guardian_name", "", "POST", link,
			func(n int) any {
				return map[string]any{"decision": "grant", "guardian_name": text(n), "relation": "母亲"}
			}, true},
		{"relation", "relation", "", "POST", link,
			func(n int) any {
				return map[string]any{"decision": "grant", "guardian_name": "王芳", "relation": text(n)}
			}, true},
		{"response_days", "response_days", "admin", "POST", func() string { return "/api/v1/bodies" },
			func(n int) any {
				members++
				return map[string]any{"name": "探针议事会" + strings.Repeat("一", members%20+1), "kind": "council", "region_id": "{lecheng}", "response_days": n}
			}, false},
		{"rating", "ratings.safety", "child", "POST", func() string {
			id := e.propose("child2", "清和公园的跷跷板")
			e.toStage(id, "evaluation")
			return "/api/v1/proposals/" + id + "/evaluations"
		}, func(n int) any {
			return map[string]any{"ratings": map[string]int{"safety": n, "fun": 3, "access": 3, "looks": 3}}
		}, false},
	}
	for _, p := range probes {
		lim, ok := m.Limits[p.limit]
		if !ok {
			t.Errorf("meta has no limit %q", p.limit)
			continue
		}
		ends := [][2]int{{lim.Max, lim.Max + 1}}
		if lim.Min > 0 || !p.text {
			ends = append(ends, [2]int{lim.Min, lim.Min - 1})
		}
		for _, end := range ends {
			inside, outside := end[0], end[1]
			if p.text && outside < 0 {
				continue
			}
			url := p.url()
			if r := e.do(p.method, url, e.tokens[p.as], p.body(outside), nil); r.status != 422 || !strings.Contains(r.body, `"`+p.field+`"`) {
				t.Errorf("%s = %d (just outside %d–%d): %d %s, want 422 on %s", p.limit, outside, lim.Min, lim.Max, r.status, r.body, p.field)
			}
			if p.limit == "rating" && inside == lim.Max {
				url = p.url() // a child rates a proposal once
			}
			if r := e.do(p.method, url, e.tokens[p.as], p.body(inside), nil); r.status >= 300 {
				t.Errorf("%s = %d (inside %d–%d): %d %s", p.limit, inside, lim.Min, lim.Max, r.status, r.body)
			}
		}
	}

	for _, stage := range m.Stages {
		id := fresh()
		e.toStage(id, stage)
		r := e.do("POST", "/api/v1/proposals/"+id+"/comments", e.tokens["child2"], map[string]any{"body": "我也这么想"}, nil)
		if open := slices.Contains(m.CommentStages, stage); open != (r.status == 201) {
			t.Errorf("a comment in %s: %d, but comment_stages is %v", stage, r.status, m.CommentStages)
		}
	}
}

// The web app names every enum value the meta route lists through the catalog (t("stage." + s)
// and the like): each has a message in every language.
func TestMetaEnumsTranslated(t *testing.T) {
	e := newEnv(t, "sqlite")
	m := getMeta(t, e)
	cat := loadCatalog(t)
	for _, lang := range []string{"zh-CN", "en"} {
		msgs, _ := cat.Messages(lang)
		for prefix, values := range map[string][]string{
			"stage.": m.Stages, "category.": m.Categories, "outcome.": m.DecisionOutcomes,
			"safeguarding_outcome.": m.SafeguardingOutcomes, "criterion.": m.EvaluationCriteria,
		} {
			for _, v := range values {
				if msgs[prefix+v] == "" {
					t.Errorf("%s has no message %s%s", lang, prefix, v)
				}
			}
		}
	}
}
