package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"tongsheng/api"
	"tongsheng/frontend"
	"tongsheng/locales"
	"tongsheng/models"
	"tongsheng/models/modelstest"
)

// browser is a headless Chromium driving the app served on a loopback port.
type browser struct {
	t        *testing.T
	e        *env
	base     string
	ctx      context.Context
	mu       sync.Mutex
	problems []string // uncaught exceptions and console.error calls
	dialogs  int
	fetched  map[network.RequestID]*netEvent
	order    []network.RequestID
}

type netEvent struct {
	url       string
	fromCache bool
	bytes     float64
}

func chromiumPath(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is not installed; .ci/run installs it (apt-get install chromium fonts-wqy-microhei)")
	}
	t.Skip("Chromium is not installed (apt-get install chromium fonts-wqy-microhei)")
	return ""
}

// browserEnv is an env on the real clock (the browser keeps cookies by real time) with the web
// app served on a loopback port.
func browserEnv(t *testing.T) (*env, string) { return browserEnvWith(t, nil) }

// browserEnvWith is browserEnv on a clock a test moves (nil: the real clock). The clock may only
// run ahead of real time, so that the browser keeps its session cookie.
func browserEnvWith(t *testing.T, clock *modelstest.Clock) (*env, string) {
	t.Helper()
	// Listen first, so that links the server gives out (consent letters, the public notice's QR
	// codes) lead to this server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	opts := models.Options{DataDir: t.TempDir(), Hashing: modelstest.FastHashing, DataKey: make([]byte, 32), PublicURL: base}
	if clock != nil {
		opts.Clock = clock.Now
	}
	store, err := models.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := newEnvFrom(t, store, clock)
	site, err := frontend.Load()
	if err != nil {
		t.Fatal(err)
	}
	catalog, _ := locales.Load()
	e.app = api.New(api.Config{Store: store, Catalog: catalog, JWTSecret: testSecret, Frontend: site, Logger: slog.New(slog.NewJSONHandler(e.logs, nil))})
	go e.app.Listener(ln)
	t.Cleanup(func() { e.app.Shutdown() })
	e.fixtures()
	return e, base
}

func newBrowser(t *testing.T, e *env, base string, width, height int64) *browser {
	t.Helper()
	// The profile is removed by hand once Chromium has exited: t.TempDir's check would race
	// with the browser's last writes.
	profile, err := os.MkdirTemp("", "tongsheng-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(int(width), int(height)),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(profile))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() {
		_ = chromedp.Cancel(ctx) // waits for the browser to close
		cancelC()
		cancelA()
		os.RemoveAll(profile)
	})
	b := &browser{t: t, e: e, base: base, ctx: ctx, fetched: map[network.RequestID]*netEvent{}}
	chromedp.ListenTarget(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.problems = append(b.problems, "exception: "+ev.ExceptionDetails.Error())
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				b.problems = append(b.problems, "console.error: "+strings.Join(parts, " "))
			}
		case *page.EventJavascriptDialogOpening:
			b.dialogs++
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(false))
		case *network.EventRequestWillBeSent:
			if _, ok := b.fetched[ev.RequestID]; !ok {
				b.order = append(b.order, ev.RequestID)
			}
			b.fetched[ev.RequestID] = &netEvent{url: ev.Request.URL}
		case *network.EventRequestServedFromCache:
			if n := b.fetched[ev.RequestID]; n != nil {
				n.fromCache = true
			}
		case *network.EventResponseReceived:
			if n := b.fetched[ev.RequestID]; n != nil && (ev.Response.FromDiskCache || ev.Response.FromPrefetchCache) {
				n.fromCache = true
			}
		case *network.EventLoadingFinished:
			if n := b.fetched[ev.RequestID]; n != nil {
				n.bytes = ev.EncodedDataLength
			}
		}
	})
	// The first Run starts the browser and ties its life to ctx: it must not be a shorter context.
	if err := chromedp.Run(ctx, network.Enable(), page.Enable(), runtime.Enable(), chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return b
}

// run performs actions and fails the test on any error.
func (b *browser) run(actions ...chromedp.Action) {
	b.t.Helper()
	if err := b.try(actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base+path), chromedp.WaitReady("#app > *", chromedp.ByQuery))
}

func sel(testid string) string { return fmt.Sprintf(`[data-testid="%s"]`, testid) }

func (b *browser) click(testid string) {
	b.t.Helper()
	b.clickOn(sel(testid))
}

func (b *browser) typeInto(testid, text string) {
	b.t.Helper()
	b.typeOn(sel(testid), text)
}

// clickOn clicks the element css finds, as a finger would.
func (b *browser) clickOn(css string) {
	b.t.Helper()
	b.run(chromedp.Click(css, chromedp.ByQuery))
}

// typeOn types text into the field css finds, key by key, and checks that the field holds it:
// a page that re-rendered under the child's fingers would lose what they typed.
func (b *browser) typeOn(css, text string) {
	b.t.Helper()
	var got string
	b.run(chromedp.SendKeys(css, text, chromedp.ByQuery), chromedp.Value(css, &got, chromedp.ByQuery))
	if got != text {
		b.t.Fatalf("%s holds %q after typing %q", css, got, text)
	}
}

// try runs actions with a deadline of their own, so that a step that hangs says which.
func (b *browser) try(actions ...chromedp.Action) error {
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	return chromedp.Run(ctx, actions...)
}

func (b *browser) waitText(css, want string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var got string
		_ = chromedp.Run(b.ctx, chromedp.Evaluate(fmt.Sprintf(`(document.querySelector(%q)||{}).textContent||""`, css), &got))
		if strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s never showed %q; it shows %q", css, want, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// shot saves a screenshot to testdata/screenshots (ignored by git) and checks that nothing on
// the page is wider than the screen.
func (b *browser) shot(name string) {
	b.t.Helper()
	time.Sleep(150 * time.Millisecond) // let the last render settle
	var png []byte
	var overflow bool
	b.run(chromedp.CaptureScreenshot(&png),
		chromedp.Evaluate(`document.documentElement.scrollWidth > document.documentElement.clientWidth`, &overflow))
	dir := filepath.Join("testdata", "screenshots")
	_ = os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	if overflow {
		b.t.Errorf("%s: the page is wider than the screen", name)
	}
	b.audit(name)
}

// tabThrough presses Tab from the top to the end of the page and checks that each
// control it reaches shows a focus ring of at least 2 px.
func (b *browser) tabThrough(page string) {
	b.t.Helper()
	// Start from the top of the page, not from the heading a new page focuses.
	b.run(chromedp.Evaluate(`(() => { const s = document.createElement("span"); s.tabIndex = -1; document.body.prepend(s); s.focus(); })()`, nil))
	stops := 0
	for range 80 {
		var problem string
		b.run(chromedp.KeyEvent(kb.Tab), chromedp.Evaluate(`(() => {
			const el = document.activeElement;
			if (!el || el === document.body) return "end";
			const s = getComputedStyle(el);
			if (s.outlineStyle === "none" || parseFloat(s.outlineWidth) < 2)
				return "no visible focus on <" + el.tagName.toLowerCase() + "> " + (el.textContent || "").trim().slice(0, 24);
			return "";
		})()`, &problem))
		if problem == "end" {
			break
		}
		stops++
		if problem != "" {
			b.t.Errorf("%s, Tab %d: %s", page, stops, problem)
		}
	}
	if stops == 0 {
		b.t.Errorf("%s: Tab reached no control", page)
	}
	b.t.Logf("%s: Tab reached %d controls", page, stops)
}

// audit runs testdata/audit.js on the page: contrast, target sizes, names and alt texts.
func (b *browser) audit(name string) {
	b.t.Helper()
	script, err := os.ReadFile(filepath.Join("testdata", "audit.js"))
	if err != nil {
		b.t.Fatal(err)
	}
	var problems []string
	b.run(chromedp.Evaluate(string(script), &problems))
	for _, p := range problems {
		b.t.Errorf("%s: %s", name, p)
	}
	b.axe(name)
}

// axeStrict fails a screen on a serious or critical axe-core violation (false only logs them,
// for a change that must land before its screens are fixed).
const axeStrict = true

var axeSource = struct {
	once sync.Once
	js   string
	path string
}{}

// axeScript returns axe-core's axe.min.js: from TONGSHENG_AXE, or from the cache folder .ci/run
// installs it into. Without it the check is skipped on a developer's machine and fails in CI.
func axeScript(t *testing.T) string {
	t.Helper()
	axeSource.once.Do(func() {
		path := os.Getenv("TONGSHENG_AXE")
		if path == "" {
			cache := os.Getenv("XDG_CACHE_HOME")
			if cache == "" {
				home, _ := os.UserHomeDir()
				cache = filepath.Join(home, ".cache")
			}
			found, _ := filepath.Glob(filepath.Join(cache, "tongsheng-ci", "axe-core-*", "node_modules", "axe-core", "axe.min.js"))
			if len(found) > 0 {
				path = found[len(found)-1]
			}
		}
		if path == "" {
			return
		}
		if js, err := os.ReadFile(path); err == nil {
			axeSource.js, axeSource.path = string(js), path
		}
	})
	if axeSource.js == "" {
		const how = "axe-core is not installed; .ci/run installs it (npm install axe-core into the cache folder, or set TONGSHENG_AXE to axe.min.js)"
		if os.Getenv("CI") == "true" {
			t.Fatal(how)
		}
		t.Log(how + "; the axe-core check is skipped")
	}
	return axeSource.js
}

// axe runs axe-core on the page and reports every serious or critical violation.
func (b *browser) axe(name string) {
	b.t.Helper()
	js := axeScript(b.t)
	if js == "" {
		return
	}
	var loaded bool
	b.run(chromedp.Evaluate(`!!window.axe`, &loaded))
	if !loaded {
		b.run(chromedp.Evaluate(js+"\n;0", nil))
	}
	var violations []string
	// Under a paused virtual clock (the idle test) no timer fires: axe's zero-delay yields run
	// as microtasks while it checks.
	b.run(chromedp.Evaluate(`(() => {
			const setTimeout = window.setTimeout;
			window.setTimeout = (f, ms, ...args) => ms > 1 || typeof f !== "function" ? setTimeout(f, ms, ...args) : (queueMicrotask(() => f(...args)), 0);
			return axe.run(document, {resultTypes: ["violations"]}).finally(() => { window.setTimeout = setTimeout; });
		})().then(r => r.violations
			.filter(v => v.impact === "serious" || v.impact === "critical")
			.map(v => v.impact + " " + v.id + ": " + v.help + " (" + v.nodes.length + " nodes: " +
				v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ") + ")"))`,
		&violations, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	for _, v := range violations {
		if axeStrict {
			b.t.Errorf("%s: axe-core: %s", name, v)
		} else {
			b.t.Logf("%s: axe-core: %s", name, v)
		}
	}
}

func (b *browser) setLang(lang string) {
	b.t.Helper()
	b.run(chromedp.Evaluate(fmt.Sprintf(`localStorage.setItem("ts-lang", %q)`, lang), nil))
}

func (b *browser) checkClean() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Errorf("the page logged: %s", p)
	}
	if b.dialogs > 0 {
		b.t.Errorf("%d script dialogs opened", b.dialogs)
	}
}

// childSignIn goes through the three sign-in screens as a child would.
func (b *browser) childSignIn(code, login, pin string) {
	b.t.Helper()
	b.open("/")
	b.typeInto("join-code", code)
	b.click("next")
	b.typeInto("login-name", login)
	b.click("next")
	for _, d := range pin {
		b.click("pin-digit-" + string(d))
	}
	b.click("sign-in")
	b.run(chromedp.WaitVisible(sel("inbox"), chromedp.ByQuery))
}

// screens are the sizes every journey runs at. A 768×1024 tablet zoomed to 200% lays pages out
// exactly as a 384×512 screen does (only the pixels per CSS pixel differ), so that is how zoom
// is tested.
var screens = []struct {
	name          string
	width, height int64
}{{"tablet", 768, 1024}, {"phone", 390, 844}, {"zoom200", 384, 512}}

// finishedWorkOnAPhone makes a proposal of child2 and takes it to evaluation, then opens it on a
// phone signed in as a fixture child of bodyName.
func finishedWorkOnAPhone(t *testing.T, e *env, base, title, bodyName, login string) (string, *browser) {
	t.Helper()
	id := e.propose("child2", title)
	e.toStage(id, "evaluation")
	b := newBrowser(t, e, base, 390, 844)
	b.childSignIn(e.codes[bodyName], login, "2580")
	b.open("/proposals/" + id)
	return id, b
}

// staffSignIn signs a fixture staff member in on the desk's sign-in screen, already open.
func (b *browser) staffSignIn(username string) {
	b.t.Helper()
	b.typeInto("staff-username", username)
	b.typeInto("staff-password", username+"-password")
	b.click("staff-sign-in")
	b.run(chromedp.WaitVisible(sel("staff-proposal"), chromedp.ByQuery))
}

func TestBrowserJourneys(t *testing.T) {
	e, base := browserEnv(t)
	other := e.propose("child2", "清和公园东门加一个饮水机")
	design := e.propose("child2", "爱心斑马线的三个方案")
	e.toStage(design, "design")
	e.propose("child2", "<img src=x onerror=alert(1)>")

	for _, size := range screens {
		for _, lang := range []string{"zh-CN", "en"} {
			t.Run(size.name+"-"+lang, func(t *testing.T) {
				// A child of its own: the same child's support or vote from an earlier journey
				// would already be pressed, and the wait for it would pass before the page had
				// answered this click.
				kid := strings.ToLower("kid_" + size.name + "_" + strings.ReplaceAll(lang, "-", ""))
				e.child(kid, "council", true)
				b := newBrowser(t, e, base, size.width, size.height)
				b.open("/")
				b.setLang(lang)
				b.shot(fmt.Sprintf("child-signin-%s-%s", size.name, lang))
				b.childSignIn(e.codes["council"], kid, "2580")
				b.shot(fmt.Sprintf("child-home-%s-%s", size.name, lang))
				var sameFont bool
				b.run(chromedp.Evaluate(`getComputedStyle(document.querySelector('[data-testid="proposal-card"]')).fontFamily === getComputedStyle(document.body).fontFamily`, &sameFont))
				if !sameFont {
					t.Error("proposal cards are not in the page's font")
				}
				b.click("new-proposal")
				b.typeInto("proposal-title", "公园里加遮阳棚")
				b.typeInto("proposal-description", "有事打我电话 138 0013 8000")
				want := map[string]string{"zh-CN": "电话号码", "en": "phone numbers"}[lang]
				b.waitText(sel("moderation-hint"), want)
				b.shot(fmt.Sprintf("child-new-%s-%s", size.name, lang))
				b.run(chromedp.SetValue(sel("proposal-description"), "夏天太晒了，希望在滑梯旁边搭一个遮阳棚。", chromedp.ByQuery))
				b.clickOn(`[data-category="park"]`)
				b.click("submit-proposal")
				b.waitText("h1", "公园里加遮阳棚")
				b.run(chromedp.WaitVisible(sel("read-aloud"), chromedp.ByQuery))
				b.shot(fmt.Sprintf("child-proposal-%s-%s", size.name, lang))
				b.open("/proposals/" + other)
				b.click("support")
				b.run(chromedp.WaitVisible(sel("support")+`[aria-pressed="true"]`, chromedp.ByQuery))
				b.typeInto("comment-body", "我也想要饮水机 "+lang+size.name)
				b.click("submit-comment")
				b.waitText(".comments", "我也想要饮水机 "+lang+size.name)
				b.click("reply")
				b.typeInto("comment-body", "对，夏天很需要 "+lang+size.name)
				b.click("submit-comment")
				b.waitText(".comments", "对，夏天很需要 "+lang+size.name)
				var isReply bool
				b.run(chromedp.Evaluate(fmt.Sprintf(`[...document.querySelectorAll(".comments .reply")].some(e => e.textContent.includes(%q))`, "对，夏天很需要 "+lang+size.name), &isReply))
				if !isReply {
					t.Fatal("the answer was not shown as a reply")
				}
				b.open("/proposals/" + design)
				b.click("vote-option")
				b.waitText(".option.chosen", "方案")
				b.shot(fmt.Sprintf("child-vote-%s-%s", size.name, lang))
				b.open("/inbox")
				b.shot(fmt.Sprintf("child-inbox-%s-%s", size.name, lang))
				b.click("sign-out")
				b.run(chromedp.WaitVisible(sel("join-code"), chromedp.ByQuery))
				b.checkClean()
			})
		}
	}

	t.Run("staff publish a decision; the child finds it in the inbox", func(t *testing.T) {
		mine := e.propose("child", "学校门口的爱心斑马线再亮一点")
		e.ok(201, "POST", "/api/v1/proposals/"+mine+"/comments", "child", map[string]any{"body": "晚上放学的时候看不清斑马线"})
		b := newBrowser(t, e, base, 1280, 900)
		b.open("/staff")
		b.staffSignIn("committee")
		b.shot("staff-proposals")
		b.open("/staff/proposals/" + mine)
		b.click("reply")
		b.typeInto("comment-body", "我们晚上也会去路口看一看。")
		b.click("submit-comment")
		b.waitText(".comments .reply", "我们晚上也会去路口看一看。")
		b.clickOn(sel("more-decision") + " summary") // in needs the next step is a stage change; a decision is a click away
		b.typeInto("decision-summary", "我们会把斑马线重新刷亮，还会加上闪烁的警示灯。")
		b.run(chromedp.SetValue("#planned", "2027-06-30", chromedp.ByID))
		b.waitText(sel("decision-preview"), "闪烁的警示灯")
		b.shot("staff-decision")
		b.click("publish-decision")
		b.waitText(".meta", "决策公示")
		b.open("/staff/queue")
		b.shot("staff-queue")
		b.open("/staff/stats")
		b.shot("staff-stats")
		b.open("/staff/members")
		b.shot("staff-members")
		b.click("sign-out")
		b.checkClean()

		c := newBrowser(t, e, base, 768, 1024)
		c.childSignIn(e.codes["council"], "child", "2580")
		c.run(chromedp.WaitVisible(sel("unread-count"), chromedp.ByQuery))
		c.click("inbox")
		c.waitText(sel("notification"), "学校门口的爱心斑马线再亮一点")
		c.click("notification")
		c.waitText(sel("decision"), "闪烁的警示灯")
		c.waitText(sel("decision"), "2027-06-30")
		c.waitText(".comments .reply", "我们晚上也会去路口看一看。")
		c.waitText(".comments .reply", "妇儿工委办")
		c.run(chromedp.WaitVisible(sel("read-aloud-decision"), chromedp.ByQuery))
		c.shot("child-decision")
		c.checkClean()
	})

	for _, size := range screens {
		for _, lang := range []string{"zh-CN", "en"} {
			t.Run("staff desk "+size.name+"-"+lang, func(t *testing.T) {
				b := newBrowser(t, e, base, size.width, size.height)
				b.open("/staff")
				b.setLang(lang)
				b.open("/staff")
				b.staffSignIn("admin")
				name := func(s string) string { return fmt.Sprintf("staff-%s-%s-%s", s, size.name, lang) }
				b.shot(name("proposals"))
				b.open("/staff/proposals/" + design)
				b.run(chromedp.WaitVisible(sel("publish-decision"), chromedp.ByQuery))
				b.shot(name("proposal"))
				for _, page := range []string{"queue", "stats", "audit"} {
					b.open("/staff/" + page)
					b.run(chromedp.WaitVisible("h1", chromedp.ByQuery))
					b.shot(name(page))
				}
				b.open("/staff/members")
				b.click("print-letters")
				// Every waiting child holds a live link already: a reprint replaces them.
				b.run(chromedp.WaitVisible("main.letters", chromedp.ByQuery))
				b.click("reprint-letters")
				b.run(chromedp.WaitVisible(".letter svg.qr", chromedp.ByQuery))
				b.shot(name("letters"))
				// The other language, for a guardian who reads it, with the same links.
				var before, after string
				b.run(chromedp.Text(".letter .url", &before, chromedp.ByQuery))
				b.click("lang-switch")
				b.waitText(".letter h1", map[string]string{"zh-CN": "guardian consent letter", "en": "监护人同意书"}[lang])
				b.run(chromedp.Text(".letter .url", &after, chromedp.ByQuery))
				if before == "" || after != before {
					t.Errorf("switching language changed the letter's link from %q to %q", before, after)
				}
				b.checkClean()
			})
		}
	}

	t.Run("a keyboard user always sees where focus is", func(t *testing.T) {
		b := newBrowser(t, e, base, 768, 1024)
		b.open("/")
		b.tabThrough("child sign-in")
		b.childSignIn(e.codes["council"], "child", "2580")
		b.tabThrough("child home")
		_, token := e.newMember("keyboard", "键盘")
		b.open("/consent/" + token)
		b.run(chromedp.WaitVisible(sel("consent-grant"), chromedp.ByQuery))
		b.tabThrough("guardian page")
		b.open("/staff")
		b.staffSignIn("committee")
		b.tabThrough("staff desk")
		b.checkClean()
	})

	t.Run("a tablet left alone signs its child out after five minutes", func(t *testing.T) {
		b := newBrowser(t, e, base, 768, 1024)
		b.childSignIn(e.codes["council"], "child", "2580")
		// Virtual time runs the app's timers without waiting five real minutes.
		b.run(virtualTime(emulation.VirtualTimePolicyAdvance, 4.6*60*1000))
		b.run(chromedp.WaitVisible("#idle-warning", chromedp.ByID))
		b.shot("child-idle-warning")
		b.run(virtualTime(emulation.VirtualTimePolicyAdvance, 60*1000))
		b.run(chromedp.WaitVisible(sel("join-code"), chromedp.ByQuery))
		var status int
		b.run(virtualTime(emulation.VirtualTimePolicyPause, 0))
		b.run(chromedp.Evaluate(`fetch("/api/v1/me").then(r => r.status)`, &status, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		if status != 401 {
			t.Fatalf("after the automatic sign-out the session answers %d, want 401", status)
		}
		b.checkClean()
	})

	t.Run("a title written as HTML shows as text and runs nothing", func(t *testing.T) {
		b := newBrowser(t, e, base, 768, 1024)
		b.childSignIn(e.codes["council"], "child", "2580")
		b.waitText("main", "<img src=x onerror=alert(1)>")
		var imgs int
		b.run(chromedp.Evaluate(`document.querySelectorAll('img[src="x"]').length`, &imgs))
		if imgs != 0 {
			t.Fatalf("the title became an image element")
		}
		b.checkClean()
	})

	t.Run("a guardian grants consent on a phone, then withdraws", func(t *testing.T) {
		_, token := e.newMember("phoneuser", "手机")
		for _, v := range []struct {
			lang          string
			width, height int64
		}{{"en", 768, 1024}, {"en", 390, 844}, {"zh-CN", 768, 1024}, {"zh-CN", 390, 844}} {
			b := newBrowser(t, e, base, v.width, v.height)
			b.open("/consent/" + token)
			b.setLang(v.lang)
			b.open("/consent/" + token)
			b.run(chromedp.WaitVisible(sel("consent-grant"), chromedp.ByQuery), chromedp.WaitVisible(sel("consent-deny"), chromedp.ByQuery))
			b.shot(fmt.Sprintf("guardian-consent-%d-%s", v.width, v.lang))
			b.checkClean()
		}
		b := newBrowser(t, e, base, 390, 844)
		b.open("/consent/" + token)
		b.typeOn("#gname", "王芳")
		b.typeOn("#relation", "母亲")
		b.click("consent-grant")
		b.run(chromedp.WaitVisible(sel("consent-export"), chromedp.ByQuery))
		b.shot("guardian-granted")
		if me := e.childStatus("phoneuser"); me != "active" {
			t.Fatalf("consent status after granting in the browser: %s", me)
		}
		b.clickOn("#erase-yes")
		b.click("consent-withdraw")
		b.click("consent-withdraw-confirm")
		b.waitText("main", map[string]string{"zh-CN": "已撤回"}["zh-CN"])
		b.shot("guardian-withdrawn")
		if me := e.childStatus("phoneuser"); me != "withdrawn" {
			t.Fatalf("consent status after withdrawing in the browser: %s", me)
		}
		b.checkClean()
	})

	t.Run("an observer checks finished work on site; the facilitator reads it", func(t *testing.T) {
		done, b := finishedWorkOnAPhone(t, e, base, "清和公园的新遮阳棚", "observers", "observer")
		b.click("inspect")
		b.click("inspect-safe-ok")
		b.click("inspect-shade-problem")
		b.typeOn("#inspect-note-shade", "下午三点以后滑梯还是很晒")
		b.typeInto("inspect-summary", "整体很好，遮阳棚可以再往西边加长一点。")
		b.shot("child-inspect")
		b.click("submit-inspection")
		b.waitText(sel("inspection"), "下午三点以后滑梯还是很晒")
		b.waitText(sel("inspection"), "测试observers")
		b.run(chromedp.WaitVisible(sel("inspection")+" .problem", chromedp.ByQuery))
		b.shot("child-inspection-filed")
		b.checkClean()

		s := newBrowser(t, e, base, 1280, 900)
		s.open("/staff")
		s.staffSignIn("facilitator")
		s.open("/staff/proposals/" + done)
		s.waitText(sel("evaluation-results"), "整体很好")
		s.run(chromedp.WaitVisible(sel("submit-inspection"), chromedp.ByQuery))
		s.shot("staff-evaluation")
		s.checkClean()
	})

	t.Run("staff merge two proposals; the author follows theirs to the one it joined", func(t *testing.T) {
		kept := e.propose("child2", "图书馆里加儿童座位")
		merged := e.propose("child", "图书馆没有小朋友坐的地方")
		s := newBrowser(t, e, base, 1280, 900)
		s.open("/staff")
		s.staffSignIn("committee")
		s.open("/staff/proposals/" + merged)
		s.clickOn(sel("more-merge") + " summary")
		s.run(chromedp.SetValue(sel("merge-into"), kept, chromedp.ByQuery))
		s.typeOn("#merge-note", "两条建议说的是同一件事")
		s.shot("staff-merge")
		s.click("merge")
		s.waitText(".meta", "已办结")
		s.checkClean()

		b := newBrowser(t, e, base, 768, 1024)
		b.childSignIn(e.codes["council"], "child", "2580")
		b.click("inbox")
		b.waitText(sel("notification"), "合在一起")
		b.click("notification")
		b.waitText(sel("closed-note"), "合在一起")
		b.shot("child-merged")
		var done int
		b.run(chromedp.Evaluate(`document.querySelectorAll(".stepper li.done").length`, &done))
		if done != 1 {
			t.Errorf("the stepper shows %d stages done; the merged proposal went only through needs", done)
		}
		b.click("merged-into")
		b.waitText("h1", "图书馆里加儿童座位")
		b.checkClean()
	})

	t.Run("a child rates finished work with faces", func(t *testing.T) {
		_, b := finishedWorkOnAPhone(t, e, base, "儿童之家的新书架", "council", "child")
		b.click("rate")
		for _, k := range []string{"safety", "fun", "access", "looks"} {
			b.click("face-" + k + "-4")
		}
		b.shot("child-rate")
		b.click("submit-evaluation")
		b.waitText("main", "4")
		b.run(chromedp.WaitNotPresent(sel("submit-evaluation"), chromedp.ByQuery))
		b.checkClean()
	})

	t.Run("budgets: the child home screen", func(t *testing.T) {
		b := newBrowser(t, e, base, 768, 1024)
		b.childSignIn(e.codes["council"], "child", "2580")
		b.run(network.ClearBrowserCache())
		first := b.measure("/")
		var kb float64
		for _, n := range first {
			kb += n.bytes / 1024
		}
		t.Logf("first load on an empty cache: %d requests, %.1f KB transferred", len(first), kb)
		for _, n := range first {
			t.Logf("  %s %.1f KB", strings.TrimPrefix(n.url, base), n.bytes/1024)
		}
		if len(first) > 10 || kb > 150 {
			t.Errorf("first load: %d requests and %.1f KB; the budget is 10 and 150 KB", len(first), kb)
		}
		second := b.measure("/")
		t.Logf("second load: %d requests over the network", len(second))
		for _, n := range second {
			if path := strings.TrimPrefix(n.url, base); path != "/" && !strings.HasPrefix(path, "/api/") {
				t.Errorf("second load fetched %s again", path)
			}
		}
		b.checkClean()
	})
}

// virtualTime sets how the page's clock runs; budget is in milliseconds of virtual time.
func virtualTime(policy emulation.VirtualTimePolicy, budget float64) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		p := emulation.SetVirtualTimePolicy(policy)
		if budget > 0 {
			p = p.WithBudget(budget)
		}
		_, err := p.Do(ctx)
		return err
	})
}

// measure loads path and returns the requests that went over the network.
func (b *browser) measure(path string) []netEvent {
	b.t.Helper()
	b.mu.Lock()
	b.fetched, b.order = map[network.RequestID]*netEvent{}, nil
	b.mu.Unlock()
	b.run(chromedp.Navigate(b.base+path), chromedp.WaitVisible(sel("inbox"), chromedp.ByQuery))
	time.Sleep(500 * time.Millisecond)
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []netEvent
	for _, id := range b.order {
		if n := b.fetched[id]; !n.fromCache && strings.HasPrefix(n.url, b.base) {
			out = append(out, *n)
		}
	}
	return out
}

func (e *env) childStatus(login string) string {
	for _, m := range e.ok(200, "GET", "/api/v1/bodies/{council}/members?limit=100", "facilitator", nil).json()["items"].([]any) {
		if mm := m.(map[string]any); mm["login_name"] == login {
			return mm["consent_status"].(string)
		}
	}
	return ""
}

// A child types a cry for help: the live hint answers with the kind message and the 12355 line in
// a calm note, and so does the screen after sending; the facilitator's desk shows the alert in
// words, with who and where, and closes it by recording what the adult did.
func TestBrowserSafeguarding(t *testing.T) {
	e, base := browserEnv(t)
	p := e.propose("child2", "清和公园加座位")
	// Cries for help that also hold an insult, one for each desk below to close first: the desk
	// says so, so that nobody publishes one unawares.
	for _, kid := range []string{"sg_insult_a", "sg_insult_b"} {
		e.child(kid, "council", true)
		e.ok(201, "POST", "/api/v1/proposals/"+p+"/comments", kid, map[string]any{"body": "我不想活了，你这个笨蛋"})
	}
	kids := 0
	for _, size := range screens[:2] {
		for _, lang := range []string{"zh-CN", "en"} {
			t.Run("child "+size.name+"-"+lang, func(t *testing.T) {
				kid := strings.ToLower("sg_" + size.name + "_" + strings.ReplaceAll(lang, "-", ""))
				e.child(kid, "council", true)
				kids++
				b := newBrowser(t, e, base, size.width, size.height)
				b.open("/")
				b.setLang(lang)
				b.childSignIn(e.codes["council"], kid, "2580")
				b.open("/proposals/" + p)
				b.typeInto("comment-body", "我不想活了，没有人喜欢我")
				b.waitText(sel("moderation-hint")+" "+sel("care-message"), "12355")
				var warned bool
				b.run(chromedp.Evaluate(`!!document.querySelector('[data-testid="moderation-hint"] .note, [data-testid="moderation-hint"] [role="alert"]')`, &warned))
				if warned {
					t.Error("the cry for help was answered with a warning")
				}
				want := map[string]string{"zh-CN": "信任的大人", "en": "adult you trust"}[lang]
				b.waitText(sel("care-message"), want)
				b.shot(fmt.Sprintf("child-care-hint-%s-%s", size.name, lang))
				b.click("submit-comment")
				b.waitText("h1", map[string]string{"zh-CN": "我们收到了", "en": "We got your message"}[lang])
				b.waitText(sel("care-message"), "12355")
				b.waitText(sel("care-message"), want)
				b.shot(fmt.Sprintf("child-care-sent-%s-%s", size.name, lang))
				b.click("care-continue")
				b.waitText(".comments", "没有人喜欢我")
				b.checkClean()
			})
		}
	}
	for _, run := range []struct {
		size int
		lang string
	}{{0, "zh-CN"}, {1, "en"}} {
		size := screens[run.size]
		t.Run("desk "+size.name+"-"+run.lang, func(t *testing.T) {
			b := newBrowser(t, e, base, size.width, size.height)
			b.open("/staff")
			b.setLang(run.lang)
			b.open("/staff")
			b.staffSignIn("facilitator")
			// Every page of the desk says a cry for help is waiting, before the queue is opened.
			b.waitText(sel("sg-banner"), map[string]string{"zh-CN": "求助提醒", "en": "Cries for help"}[run.lang])
			b.open("/staff/queue")
			alert := map[string]string{"zh-CN": "求助提醒", "en": "Cry for help"}[run.lang]
			b.waitText(sel("sg-alert"), alert)
			b.waitText(sel("queue-item"), "真名sg_")
			b.waitText(sel("sg-text"), "我不想活了")
			b.waitText(sel("sg-reasons"), map[string]string{"zh-CN": "可能是辱骂或欺凌", "en": "possible insult or bullying"}[run.lang])
			var first bool
			b.run(chromedp.Evaluate(`document.querySelector('[data-testid="queue-item"]').dataset.safeguarding === "true"`, &first))
			if !first {
				t.Error("the cry for help is not on top of the queue")
			}
			count := func() int {
				var n int
				b.run(chromedp.Evaluate(`document.querySelectorAll('[data-safeguarding="true"]').length`, &n))
				return n
			}
			before := count()
			b.shot(fmt.Sprintf("staff-safeguarding-%s-%s", size.name, run.lang))
			// Publishing a cry for help asks first, and saying no publishes nothing.
			b.click("sg-publish")
			b.waitText(sel("sg-publish-confirm"), map[string]string{"zh-CN": "只有照顾他的大人", "en": "only caring adults"}[run.lang])
			b.shot(fmt.Sprintf("staff-safeguarding-publish-%s-%s", size.name, run.lang))
			b.click("sg-publish-no")
			if n := count(); n != before {
				t.Fatalf("saying no to publishing changed the desk: %d of %d", n, before)
			}
			b.click("sg-close") // without an outcome: asked to choose one
			b.waitText(sel("queue-item")+" .note.error", map[string]string{"zh-CN": "请选择", "en": "Please choose"}[run.lang])
			b.waitText(sel("sg-outcome"), map[string]string{"zh-CN": "已和孩子当面谈过", "en": "Spoke with the child"}[run.lang])
			b.run(chromedp.SetValue(sel("sg-outcome"), "spoke_with_child", chromedp.ByQuery))
			b.typeInto("sg-note", "课间和孩子谈过")
			b.click("sg-close")
			deadline := time.Now().Add(10 * time.Second)
			for count() != before-1 {
				if time.Now().After(deadline) {
					t.Fatalf("the closed item is still on the desk (%d of %d)", count(), before)
				}
				time.Sleep(100 * time.Millisecond)
			}
			b.checkClean()
		})
	}
	if kids == 4 {
		r := e.ok(200, "GET", "/api/v1/moderation/queue", "facilitator", nil)
		if n := strings.Count(r.body, `"safeguarding":true`); n != 4 {
			t.Errorf("%d cries for help left, want 4", n)
		}
		if r := e.ok(200, "GET", "/api/v1/audit?limit=100", "admin", nil); strings.Count(r.body, "safeguarding.resolve") != 2 {
			t.Errorf("the audit log lacks the closings: %s", r.body)
		}
	}
}
