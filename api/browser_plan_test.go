package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"tongsheng/models"
)

// A facilitator records a council meeting with attendance, enters the show-of-hands result of
// a proposal in design and logs a training; the committee sets the year's targets from the 乐清
// preset, and the dashboard shows the new figures against them, with a township without a body
// listed as uncovered. Every screen is checked at desktop size, the dashboard and the printable
// page also in both languages at tablet and phone sizes.
func TestBrowserMeetingsAndTargets(t *testing.T) {
	e, base := browserEnv(t)
	_, err := e.store.CreateRegion(context.Background(), sys, models.RegionInput{Name: "虹桥镇", Kind: "township", ParentID: e.ids["yueqing"]})
	e.must(err)
	id := e.propose("child", "清和公园的秋千坏了")
	opts := e.toStage(id, "design")
	e.ok(200, "PUT", "/api/v1/proposals/"+id+"/vote", "child", map[string]any{"option_id": opts[0]}) // one tablet vote
	year := fmt.Sprint(time.Now().In(e.store.Location()).Year())

	b := newBrowser(t, e, base, 1366, 768)
	b.open("/staff")
	b.staffSignIn("facilitator")
	b.open("/staff/plan")
	b.run(chromedp.WaitVisible(sel("plan-meeting"), chromedp.ByQuery))
	b.shot("plan-home-facilitator")

	// The meeting, with the proposal on the agenda and the room's numbers.
	b.open("/staff/plan/meeting?body=" + e.ids["council"])
	b.run(chromedp.WaitVisible(sel("save-meeting"), chromedp.ByQuery))
	b.clickOn(`label[for="agenda-0"]`)
	b.typeInto("meeting-free-items", "下学期的议事活动")
	for field, n := range map[string]string{"att-girls": "9", "att-boys": "8", "att-staff": "2", "att-guests": "1"} {
		b.run(chromedp.SetValue(sel(field), n, chromedp.ByQuery))
	}
	b.typeInto("meeting-minutes", "大家看了两个方案，举手表决选了换新秋千。")
	b.shot("plan-meeting-form")
	b.click("save-meeting")
	b.waitText(sel("meeting-saved"), "会议记录已保存")
	b.waitText(sel("meetings"), "女孩 9 · 男孩 8")
	meetings := e.ok(200, "GET", "/api/v1/bodies/{council}/meetings", "facilitator", nil)
	if !strings.Contains(meetings.body, `"attendance":{"girls":9,"boys":8,"staff":2,"guests":1}`) || !strings.Contains(meetings.body, "清和公园的秋千坏了") {
		t.Fatalf("the meeting as stored: %s", meetings.body)
	}
	meetingID := meetings.json()["items"].([]any)[0].(map[string]any)["id"].(string)

	// A child said a proposal aloud in the meeting: the facilitator enters it for the child.
	b.click("raise-proposal")
	b.run(chromedp.WaitVisible(sel("save-raise"), chromedp.ByQuery), chromedp.SetValue(sel("raise-child"), e.ids["child2"], chromedp.ByQuery),
		chromedp.SetValue(sel("raise-category"), "library", chromedp.ByQuery))
	b.typeInto("raise-title", "图书角加一排矮书架")
	b.shot("plan-raise")
	b.click("save-raise")
	b.waitText("main", "是这个孩子的建议")
	if mine := e.ok(200, "GET", "/api/v1/proposals?mine=true", "child2", nil); !strings.Contains(mine.body, "图书角加一排矮书架") {
		t.Fatalf("child2 does not find the proposal raised in the meeting as its own: %s", mine.body)
	}

	// The show-of-hands result of that meeting, beside the tablet vote.
	b.open("/staff/plan/hands")
	b.click("hands-proposal")
	b.run(chromedp.WaitVisible(sel("save-hands"), chromedp.ByQuery))
	b.run(chromedp.SetValue("#hands-0", "12", chromedp.ByQuery), chromedp.SetValue("#hands-1", "5", chromedp.ByQuery),
		chromedp.SetValue(sel("hands-meeting"), meetingID, chromedp.ByQuery))
	b.click("save-hands")
	b.waitText(sel("hands-saved"), "分开统计")
	b.waitText(sel("tally"), "方案一：换新滑梯112方案二：加攀爬网05合计117")
	b.waitText(sel("hands-entries"), "facilitator")
	b.shot("plan-hands")
	res := e.ok(200, "GET", "/api/v1/proposals/"+id+"/results", "committee", nil).json()
	if res["total"] != 1.0 || res["paper_total"] != 17.0 {
		t.Fatalf("tablet total %v, paper total %v; want 1 and 17 kept apart", res["total"], res["paper_total"])
	}

	// A training in the council's township.
	b.open("/staff/plan/activity")
	b.run(chromedp.WaitVisible(sel("save-activity"), chromedp.ByQuery),
		chromedp.SetValue(sel("activity-kind"), "training", chromedp.ByQuery),
		chromedp.SetValue(sel("activity-region"), e.ids["lecheng"], chromedp.ByQuery),
		chromedp.SetValue("#act-girls", "6", chromedp.ByQuery), chromedp.SetValue("#act-boys", "5", chromedp.ByQuery), chromedp.SetValue("#act-staff", "3", chromedp.ByQuery))
	b.typeInto("activity-title", "儿童议事规则专题培训")
	b.typeInto("activity-organiser", "乐成街道妇联")
	b.click("save-activity")
	b.waitText(sel("activity-saved"), "儿童议事规则专题培训")
	b.waitText(sel("activities"), "专题培训")
	b.shot("plan-activity")

	// The facilitator records one member's sex for the split.
	b.open("/staff/plan/sexes?body=" + e.ids["council"])
	b.run(chromedp.WaitVisible(sel("member-sex"), chromedp.ByQuery),
		chromedp.SetValue(fmt.Sprintf(`[data-child="%s"]`, e.ids["child"]), "female", chromedp.ByQuery),
		chromedp.Evaluate(fmt.Sprintf(`document.querySelector('[data-child="%s"]').dispatchEvent(new Event("change"))`, e.ids["child"]), nil))
	b.waitText(sel("sex-saved"), "已保存")
	b.shot("plan-sexes")
	if d := e.ok(200, "GET", "/api/v1/children/{child}", "facilitator", nil); !strings.Contains(d.body, `"sex":"female"`) {
		t.Fatalf("the member's sex is not recorded: %s", d.body)
	}
	b.checkClean()

	// The committee sets the year's targets from the 乐清 preset and reads the dashboard.
	c := newBrowser(t, e, base, 1366, 768)
	c.open("/staff")
	c.staffSignIn("committee")
	c.open("/staff/plan/targets?region=" + e.ids["yueqing"] + "&year=" + year)
	c.run(chromedp.WaitVisible(sel("fill-preset"), chromedp.ByQuery), chromedp.SetValue(sel("plan-preset"), "yueqing", chromedp.ByQuery))
	c.click("fill-preset")
	var filled []string
	c.run(chromedp.Evaluate(`["body_coverage","activities","trainings","studies","on_time_rate"].map(k => document.querySelector('[data-testid="target-' + k + '"]').value)`, &filled))
	if strings.Join(filled, ",") != "100,3,1,1," {
		t.Fatalf("the 乐清 preset filled %v", filled)
	}
	c.shot("plan-targets")
	c.click("save-targets")
	c.run(chromedp.WaitVisible(sel("dashboard-targets"), chromedp.ByQuery))
	c.waitText(`[data-kind="trainings"] [data-testid="figure"]`, "1")
	c.waitText(`[data-kind="body_coverage"] [data-testid="figure"]`, "50%")
	c.waitText(`[data-kind="body_coverage"]`, "落后")
	c.waitText(`[data-kind="body_coverage"]`, "虹桥镇")
	c.waitText(`[data-covered="no"]`, "虹桥镇")
	c.waitText(`[data-covered="no"]`, "未覆盖")
	c.waitText(sel("split-sex"), "<5")
	c.shot("plan-dashboard-desktop")
	c.tabThrough("plan dashboard")
	c.click("plan-print")
	c.waitText("h1", "儿童参与工作监测")
	c.shot("plan-print-desktop")
	c.checkClean()
	m := e.ok(200, "GET", "/api/v1/regions/{yueqing}/targets/"+year, "committee", nil).json()
	if items := m["items"].([]any); len(items) != 4 {
		t.Fatalf("the 乐清 preset sets four targets: %v", items)
	}

	for _, s := range screens {
		for _, lang := range []string{"zh-CN", "en"} {
			d := newBrowser(t, e, base, s.width, s.height)
			d.open("/staff")
			d.setLang(lang)
			d.open("/staff")
			d.staffSignIn("committee")
			d.open("/staff/plan/dashboard?region=" + e.ids["yueqing"] + "&year=" + year)
			d.run(chromedp.WaitVisible(sel("coverage"), chromedp.ByQuery))
			if lang == "en" {
				d.waitText(`[data-covered="no"]`, "Not covered")
			}
			d.shot(fmt.Sprintf("plan-dashboard-%s-%s", s.name, lang))
			d.open("/staff/plan/print?region=" + e.ids["yueqing"] + "&year=" + year)
			d.run(chromedp.WaitVisible(sel("coverage"), chromedp.ByQuery))
			d.shot(fmt.Sprintf("plan-print-%s-%s", s.name, lang))
			d.open("/staff/plan/meeting")
			d.run(chromedp.WaitVisible(sel("save-meeting"), chromedp.ByQuery))
			d.shot(fmt.Sprintf("plan-meeting-%s-%s", s.name, lang))
			d.checkClean()
		}
	}
}
