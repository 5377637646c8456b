package api_test

import (
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// The desk offers exactly the stage changes the server accepts: a proposal is walked through
// every stage by the offered moves alone, and at each stage the offer equals the detail's moves.
func TestBrowserDeskOffersTheServersMoves(t *testing.T) {
	e, base := browserEnv(t)
	id := e.propose("child", "操场边加一排洗手池")
	b := newBrowser(t, e, base, 1280, 900)
	b.open("/staff")
	b.staffSignIn("committee")
	page := "/staff/proposals/" + id
	// offered checks the desk's stage list against the server's moves, and the decision form
	// against a move that needs a decision.
	offered := func(stage string) {
		t.Helper()
		b.open(page)
		b.waitText(".meta", stage)
		var changes []string
		var decisionForm bool
		b.run(chromedp.Evaluate(`[...document.querySelectorAll('[data-testid="stage-to"] option')].map(o => o.value)`, &changes),
			chromedp.Evaluate(`!!document.querySelector('[data-testid="publish-decision"]')`, &decisionForm))
		var want []string
		wantDecision := false
		for _, m := range e.moves(id, "committee") {
			switch m[1] {
			case "none", "summary":
				want = append(want, m[0])
			case "decision":
				wantDecision = true
			}
		}
		if !slices.Equal(changes, want) && len(changes)+len(want) > 0 {
			t.Fatalf("in %s the desk offers %v, the server %v", stage, changes, want)
		}
		if decisionForm != wantDecision {
			t.Fatalf("in %s the desk shows the decision form: %v, the server offers a decision: %v", stage, decisionForm, wantDecision)
		}
	}
	// move makes an offered move and waits until the page shows the stage it went to.
	move := func(to, stage string) {
		t.Helper()
		b.run(chromedp.SetValue(sel("stage-to"), to, chromedp.ByQuery))
		b.click("move-stage")
		b.waitText(".meta", stage)
	}

	offered("需求表达")
	move("design", "方案制定")
	offered("方案制定") // no decision before two options
	for _, title := range []string{"方案一：六个洗手池", "方案二：四个洗手池"} {
		e.ok(201, "POST", "/api/v1/proposals/"+id+"/options", "committee", map[string]any{"title": title})
	}
	offered("方案制定")
	b.typeInto("decision-summary", "我们会在操场边装六个洗手池。")
	b.click("publish-decision")
	b.waitText(".meta", "决策公示")
	offered("决策公示") // adopted: to evaluation, never straight to closed
	move("evaluation", "评估反馈")
	offered("评估反馈")
	b.typeOn("#stage-summary", "洗手池已经装好了。")
	move("closed", "已办结")
	offered("已办结")
	b.checkClean()
}
