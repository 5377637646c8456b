package api_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// The children's page carries its catalog (in the device's language) and the enums, and
// preloads what a signed-in child's first screen asks for; nothing personal is in the page.
func TestChildPageCarriesItsFirstScreen(t *testing.T) {
	e, _ := browserEnv(t) // an app that serves the web app
	boot := func(body string) map[string]any {
		t.Helper()
		start := strings.Index(body, `<script type="application/json" id="boot">`)
		if start < 0 {
			t.Fatalf("no data block: %s", body)
		}
		rest := body[start+len(`<script type="application/json" id="boot">`):]
		var out map[string]any
		if err := json.Unmarshal([]byte(rest[:strings.Index(rest, "</script>")]), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	r := e.do("GET", "/", "", nil, nil)
	b := boot(r.body)
	if b["lang"] != "zh-CN" || b["messages"].(map[string]any)["ui.app_name"] != "童声" || b["meta"].(map[string]any)["stages"] == nil {
		t.Errorf("the default page's data: lang %v", b["lang"])
	}
	if strings.Contains(r.body, `rel="preload"`) {
		t.Errorf("a signed-out page preloads a child's data: %s", r.body)
	}
	en := e.do("GET", "/", "", nil, map[string]string{"Cookie": "ts-lang=en; tongsheng_session=x"})
	if b := boot(en.body); b["lang"] != "en" || b["messages"].(map[string]any)["ui.app_name"] != "Tongsheng" {
		t.Errorf("the English device's page: %v", b["lang"])
	}
	for _, want := range []string{`<link rel="preload" href="/api/v1/me" as="fetch" crossorigin>`, `href="/api/v1/proposals?limit=100"`} {
		if !strings.Contains(en.body, want) {
			t.Errorf("the signed-in home lacks %s", want)
		}
	}
	if p := e.do("GET", "/proposals/x", "", nil, map[string]string{"Cookie": "tongsheng_session=x"}); strings.Contains(p.body, "/api/v1/proposals?limit") || !strings.Contains(p.body, "/api/v1/me") {
		t.Errorf("a proposal page preloads the wrong things: %s", p.body)
	}
	if odd := e.do("GET", "/", "", nil, map[string]string{"Cookie": "ts-lang=<script>"}); boot(odd.body)["lang"] != "zh-CN" {
		t.Errorf("an unknown language cookie was used")
	}
	if g := e.do("GET", "/consent/abc", "", nil, nil); strings.Contains(g.body, `id="boot"`) {
		t.Errorf("the guardian page carries the children's data")
	}
}
