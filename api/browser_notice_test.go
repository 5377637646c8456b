package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// decodeQR reads the QR code the element css shows, as a phone's camera would. The code is
// drawn at 6 px a module first: at the sheet's size a module is a fraction of a pixel more or
// less than 4 on screen, and uneven modules make the reader's result depend on the code.
func (b *browser) decodeQR(css string) string {
	b.t.Helper()
	var shot []byte
	b.run(chromedp.Evaluate(fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		const side = el.viewBox.baseVal.width * 6;
		el.style.width = el.style.height = side + "px";
	})()`, css), nil))
	b.run(chromedp.ScrollIntoView(css, chromedp.ByQuery), chromedp.Screenshot(css, &shot, chromedp.ByQuery))
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		b.t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		b.t.Fatal(err)
	}
	// A screenshot of the code is upright and clean, with its quiet zone: read it as a pure code,
	// module by module, rather than searching for its finder patterns (which can misjudge its size).
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		b.t.Fatalf("the QR code on the page does not decode: %v", err)
	}
	return res.GetText()
}

// location is the address the browser shows.
func (b *browser) location() string {
	b.t.Helper()
	var href string
	b.run(chromedp.Evaluate(`location.href`, &href))
	return href
}

// apiCalls lists the API addresses the pages fetched.
func (b *browser) apiCalls() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, id := range b.order {
		if u := b.fetched[id].url; strings.Contains(u, "/api/") {
			out = append(out, u)
		}
	}
	return out
}

// The public notice as anyone opens it, without signing in: the board, a proposal's page and its
// printed notice, in both languages, on a desktop and a phone. The printed notice's
// QR code decodes to the page's address, every screen passes the accessibility checks (axe-core
// included), and the pages load nothing but the public API.
func TestBrowserPublicNotice(t *testing.T) {
	e, base := browserEnv(t)
	e.publicMember("mingming", "明明", true)
	onNotice := e.propose("mingming", "清和公园东门加一台饮水机")
	e.decide(onNotice, 7, "我们会在东门装一台饮水机，夏天就能用上。")
	voted := e.propose("child2", "爱心斑马线刷成彩色")
	opts := e.toStage(voted, "design")
	e.ok(200, "PUT", "/api/v1/proposals/"+voted+"/vote", "mingming", map[string]any{"option_id": opts[0]})
	e.ok(200, "PUT", "/api/v1/proposals/"+voted+"/vote", "child2", map[string]any{"option_id": opts[0]})
	e.ok(200, "POST", "/api/v1/proposals/"+voted+"/decision", "committee", map[string]any{"outcome": "partly_adopted",
		"child_summary": "斑马线会刷成两种颜色，再加一盏闪灯。", "responsible_unit": "市交通运输局", "planned_completion": "2026-12-31"})
	done := e.propose("child2", "儿童之家周末也开门")
	e.toStage(done, "evaluation")
	e.ok(201, "POST", "/api/v1/proposals/"+done+"/evaluations", "mingming", map[string]any{"ratings": map[string]int{"safety": 5, "fun": 4, "access": 4, "looks": 5}})
	e.ok(201, "POST", "/api/v1/proposals/"+done+"/inspections", "facilitator", map[string]any{
		"items": []map[string]any{{"item": "地面平整", "ok": true, "note": ""}}, "summary": "周六上午开门了。"})
	e.propose("child", "图书馆周末多开一小时")

	sizes := []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}}
	words := map[string]map[string]string{
		"zh-CN": {"board": "公示栏", "anon": "一位同学", "named": "明明 · ", "days": "公示还剩 7 天", "sheet": "决策公示", "votes": "投票结果", "ratings": "大家的评分"},
		"en":    {"board": "Notice board", "anon": "a participant", "named": "明明 · age ", "days": "7 days left on public notice", "sheet": "Public notice of a decision", "votes": "Vote results", "ratings": "Everyone's ratings"},
	}
	for _, size := range sizes {
		for _, lang := range []string{"zh-CN", "en"} {
			t.Run(size.name+"-"+lang, func(t *testing.T) {
				w := words[lang]
				name := func(s string) string { return fmt.Sprintf("notice-%s-%s-%s", s, size.name, lang) }
				b := newBrowser(t, e, base, size.width, size.height)
				b.open("/notice?lang=" + lang)
				b.run(chromedp.WaitVisible(sel("part-notice"), chromedp.ByQuery))
				b.waitText("h1", w["board"])
				var htmlLang, title string
				b.run(chromedp.Evaluate(`document.documentElement.lang`, &htmlLang), chromedp.Title(&title))
				if htmlLang != lang || !strings.Contains(title, w["board"]) {
					t.Errorf("the board is in %q with the title %q", htmlLang, title)
				}
				b.waitText(sel("part-notice"), w["named"])
				b.waitText(sel("part-notice"), w["days"])
				b.waitText(sel("part-notice"), w["anon"])
				b.waitText(sel("part-progress"), "图书馆周末多开一小时")
				b.shot(name("board"))

				b.clickOn(`a[href^="/notice/proposals/` + onNotice + `"]`)
				b.waitText(sel("decision"), "我们会在东门装一台饮水机")
				b.waitText(sel("decision"), "市住建局")
				b.waitText(sel("children-words"), "清和公园东门的滑梯坏了")
				b.run(chromedp.WaitVisible(".stepper", chromedp.ByQuery))
				b.shot(name("proposal"))
				pageURL := b.location()
				if want := base + "/notice/proposals/" + onNotice + map[string]string{"zh-CN": "", "en": "?lang=en"}[lang]; pageURL != want {
					t.Errorf("the proposal's page is at %s, want %s", pageURL, want)
				}

				b.click("print-link")
				b.run(chromedp.WaitVisible(".sheet svg.sheet-qr", chromedp.ByQuery))
				b.waitText(sel("sheet"), w["sheet"])
				b.waitText(sel("sheet"), "市住建局")
				b.shot(name("print"))
				if got := b.decodeQR(".sheet svg.sheet-qr"); got != pageURL {
					t.Errorf("the printed notice's QR code reads %q, want the page's address %q", got, pageURL)
				}

				b.open(fmt.Sprintf("/notice/proposals/%s?lang=%s", voted, lang))
				b.waitText(sel("vote-results"), w["votes"])
				b.waitText(sel("vote-results"), "100%")
				b.shot(name("results"))
				b.open(fmt.Sprintf("/notice/proposals/%s?lang=%s", done, lang))
				b.waitText(sel("evaluation-results"), w["ratings"])
				b.waitText(sel("evaluation-results"), "周六上午开门了。")
				b.shot(name("evaluation"))

				for _, u := range b.apiCalls() {
					if !regexp.MustCompile(`/api/v1/(public/|i18n/|meta$)`).MatchString(u) {
						t.Errorf("a notice page called %s, outside the public API", u)
					}
				}
				b.checkClean()
			})
		}
	}

	t.Run("the printed notice is one clean A4 page, even at the longest", func(t *testing.T) {
		fill := func(unit string, n int) string { return string([]rune(strings.Repeat(unit, n))[:n]) }
		long := e.ok(201, "POST", "/api/v1/proposals", "child2", map[string]any{"body_id": "{council}", "category": "safety",
			"title": fill("学校门口的人行道再宽一些", 60), "description": fill("上学的时候门口的人行道很窄，大家挤在一起。", 2000)}).json()["id"].(string)
		e.ok(200, "POST", "/api/v1/proposals/"+long+"/decision", "committee", map[string]any{"outcome": "partly_adopted",
			"child_summary": fill("我们会把人行道加宽，还会在路口装上护栏。", 300), "details": fill("经过现场勘察，东侧人行道可以拓宽，西侧暂时不行。", 5000),
			"responsible_unit": fill("市住房和城乡建设局与市公安局交通警察大队", 100), "planned_completion": "2027-03-31", "notice_days": 14})
		b := newBrowser(t, e, base, 1280, 900)
		dir := filepath.Join("testdata", "screenshots")
		_ = os.MkdirAll(dir, 0o755)
		for _, lang := range []string{"zh-CN", "en"} {
			b.open("/notice/proposals/" + long + "/print?lang=" + lang)
			b.run(chromedp.WaitVisible(".sheet svg.sheet-qr", chromedp.ByQuery))
			var pdf []byte
			b.run(chromedp.ActionFunc(func(ctx context.Context) error {
				var err error
				pdf, _, err = page.PrintToPDF().WithPreferCSSPageSize(true).WithPrintBackground(false).Do(ctx)
				return err
			}))
			if err := os.WriteFile(filepath.Join(dir, "notice-sheet-"+lang+".pdf"), pdf, 0o644); err != nil {
				t.Fatal(err)
			}
			if n := len(regexp.MustCompile(`/Type\s*/Page\b`).FindAll(pdf, -1)); n != 1 {
				t.Errorf("%s: the printed notice takes %d pages, want 1", lang, n)
			}
		}
		var hidden bool
		b.run(emulation.SetEmulatedMedia().WithMedia("print"),
			chromedp.Evaluate(`getComputedStyle(document.querySelector("header.top")).display === "none"`, &hidden))
		if !hidden {
			t.Error("the buttons above the notice are printed too")
		}
		var png []byte // not b.shot: the screen's rules (18 px text, 48 px targets) are not paper's
		b.run(chromedp.CaptureScreenshot(&png))
		if err := os.WriteFile(filepath.Join(dir, "notice-print-media.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		b.checkClean()
	})

	t.Run("filters, paging and the language switch", func(t *testing.T) {
		for i := range 11 {
			e.propose("child2", fmt.Sprintf("第%d条想法：操场多一个篮球架", i+1))
		}
		b := newBrowser(t, e, base, 390, 844)
		b.open("/notice?lang=zh-CN")
		b.run(chromedp.WaitVisible(sel("show-more"), chromedp.ByQuery))
		var before, after int
		b.run(chromedp.Evaluate(`document.querySelectorAll('[data-testid="part-progress"] [data-testid="notice-card"]').length`, &before))
		b.click("show-more")
		b.run(chromedp.WaitNotPresent(sel("show-more"), chromedp.ByQuery))
		b.run(chromedp.Evaluate(`document.querySelectorAll('[data-testid="part-progress"] [data-testid="notice-card"]').length`, &after))
		if before != 10 || after != 12 {
			t.Errorf("in progress: %d proposals, then %d after 'show more'; want 10, then 12", before, after)
		}
		var focused string
		b.run(chromedp.Evaluate(`document.activeElement.textContent`, &focused))
		if !strings.Contains(focused, "操场多一个篮球架") && !strings.Contains(focused, "图书馆") {
			t.Errorf("after 'show more' focus is on %q, not on the first new proposal", focused)
		}
		b.run(chromedp.SetValue(sel("filter-stage"), "decision", chromedp.ByQuery))
		b.click("filter-apply")
		b.run(chromedp.WaitNotPresent(sel("part-progress"), chromedp.ByQuery))
		b.waitText(sel("part-notice"), "爱心斑马线刷成彩色")
		if loc := b.location(); !strings.HasSuffix(loc, "/notice?stage=decision") {
			t.Errorf("the filter is not in the address: %s", loc)
		}
		b.shot("notice-filtered-phone-zh-CN")
		b.click("lang-switch")
		b.waitText("h1", "Notice board")
		if loc := b.location(); !strings.Contains(loc, "lang=en") || !strings.Contains(loc, "stage=decision") {
			t.Errorf("after switching to English the address is %s", loc)
		}
		b.clickOn(`nav.regions a[href*="region_id="]`) // a city's board, its townships included
		b.waitText("h1", "Notice board of yueqing")
		b.waitText(sel("part-notice"), "清和公园东门加一台饮水机")
		if loc := b.location(); !strings.Contains(loc, "region_id="+e.ids["yueqing"]) || !strings.Contains(loc, "lang=en") {
			t.Errorf("the city's board is at %s", loc)
		}
		b.shot("notice-city-phone-en")
		b.tabThrough("notice board")
		b.open("/notice?body_id=nothing&lang=en")
		b.waitText("h1", "Notice not found")
		b.shot("notice-unknown-phone-en")
		b.checkClean()
	})

	t.Run("budgets: the board on a phone", func(t *testing.T) {
		b := newBrowser(t, e, base, 390, 844)
		load := func() (requests []netEvent, kb float64) {
			b.mu.Lock()
			b.fetched, b.order = map[network.RequestID]*netEvent{}, nil
			b.mu.Unlock()
			b.run(chromedp.Navigate(base+"/notice?lang=zh-CN"), chromedp.WaitVisible(sel("part-notice"), chromedp.ByQuery))
			time.Sleep(500 * time.Millisecond)
			b.mu.Lock()
			defer b.mu.Unlock()
			for _, id := range b.order {
				if n := b.fetched[id]; !n.fromCache && strings.HasPrefix(n.url, base) {
					requests = append(requests, *n)
					kb += n.bytes / 1024
				}
			}
			return requests, kb
		}
		first, kb := load()
		t.Logf("first load on an empty cache: %d requests, %.1f KB transferred", len(first), kb)
		for _, n := range first {
			t.Logf("  %s %.1f KB", strings.TrimPrefix(n.url, base), n.bytes/1024)
		}
		if len(first) > 13 || kb > 150 { // the page, 4 static files, catalog, meta, favicon, board and 4 parts
			t.Errorf("first load: %d requests and %.1f KB; the budget is 13 and 150 KB", len(first), kb)
		}
		second, kb := load()
		t.Logf("second load: %d requests over the network, %.1f KB", len(second), kb)
		for _, n := range second {
			if path := strings.TrimPrefix(n.url, base); strings.HasPrefix(path, "/static/") {
				t.Errorf("second load fetched %s again", path)
			}
		}
		b.checkClean()
	})

	t.Run("a child's own proposal links to its public page", func(t *testing.T) {
		b := newBrowser(t, e, base, 768, 1024)
		b.childSignIn(e.codes["council"], "mingming", "2580")
		b.open("/proposals/" + onNotice)
		b.run(chromedp.WaitVisible(sel("public-page"), chromedp.ByQuery))
		var href string
		b.run(chromedp.AttributeValue(sel("public-page"), "href", &href, nil, chromedp.ByQuery))
		if href != "/notice/proposals/"+onNotice {
			t.Errorf("the link leads to %q", href)
		}
		b.click("public-page")
		b.waitText(sel("decision"), "我们会在东门装一台饮水机")
		b.checkClean()
	})
}
