package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"tongsheng/api"
)

func TestMeta(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.run(t, []scenario{
		{name: "healthz", method: "GET", url: "/healthz", status: 200, contains: []string{`{"status":"ok"}`}},
		{name: "readyz", method: "GET", url: "/readyz", status: 200, contains: []string{`"ok"`}},
		{name: "openapi", method: "GET", url: "/api/v1/openapi.json", status: 200, contains: []string{`"openapi":"3.0.3"`}},
		{name: "zh-CN catalog", method: "GET", url: "/api/v1/i18n/zh-CN", status: 200, contains: []string{`"ui.app_name":"童声"`}},
		{name: "English catalog", method: "GET", url: "/api/v1/i18n/en", status: 200, contains: []string{`"ui.app_name":"Tongsheng"`}},
		{name: "unknown language", method: "GET", url: "/api/v1/i18n/fr", status: 404, code: "not_found"},
		{name: "unknown route answers in the envelope", method: "GET", url: "/api/v1/nothing-here", status: 404, code: "not_found"},
		{name: "unknown route in English", method: "GET", url: "/api/v1/nothing-here?lang=en", status: 404, contains: []string{"We could not find"}},
		{name: "body over 64 KiB", method: "POST", url: "/api/v1/auth/staff/login", status: 413, code: "too_large",
			body: `{"username":"` + strings.Repeat("a", 65<<10) + `"}`},
		{name: "security headers", method: "GET", url: "/api/v1/i18n/en", status: 200,
			check: func(t *testing.T, e *env, r response) {
				for h, want := range map[string]string{
					"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
				} {
					if got := r.header.Get(h); got != want {
						t.Errorf("%s = %q, want %q", h, got, want)
					}
				}
				if !strings.Contains(r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
					t.Errorf("CSP lacks frame-ancestors 'none'")
				}
			}},
		{name: "personal replies are not cached", method: "GET", url: "/api/v1/me", as: "child", status: 200,
			check: func(t *testing.T, e *env, r response) {
				if r.header.Get("Cache-Control") != "no-store" {
					t.Fatalf("Cache-Control %q, want no-store", r.header.Get("Cache-Control"))
				}
			}},
	})
}

func TestReadyzWithoutDatabase(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.store.Close()
	if r := e.do("GET", "/readyz", "", nil, nil); r.status != 503 {
		t.Fatalf("readyz with a closed database: %d, want 503", r.status)
	}
	if r := e.do("GET", "/healthz", "", nil, nil); r.status != 200 {
		t.Fatalf("healthz: %d, want 200", r.status)
	}
}

// The document and the app describe the same routes, and the document is valid OpenAPI 3.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc, err := api.LoadOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	e := newEnv(t, "sqlite")
	param := regexp.MustCompile(`:(\w+)`)
	registered := map[string]bool{}
	for _, r := range e.app.GetRoutes(true) {
		if r.Method == fiber.MethodHead || !(strings.HasPrefix(r.Path, "/api/") || r.Path == "/healthz" || r.Path == "/readyz") {
			continue
		}
		registered[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	var missing, extra []string
	for k := range registered {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !registered[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("registered but not documented: %v\ndocumented but not registered: %v", missing, extra)
	}
	if len(registered) < 15 {
		t.Fatalf("only %d routes found; the walk over the app is broken", len(registered))
	}
}

// A generated client names its methods after operationIds and groups them by tag: every
// operation has a unique camelCase operationId, every tag it uses is described at the top, and
// the document names its licence.
func TestOpenAPIOperationIDsAndTags(t *testing.T) {
	doc, err := api.LoadOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if doc.Info.License == nil || doc.Info.License.Name == "" {
		t.Error("info.license is missing")
	}
	described := map[string]bool{}
	for _, tag := range doc.Tags {
		if strings.TrimSpace(tag.Description) == "" {
			t.Errorf("tag %q has no description", tag.Name)
		}
		described[tag.Name] = true
	}
	camel := regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)
	seen := map[string]string{}
	ops := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops++
			where := method + " " + path
			switch {
			case op.OperationID == "":
				t.Errorf("%s has no operationId", where)
			case !camel.MatchString(op.OperationID):
				t.Errorf("%s: operationId %q is not camelCase", where, op.OperationID)
			case seen[op.OperationID] != "":
				t.Errorf("%s and %s share the operationId %q", seen[op.OperationID], where, op.OperationID)
			}
			seen[op.OperationID] = where
			if len(op.Tags) == 0 {
				t.Errorf("%s has no tag", where)
			}
			for _, tag := range op.Tags {
				if !described[tag] {
					t.Errorf("%s uses the tag %q, which the top-level tags do not describe", where, tag)
				}
			}
		}
	}
	if ops < 15 {
		t.Fatalf("only %d operations found; the walk over the document is broken", ops)
	}
}

// The served document is the embedded one, as JSON.
func TestOpenAPIServedAsJSON(t *testing.T) {
	e := newEnv(t, "sqlite")
	r := e.do(http.MethodGet, "/api/v1/openapi.json", "", nil, nil)
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	paths := doc["paths"].(map[string]any)
	if _, ok := paths["/api/v1/bodies/{id}/members"]; !ok {
		t.Fatalf("served document lacks a route")
	}
}

// Logs carry route patterns and statuses, never secrets or a child's personal data.
func TestLogsHoldNoSecrets(t *testing.T) {
	e := newEnv(t, "sqlite")
	secrets := []string{"2580", "admin-password", "真名", "家长", "guardian-"}
	for _, tok := range e.tokens {
		secrets = append(secrets, tok)
	}
	r := e.do("POST", "/api/v1/bodies/{council}/members", e.tokens["facilitator"], newChild("logtest"), nil)
	link := r.json()["consent"].(map[string]any)["link"].(string)
	token := link[strings.LastIndex(link, "/")+1:]
	secrets = append(secrets, "王小雨", "13800138000", "王芳", "1357", token)
	e.do("GET", "/api/v1/children/{child}", e.tokens["facilitator"], nil, nil)
	e.do("GET", "/api/v1/consent/"+token, "", nil, nil) // not a route yet; its path must not be logged either
	e.do("POST", "/api/v1/auth/staff/login", "", map[string]any{"username": "admin", "password": "wrong-password"}, nil)

	logs := e.logs.String()
	if !strings.Contains(logs, `"route":"/api/v1/bodies/:id/members"`) || !strings.Contains(logs, `"status":201`) {
		t.Fatalf("logs lack the route pattern and status:\n%s", logs)
	}
	// The values the logger makes itself (a time to the nanosecond, a random request ID) hold
	// any digits by chance; everything else a line holds is searched.
	var searched strings.Builder
	for line := range strings.Lines(logs) {
		var fields map[string]any
		if json.Unmarshal([]byte(line), &fields) != nil {
			searched.WriteString(line)
			continue
		}
		delete(fields, "time")
		delete(fields, "request_id")
		delete(fields, "latency_ms")
		b, _ := json.Marshal(fields)
		searched.Write(append(b, '\n'))
	}
	for _, s := range append(secrets, "wrong-password", e.ids["council"]) {
		if strings.Contains(searched.String(), s) {
			t.Errorf("logs contain %q", s)
		}
	}
}

// Every message ID exists in every language, and every ID the code uses exists.
func TestCatalogComplete(t *testing.T) {
	cat := loadCatalog(t)
	zh, en := cat.IDs("zh-CN"), cat.IDs("en")
	if !slices.Equal(zh, en) {
		t.Fatalf("the locales differ:\nzh-CN only: %v\nen only: %v", diff(zh, en), diff(en, zh))
	}
	for _, id := range zh {
		zhText, _ := cat.Messages("zh-CN")
		enText, _ := cat.Messages("en")
		if strings.TrimSpace(zhText[id]) == "" || strings.TrimSpace(enText[id]) == "" {
			t.Errorf("%s is empty in a locale", id)
		}
	}
	used := usedMessageIDs(t)
	if len(used) < 20 {
		t.Fatalf("found only %d message IDs in the code; the scan is broken", len(used))
	}
	known := map[string]bool{}
	for _, id := range zh {
		known[id] = true
	}
	for _, id := range used {
		if !known[id] {
			t.Errorf("the code uses %q, which the catalog lacks", id)
		}
	}
}

// A panic in a handler answers 500 in the envelope and is logged with its stack, without the
// request's body or path; the server goes on serving.
func TestPanicAnswersInternal(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.app.Post("/test/panic/:token", func(c *fiber.Ctx) error {
		var m map[string]string
		m["x"] = "nil map" // a bug
		return nil
	})
	h := http.Header{"Content-Type": {"application/json"}}
	r, err := send(e.app, "POST", "/test/panic/secret-consent-token?lang=en", []byte(`{"text":"王小雨的秘密"}`), h)
	if err != nil || r.status != 500 || r.errorCode() != "internal" || !strings.Contains(r.body, "Something went wrong") {
		t.Fatalf("a panicking handler: %d %s %v, want 500 internal in the envelope", r.status, r.body, err)
	}
	if r.header.Get("X-Request-ID") == "" {
		t.Errorf("the 500 lacks the request ID")
	}
	logs := e.logs.String()
	if !strings.Contains(logs, `"msg":"panic"`) || !strings.Contains(logs, "assignment to entry in nil map") ||
		!strings.Contains(logs, `"route":"/test/panic/:token"`) || !strings.Contains(logs, "meta_test.go") {
		t.Errorf("the panic is not logged with its route and stack:\n%s", logs)
	}
	for _, secret := range []string{"secret-consent-token", "王小雨"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
	if r, _ := send(e.app, "GET", "/healthz", nil, nil); r.status != 200 {
		t.Fatalf("after the panic: %d, want 200", r.status)
	}
}
