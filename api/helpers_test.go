package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"tongsheng/api"
	"tongsheng/locales"
	"tongsheng/models"
	"tongsheng/models/modelstest"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

// syncBuffer collects log lines from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is one test's world: an app on a fresh database with named fixtures.
//
//	乐清市 (city)                 committee "committee"
//	└── 乐成街道 (township)       committee "committee_town"
//	    └── council "council"     facilitator "facilitator"; children "child", "child2" (consented), "child_pending"
//	observers at 乐清市           (run by "facilitator" too); child "observer" (consented)
//	常州市 (city)                 committee "committee_other"
//	└── council "other_council"   facilitator "facilitator_other"; child "child_other"
type env struct {
	t      testing.TB
	store  *models.Store
	app    *fiber.App
	clock  *modelstest.Clock
	logs   *syncBuffer
	ids    map[string]string    // fixture name → ID
	codes  map[string]string    // body name → join code
	tokens map[string]string    // user name → bearer token
	logins map[string][2]string // user name → login URL and JSON body, to sign in again
}

var sys = models.SystemActor()

func newEnv(t testing.TB, dialect string) *env { return newEnvWith(t, dialect, "") }

// newEnvWith builds an env; a non-empty dir puts the SQLite database there.
func newEnvWith(t testing.TB, dialect, dir string) *env {
	t.Helper()
	clock := modelstest.NewClock(time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC))
	var store *models.Store
	if dir != "" {
		var err error
		store, err = models.Open(models.Options{DataDir: dir, Clock: clock.Now, Hashing: modelstest.FastHashing, PublicURL: "https://tongsheng.test", DataKey: make([]byte, 32)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
	} else {
		store = modelstest.Open(t, dialect, clock, modelstest.FastHashing)
	}
	e := newEnvFrom(t, store, clock)
	e.fixtures()
	return e
}

// newEnvFrom serves store with no fixtures.
func newEnvFrom(t testing.TB, store *models.Store, clock *modelstest.Clock) *env {
	t.Helper()
	catalog, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	return &env{
		t: t, store: store, clock: clock, logs: logs,
		ids: map[string]string{}, codes: map[string]string{}, tokens: map[string]string{}, logins: map[string][2]string{},
		app: api.New(api.Config{Store: store, Catalog: catalog, JWTSecret: testSecret,
			Logger: slog.New(slog.NewJSONHandler(logs, nil))}),
	}
}

// serveWith rebuilds e's app with cfg's settings (limits, caches) on the env's store, catalog
// and secret, logging nowhere.
func (e *env) serveWith(cfg api.Config) {
	e.t.Helper()
	catalog, err := locales.Load()
	e.must(err)
	cfg.Store, cfg.Catalog, cfg.JWTSecret, cfg.Logger = e.store, catalog, testSecret, slog.New(slog.DiscardHandler)
	e.app = api.New(cfg)
}

// forEachDB runs fn in a fresh env on every database of this run.
func forEachDB(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, d := range modelstest.Dialects() {
		t.Run(d, func(t *testing.T) { fn(t, newEnv(t, d)) })
	}
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) fixtures() {
	ctx := context.Background()
	region := func(name, kind, parent string) string {
		r, err := e.store.CreateRegion(ctx, sys, models.RegionInput{Name: name, Kind: kind, ParentID: e.ids[parent]})
		e.must(err)
		e.ids[name] = r.ID
		return r.ID
	}
	region("yueqing", "city", "")
	region("lecheng", "township", "yueqing")
	region("changzhou", "city", "")
	body := func(name, kind, regionName string) {
		b, err := e.store.CreateBody(ctx, sys, models.BodyInput{Name: "测试" + name, Kind: kind, RegionID: e.ids[regionName], TermEndsOn: "2027-08-31"})
		e.must(err)
		e.ids[name], e.codes[name] = b.ID, b.JoinCode
	}
	body("council", models.BodyCouncil, "lecheng")
	body("observers", models.BodyObserverGroup, "yueqing")
	body("other_council", models.BodyCouncil, "changzhou")
	staff := func(name, role, regionName string, bodies ...string) {
		in := models.StaffInput{Username: strings.ReplaceAll(name, "_", "-"), Password: name + "-password", Role: role, RegionID: e.ids[regionName]}
		for _, b := range bodies {
			in.BodyIDs = append(in.BodyIDs, e.ids[b])
		}
		acct, err := e.store.CreateStaff(ctx, sys, in)
		e.must(err)
		e.ids[name] = acct.ID
		e.signIn(name, "/api/v1/auth/staff/login", map[string]string{"username": in.Username, "password": in.Password})
	}
	staff("admin", "admin", "")
	staff("committee", "committee", "yueqing")
	staff("committee_town", "committee", "lecheng")
	staff("committee_other", "committee", "changzhou")
	staff("facilitator", "facilitator", "", "council", "observers")
	staff("facilitator_other", "facilitator", "", "other_council")
	e.child("child", "council", true)
	e.child("child2", "council", true)
	e.child("child_pending", "council", false)
	e.child("child_other", "other_council", true)
	e.child("observer", "observers", true)
}

// child adds a child to a body, with consent and assent when consented, and signs it in.
func (e *env) child(name, bodyName string, consented bool) {
	ctx := context.Background()
	m, err := e.store.AddMember(ctx, sys, e.ids[bodyName], models.MemberInput{
		Nickname: "童" + name[:min(len(name), 11)], LoginName: name, PIN: "2580", BirthYear: 2015, BirthMonth: 4, RealName: "真名" + name,
		Guardian: models.GuardianInput{Name: "家长" + name, Relation: "母亲", Contact: "guardian-" + name + "@example.cn"},
	})
	e.must(err)
	e.ids[name] = m.Child.ID
	if consented {
		e.must(e.store.RecordPaperConsent(ctx, sys, m.Child.ID, models.PaperConsent{GuardianName: "家长", Relation: "母亲", Reference: "F-" + name}))
		e.must(e.store.SetAssent(ctx, &models.Actor{ID: m.Child.ID, Role: models.RoleChild, ConsentStatus: models.ConsentActive}, true))
	}
	e.signIn(name, "/api/v1/auth/child/login", map[string]string{"body_code": e.codes[bodyName], "login_name": name, "pin": "2580"})
}

func (e *env) signIn(name, url string, body map[string]string) {
	raw, _ := json.Marshal(body)
	e.logins[name] = [2]string{url, string(raw)}
	e.tokens[name] = e.login(url, body)
}

// advance moves the clock and signs everyone in again, as they would after sessions expire.
func (e *env) advance(d time.Duration) {
	e.t.Helper()
	e.clock.Advance(d)
	for name, l := range e.logins {
		e.tokens[name] = e.login(l[0], l[1])
	}
}

func (e *env) login(url string, body any) string {
	e.t.Helper()
	res := e.do(http.MethodPost, url, "", body, nil)
	if res.status != http.StatusOK {
		e.t.Fatalf("login %s: %d %s", url, res.status, res.body)
	}
	return res.json()["token"].(string)
}

// response is a finished request.
type response struct {
	status int
	header http.Header
	body   string
}

func (r response) json() map[string]any {
	var m map[string]any
	_ = json.Unmarshal([]byte(r.body), &m)
	return m
}

func (r response) errorCode() string {
	if e, ok := r.json()["error"].(map[string]any); ok {
		code, _ := e["code"].(string)
		return code
	}
	return ""
}

// expand replaces {name} in s with the fixture ID or join code of that name.
func (e *env) expand(s string) string {
	for name, id := range e.ids {
		s = strings.ReplaceAll(s, "{"+name+"}", id)
	}
	for name, code := range e.codes {
		s = strings.ReplaceAll(s, "{code:"+name+"}", code)
	}
	return s
}

// do sends a request. body may be a string (sent as is, after expansion) or a value (as JSON).
func (e *env) do(method, url, token string, body any, header map[string]string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(e.expand(b))
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		e.must(err)
		rd = strings.NewReader(e.expand(string(raw)))
	}
	req := httptest.NewRequest(method, e.expand(url), rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := e.app.Test(req, -1)
	e.must(err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	e.must(err)
	if res.StatusCode >= 500 { // a 500 is a bug: show what the server logged
		for _, line := range strings.Split(e.logs.String(), "\n") {
			if strings.Contains(line, `"request failed"`) {
				e.t.Log(line)
			}
		}
	}
	return response{status: res.StatusCode, header: res.Header, body: string(raw)}
}

// scenario is one request and what must come of it.
type scenario struct {
	name        string
	method, url string
	as          string // fixture user whose token is sent; "" sends none
	body        any
	header      map[string]string
	status      int
	code        string   // expected error code, when the reply is an error
	contains    []string // substrings of the body (after expansion)
	notContains []string
	check       func(t *testing.T, e *env, r response)
}

func (e *env) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := e.do(sc.method, sc.url, e.tokens[sc.as], sc.body, sc.header)
			if r.status != sc.status {
				t.Fatalf("%s %s as %q: status %d, want %d; body %s", sc.method, sc.url, sc.as, r.status, sc.status, r.body)
			}
			if sc.code != "" && r.errorCode() != sc.code {
				t.Errorf("error code %q, want %q; body %s", r.errorCode(), sc.code, r.body)
			}
			if r.status >= 400 {
				checkEnvelope(t, r)
			}
			for _, s := range sc.contains {
				if !strings.Contains(r.body, e.expand(s)) {
					t.Errorf("body lacks %q: %s", e.expand(s), r.body)
				}
			}
			for _, s := range sc.notContains {
				if strings.Contains(r.body, e.expand(s)) {
					t.Errorf("body has %q: %s", e.expand(s), r.body)
				}
			}
			if sc.check != nil {
				sc.check(t, e, r)
			}
		})
	}
}

// checkEnvelope asserts API.md's error shape with a translated, non-empty message.
func checkEnvelope(t *testing.T, r response) {
	t.Helper()
	e, ok := r.json()["error"].(map[string]any)
	if !ok {
		t.Fatalf("no error envelope: %s", r.body)
	}
	msg, _ := e["message"].(string)
	if e["code"] == "" || msg == "" || strings.HasPrefix(msg, "error.") {
		t.Errorf("envelope lacks a code or a translated message: %s", r.body)
	}
	if fields, ok := e["fields"].(map[string]any); ok {
		for f, m := range fields {
			if s, _ := m.(string); s == "" || strings.HasPrefix(s, "field.") || strings.HasPrefix(s, "error.") {
				t.Errorf("field %s has an untranslated message %q", f, m)
			}
		}
	}
}

// assertFilesLack fails the test for every secret still readable in the SQLite database or its
// write-ahead log in dir.
func assertFilesLack(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		for _, name := range []string{"tongsheng.db", "tongsheng.db-wal"} {
			raw, err := os.ReadFile(filepath.Join(dir, name))
			if err == nil && strings.Contains(string(raw), secret) {
				t.Errorf("%s still holds %q", name, secret)
			}
		}
	}
}
