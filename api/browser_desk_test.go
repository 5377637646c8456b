package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"tongsheng/models"
	"tongsheng/models/modelstest"
)

// deskCity is a council with proposals as a committee finds them on a Monday: one long overdue
// (in a drill body whose deadline is at once), others due in weeks, supported or not.
func deskCity(t *testing.T, e *env) (overdue string, fresh []string) {
	t.Helper()
	zero := 0
	b, err := e.store.CreateBody(context.Background(), sys, models.BodyInput{Name: "测试drill", Kind: models.BodyCouncil,
		RegionID: e.ids["lecheng"], TermEndsOn: "2027-08-31", ResponseDays: &zero})
	e.must(err)
	e.ids["drill"], e.codes["drill"] = b.ID, b.JoinCode
	e.child("drill_kid", "drill", true)
	overdue = e.propose2("drill_kid", "drill", "操场边的秋千想要换新的")
	for _, title := range []string{"图书馆周末也开门", "放学路上加一个红绿灯", "儿童之家要一个绘本角", "公园的厕所太远了"} {
		fresh = append(fresh, e.propose("child", title))
	}
	e.ok(200, "PUT", "/api/v1/proposals/"+fresh[1]+"/support", "child2", nil)
	return overdue, fresh
}

// setSelect chooses a value in a select as a person does, so that its change handler runs.
func (b *browser) setSelect(testid, value string) {
	b.t.Helper()
	b.run(chromedp.Evaluate(fmt.Sprintf(`(() => { const s = document.querySelector('[data-testid=%q]'); s.value = %q; s.dispatchEvent(new Event("change")); })()`, testid, value), nil))
}

// rowIDs are the proposal IDs of the desk list's rows, top to bottom.
func (b *browser) rowIDs() []string {
	b.t.Helper()
	var ids []string
	b.run(chromedp.Evaluate(`[...document.querySelectorAll('[data-testid="desk-row"]')].map(r => r.dataset.id)`, &ids))
	return ids
}

// A committee member finds an overdue proposal by search, sorts by due date, moves three
// proposals at once and publishes a decision, each with a confirmation on screen.
func TestBrowserDeskCommitteeJourney(t *testing.T) {
	e, base := browserEnv(t)
	overdue, fresh := deskCity(t, e)
	b := newBrowser(t, e, base, 1366, 768)
	b.open("/staff")
	b.staffSignIn("committee")

	b.typeInto("desk-search", "秋千")
	b.click("desk-search-go")
	b.waitText(sel("desk-count"), "共 1 条")
	if ids := b.rowIDs(); len(ids) != 1 || ids[0] != overdue {
		t.Fatalf("the search found %v, want the overdue proposal", ids)
	}
	b.waitText(sel("days-left"), "超期")
	var late bool
	b.run(chromedp.Evaluate(`document.querySelector('[data-testid="days-left"]').classList.contains("late") && getComputedStyle(document.querySelector('[data-testid="days-left"]')).backgroundColor === "rgb(253, 236, 236)"`, &late))
	if !late {
		t.Error("the overdue proposal's days are not shown in red")
	}
	b.shot("desk-search-1366")

	b.click("desk-clear")
	b.waitText(sel("desk-count"), "共 5 条")
	b.click("desk-overdue")
	b.waitText(sel("desk-count"), "共 1 条")
	b.click("desk-clear")
	b.waitText(sel("desk-count"), "共 5 条")
	b.setSelect("desk-sort", "due")
	b.run(chromedp.WaitVisible(`[data-testid="desk-row"]`, chromedp.ByQuery))
	for range 50 { // the list redraws in the new order
		if ids := b.rowIDs(); len(ids) == 5 && ids[0] == overdue && ids[1] == fresh[0] {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if ids := b.rowIDs(); len(ids) != 5 || ids[0] != overdue || ids[1] != fresh[0] {
		t.Fatalf("sorted by due date: %v; want the overdue one first, then the earliest deadline", ids)
	}
	var amber int
	b.run(chromedp.Evaluate(`document.querySelectorAll('[data-testid="days-left"].open, [data-testid="days-left"].soon').length`, &amber))
	if amber != 4 {
		t.Errorf("%d proposals show days left, want 4", amber)
	}
	b.shot("desk-sorted-1366")

	// Three at once into design; the answer says what became of each.
	for _, id := range fresh[:3] {
		b.clickOn(fmt.Sprintf(`[data-id=%q] [data-testid="pick"]`, id))
	}
	b.waitText(sel("bulk-move"), "3")
	b.setSelect("bulk-to", "design")
	b.typeInto("bulk-note", "一起请设计师出方案")
	b.click("bulk-move")
	b.waitText(sel("bulk-result"), "已移到「方案制定」：3 条")
	b.shot("desk-bulk-1366")
	for _, id := range fresh[:3] {
		if d := e.ok(200, "GET", "/api/v1/proposals/"+id, "committee", nil); !strings.Contains(d.body, `"stage":"design"`) || !strings.Contains(d.body, "一起请设计师出方案") {
			t.Fatalf("%s was not moved with its note: %s", id, d.body)
		}
	}

	// A decision on one of them, once it has two options.
	for _, title := range []string{"方案一：周六开门", "方案二：周六周日都开"} {
		e.ok(201, "POST", "/api/v1/proposals/"+fresh[0]+"/options", "committee", map[string]any{"title": title})
	}
	b.clickOn(fmt.Sprintf(`[data-id=%q] a`, fresh[0]))
	b.waitText(sel("desk-stage"), "方案制定")
	b.waitText(sel("childs-words"), "清和公园东门的滑梯坏了")
	b.run(chromedp.WaitVisible(sel("next-action")+" "+sel("publish-decision"), chromedp.ByQuery))
	b.typeInto("decision-summary", "图书馆从下个月起周六也开门。")
	b.shot("desk-decision-1366")
	b.click("publish-decision")
	b.waitText(sel("confirmation"), "决策已发布")
	b.waitText(sel("desk-stage"), "决策公示")
	b.shot("desk-published-1366")
	if d := e.ok(200, "GET", "/api/v1/proposals/"+fresh[0], "committee", nil); !strings.Contains(d.body, `"stage":"decision"`) {
		t.Fatalf("not in decision: %s", d.body)
	}
	b.checkClean()
}

// A facilitator issues a new link for one child and copies it, prints letters without
// invalidating that link, records paper consent, and resets a locked child's PIN, after which
// the child signs in.
func TestBrowserDeskFacilitatorJourney(t *testing.T) {
	clock := modelstest.NewClock(time.Now())
	e, base := browserEnvWith(t, clock)
	e.propose("child", "清和公园的滑梯坏了") // the desk opens on a list with something in it
	e.ids["oldkid"], _ = e.newMember("oldkid", "旧旧")
	e.advance(15 * 24 * time.Hour) // oldkid's and child_pending's links have expired
	e.ids["linkkid"], _ = e.newMember("linkkid", "链链")
	e.ids["paperkid"], _ = e.newMember("paperkid", "纸纸")
	login := map[string]string{"body_code": e.codes["council"], "login_name": "child2", "pin": "0000"}
	for range 5 {
		e.do("POST", "/api/v1/auth/child/login", "", login, nil)
	}

	b := newBrowser(t, e, base, 768, 1024)
	b.run(cdpbrowser.GrantPermissions([]cdpbrowser.PermissionType{cdpbrowser.PermissionTypeClipboardReadWrite, cdpbrowser.PermissionTypeClipboardSanitizedWrite}).WithOrigin(base))
	b.open("/staff")
	b.staffSignIn("facilitator")
	b.open("/staff/members/" + e.ids["council"])
	row := func(login string) string { return fmt.Sprintf(`[data-testid="member-row"][data-login=%q]`, login) }
	b.waitText(row("oldkid")+` [data-testid="link-times"]`, "没有有效链接")
	b.waitText(row("child2")+` [data-testid="lock"]`, "已锁定")
	b.shot("desk-members-tablet")

	// A new link for linkkid alone, copied.
	b.clickOn(row("linkkid") + ` [data-testid="manage-child"]`)
	b.click("new-link")
	b.run(chromedp.WaitVisible(sel("new-link-url"), chromedp.ByQuery))
	var link string
	b.run(chromedp.Text(sel("new-link-url"), &link, chromedp.ByQuery))
	b.click("copy-link")
	b.waitText(sel("child-panel"), "已复制")
	var copied string
	b.run(chromedp.Evaluate(`navigator.clipboard.readText()`, &copied, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if copied != link || !strings.Contains(link, "/consent/") {
		t.Fatalf("copied %q, the link is %q", copied, link)
	}
	b.shot("desk-new-link-tablet")
	token := link[strings.LastIndex(link, "/")+1:]

	// Letters: only for the children without a live link; linkkid's new link keeps working.
	b.click("print-letters")
	b.run(chromedp.WaitVisible(".letter svg.qr", chromedp.ByQuery))
	var names string
	b.run(chromedp.Evaluate(`[...document.querySelectorAll(".letter")].map(l => l.textContent).join(" ")`, &names))
	if !strings.Contains(names, "旧旧") || strings.Contains(names, "链链") || strings.Contains(names, "纸纸") {
		t.Errorf("letters for the wrong children: %s", names)
	}
	b.waitText("main", "2 个孩子已有有效链接")
	b.shot("desk-letters-tablet")
	if r := e.do("GET", "/api/v1/consent/"+token, "", nil, nil); r.status != 200 {
		t.Fatalf("printing letters killed the link just handed out: %d", r.status)
	}
	b.click("letters-back")

	// Paper consent for paperkid.
	b.clickOn(row("paperkid") + ` [data-testid="manage-child"]`)
	panel := row("paperkid") + ` + tr [data-testid="child-panel"] `
	b.typeOn(panel+sel("paper-guardian"), "李华")
	b.typeOn(panel+sel("paper-relation"), "父亲")
	b.typeOn(panel+sel("paper-reference"), "LC-2026-031")
	b.clickOn(panel + sel("paper-consent"))
	b.waitText(sel("confirmation"), "已记录 纸纸 的纸质同意书")
	b.waitText(row("paperkid"), "已同意")
	if s := e.childStatus("paperkid"); s != "active" {
		t.Fatalf("paperkid's consent after the paper form: %s", s)
	}

	// The locked child: a new PIN lifts the lock.
	b.clickOn(row("child2") + ` [data-testid="manage-child"]`)
	panel = row("child2") + ` + tr [data-testid="child-panel"] `
	b.waitText(panel, "立刻解锁")
	b.typeOn(panel+sel("new-pin"), "8642")
	b.clickOn(panel + sel("reset-pin"))
	b.waitText(sel("confirmation"), "PIN 已重设")
	b.waitText(row("child2")+` [data-testid="lock"]`, "可以登录")
	b.shot("desk-pin-reset-tablet")

	// A guardian's withdrawal on paper, confirmed before it is recorded.
	b.clickOn(row("oldkid") + ` [data-testid="manage-child"]`)
	panel = row("oldkid") + ` + tr [data-testid="child-panel"] `
	b.clickOn(panel + "details summary")
	b.typeOn(panel+sel("withdraw-reference"), "W-2026-002")
	b.clickOn(panel + sel("paper-withdraw"))
	b.waitText(panel, "请先勾选确认")
	if s := e.childStatus("oldkid"); s != "pending" {
		t.Fatalf("withdrawn without the confirmation: %s", s)
	}
	b.clickOn(panel + sel("withdraw-sure"))
	b.clickOn(panel + sel("paper-withdraw"))
	b.waitText(sel("confirmation"), "已记录撤回")
	if s := e.childStatus("oldkid"); s != "withdrawn" {
		t.Fatalf("oldkid after the paper withdrawal: %s", s)
	}
	b.checkClean()

	c := newBrowser(t, e, base, 768, 1024)
	c.childSignIn(e.codes["council"], "child2", "8642")
	c.checkClean()
}

// Every desk screen at a laptop's 1366×768, a tablet and a phone, in both languages: nothing
// wider than the screen, and the contrast, target, name and axe-core checks of shot.
func TestBrowserDeskScreens(t *testing.T) {
	e, base := browserEnv(t)
	overdue, fresh := deskCity(t, e)
	e.toStage(fresh[3], "design")
	e.propose("child2", "<b>粗体</b>的标题也只是文字")
	// A body that reviews everything first: one text waits, one was approved.
	pre, err := e.store.CreateBody(context.Background(), sys, models.BodyInput{Name: "测试pre", Kind: models.BodyCouncil,
		RegionID: e.ids["lecheng"], TermEndsOn: "2027-08-31", ModerationMode: models.ModerationPre})
	e.must(err)
	e.ids["pre"], e.codes["pre"] = pre.ID, pre.JoinCode
	e.child("pre_kid", "pre", true)
	e.propose2("pre_kid", "pre", "图书馆的椅子太高了")
	e.propose2("pre_kid", "pre", "阅览室要一盏台灯")
	first := e.ok(200, "GET", "/api/v1/moderation/queue", "admin", nil).json()["items"].([]any)[0].(map[string]any)["id"].(string)
	e.ok(200, "POST", "/api/v1/moderation/items/"+first, "admin", map[string]any{"action": "approve"})
	for _, size := range append([]struct {
		name          string
		width, height int64
	}{{"laptop", 1366, 768}}, screens...) {
		for _, lang := range []string{"zh-CN", "en"} {
			t.Run(size.name+"-"+lang, func(t *testing.T) {
				b := newBrowser(t, e, base, size.width, size.height)
				b.open("/staff")
				b.setLang(lang)
				b.open("/staff")
				b.staffSignIn("admin")
				name := func(s string) string { return fmt.Sprintf("desk-%s-%s-%s", s, size.name, lang) }
				b.open("/staff?sort=due")
				b.run(chromedp.WaitVisible(sel("desk-row"), chromedp.ByQuery))
				b.clickOn(sel("pick"))
				b.shot(name("list"))
				b.open("/staff/proposals/" + overdue)
				b.run(chromedp.WaitVisible(sel("next-action"), chromedp.ByQuery))
				b.clickOn(sel("more-decision") + " summary")
				b.shot(name("proposal"))
				b.open("/staff/proposals/" + fresh[3])
				b.run(chromedp.WaitVisible(sel("publish-decision"), chromedp.ByQuery))
				b.shot(name("proposal-design"))
				b.open("/staff/members/" + e.ids["council"])
				b.run(chromedp.WaitVisible(sel("member-row"), chromedp.ByQuery))
				b.clickOn(sel("manage-child"))
				b.run(chromedp.WaitVisible(sel("child-panel"), chromedp.ByQuery))
				b.shot(name("members"))
				b.open("/staff/queue")
				b.run(chromedp.WaitVisible(sel("queue-item"), chromedp.ByQuery), chromedp.WaitVisible(sel("decided-item"), chromedp.ByQuery))
				b.shot(name("queue"))
				b.open("/staff/audit?action=proposal.stage")
				b.run(chromedp.WaitVisible(sel("audit-row"), chromedp.ByQuery))
				b.shot(name("audit"))
				b.checkClean()
			})
		}
	}
}
