package api_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"tongsheng/frontend"
)

// Tablets on school Wi-Fi get the app's files and the catalog gzipped when they ask for it, and
// the same bytes either way; a client that does not ask gets them plain.
func TestFrontendFilesAreGzipped(t *testing.T) {
	e, _ := browserEnv(t)
	site, err := frontend.Load()
	if err != nil {
		t.Fatal(err)
	}
	gunzip := func(s string) string {
		zr, err := gzip.NewReader(strings.NewReader(s))
		if err != nil {
			t.Fatalf("not gzip: %v", err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, url := range []string{"/static/" + site.Hash + "/child.js", "/static/" + site.Hash + "/app.css", "/api/v1/i18n/zh-CN"} {
		plain := e.do("GET", url, "", nil, nil)
		zipped := e.do("GET", url, "", nil, map[string]string{"Accept-Encoding": "gzip, deflate"})
		if plain.status != 200 || zipped.status != 200 {
			t.Fatalf("%s: %d and %d", url, plain.status, zipped.status)
		}
		if enc := plain.header.Get("Content-Encoding"); enc != "" {
			t.Errorf("%s without Accept-Encoding came as %q", url, enc)
		}
		if enc := zipped.header.Get("Content-Encoding"); enc != "gzip" {
			t.Fatalf("%s with Accept-Encoding: gzip came as %q", url, enc)
		}
		if !strings.Contains(zipped.header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s does not vary by Accept-Encoding, so a cache could serve gzip to a client that cannot read it", url)
		}
		if got := gunzip(zipped.body); !bytes.Equal([]byte(got), []byte(plain.body)) {
			t.Errorf("%s: the gzipped body differs from the plain one", url)
		}
		if len(zipped.body)*2 > len(plain.body) {
			t.Errorf("%s: gzip saved little: %d of %d bytes", url, len(zipped.body), len(plain.body))
		}
	}
}

// Only the app's own files answer under the current hash; anything else is 404.
func TestStaticFilesOutsideTheSiteAre404(t *testing.T) {
	e, _ := browserEnv(t)
	site, err := frontend.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, url := range []string{
		"/static/000000000000/child.js",           // a stale hash
		"/static/" + site.Hash + "/nothing.js",    // no such file
		"/static/" + site.Hash + "/index.html",    // pages are served at their addresses only
		"/static/" + site.Hash + "/../../go.mod",  // outside the site
		"/static/" + site.Hash + "/%2e%2e/go.mod", // the same, escaped
	} {
		if r := e.do("GET", url, "", nil, nil); r.status != 404 {
			t.Errorf("%s: %d, want 404", url, r.status)
		}
	}
	if r := e.do("GET", "/static/"+site.Hash+"/shell.js", "", nil, nil); r.status != 200 || !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
		t.Errorf("shell.js: %d %q", r.status, r.header.Get("Cache-Control"))
	}
}

// Each page address loads the entry module of its page type, and asks for every module that
// entry imports at once (modulepreload), all under the current hash; the page itself is never
// cached, so a new hash reaches a tablet on its next load.
// deskModules are the modules the staff desk preloads: its screens, what they share, the shared
// proposal view and the shell.
var deskModules = []string{"desk-audit.js", "desk-common.js", "desk-list.js", "desk-members.js", "desk-proposal.js", "desk-queue.js", "plan.js", "proposal-view.js", "shell.js"}

func TestPagesLoadTheirEntryModule(t *testing.T) {
	e, _ := browserEnv(t)
	site, err := frontend.Load()
	if err != nil {
		t.Fatal(err)
	}
	prefix := "/static/" + site.Hash + "/"
	for url, want := range map[string]struct {
		entry    string
		preloads []string
	}{
		"/":                  {"child.js", []string{"proposal-view.js", "shell.js"}},
		"/inbox":             {"child.js", []string{"proposal-view.js", "shell.js"}},
		"/proposals/x":       {"child.js", []string{"proposal-view.js", "shell.js"}},
		"/consent/abc":       {"guardian.js", []string{"shell.js"}},
		"/staff":             {"staff.js", deskModules},
		"/staff/proposals/x": {"staff.js", deskModules},
		"/notice":            {"notice.js", []string{"proposal-view.js", "shell.js"}},
	} {
		r := e.do("GET", url, "", nil, nil)
		// The app's pages are never stored: Back after sign-out on a shared tablet must not show
		// the last user's screen. The public notice holds nothing personal and is revalidated.
		cache := "no-store"
		if url == "/notice" {
			cache = "no-cache"
		}
		if r.status != 200 || r.header.Get("Cache-Control") != cache {
			t.Fatalf("%s: %d %q, want %q", url, r.status, r.header.Get("Cache-Control"), cache)
		}
		if !strings.Contains(r.body, `<script type="module" src="`+prefix+want.entry+`"></script>`) {
			t.Errorf("%s does not load %s:\n%s", url, want.entry, r.body)
		}
		// The children's page also carries its first screen's data in a JSON block, which never runs.
		if n := strings.Count(r.body, `<script`) - strings.Count(r.body, `<script type="application/json" id="boot">`); n != 1 {
			t.Errorf("%s has %d scripts, want 1", url, n)
		}
		var preloads []string
		for _, part := range strings.Split(r.body, `<link rel="modulepreload" href="`)[1:] {
			preloads = append(preloads, strings.TrimPrefix(part[:strings.Index(part, `"`)], prefix))
		}
		if strings.Join(preloads, " ") != strings.Join(want.preloads, " ") {
			t.Errorf("%s preloads %v, want %v", url, preloads, want.preloads)
		}
		if strings.Contains(r.body, "HASH") || strings.Contains(r.body, "<!-- modules -->") {
			t.Errorf("%s still has a placeholder", url)
		}
	}
}
