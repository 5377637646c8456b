package frontend

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

// Entries are the page types of the web app. Each is an entry module that its own copy of
// index.html loads: the children's app, the staff desk, the guardian's consent page and the
// public notice. Pages share code through the modules they import and never import one another.
var Entries = []string{"child.js", "staff.js", "guardian.js", NoticeEntry}

// NoticeEntry is the public notice's page type (公示), served without sign-in.
const NoticeEntry = "notice.js"

// Shell is the leaf module of shared helpers (language, fetch, DOM, read-aloud, routing); it
// imports nothing, so every module may import it without a cycle.
const Shell = "shell.js"

var (
	// staticImport finds `import … from "x"`, `export … from "x"` (over several lines) and a bare
	// `import "x"` at the start of a line.
	staticImport  = regexp.MustCompile(`(?m)^\s*(?:(?:import|export)\s+[\w\s{},*$]*?\s*from\s*|import\s*)["']([^"']+)["']`)
	dynamicImport = regexp.MustCompile(`\bimport\s*\(\s*["']([^"']+)["']\s*\)`)
)

// Imports are the modules one module imports, as file names in the site.
type Imports struct {
	Static  []string // fetched before the module runs
	Dynamic []string // import(…) at run time
}

// ParseImports reads the import statements of the module name. A specifier that is not a
// relative path inside the site is an error: the app loads nothing from elsewhere.
func ParseImports(name string, src []byte) (Imports, error) {
	var out Imports
	resolve := func(spec string) (string, error) {
		if !strings.HasPrefix(spec, "./") && !strings.HasPrefix(spec, "../") {
			return "", fmt.Errorf("%s imports %q, which is not a relative path", name, spec)
		}
		p := path.Join(path.Dir(name), spec)
		if strings.HasPrefix(p, "../") {
			return "", fmt.Errorf("%s imports %q, outside the site", name, spec)
		}
		return p, nil
	}
	for _, m := range staticImport.FindAllSubmatch(src, -1) {
		p, err := resolve(string(m[1]))
		if err != nil {
			return out, err
		}
		out.Static = append(out.Static, p)
	}
	for _, m := range dynamicImport.FindAllSubmatch(src, -1) {
		p, err := resolve(string(m[1]))
		if err != nil {
			return out, err
		}
		out.Dynamic = append(out.Dynamic, p)
	}
	return out, nil
}

// preloads lists every module entry needs before it runs (its static imports, transitively),
// sorted, for <link rel="modulepreload">: the browser then fetches them all at once instead of
// one import level after another.
func (s *Site) preloads(entry string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(m string) {
		for _, d := range s.Imports[m].Static {
			if !seen[d] {
				seen[d] = true
				walk(d)
			}
		}
	}
	walk(entry)
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}
