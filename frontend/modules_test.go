package frontend_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"tongsheng/frontend"
)

// The parser finds every form of import the app may use, and only imports.
func TestParseImports(t *testing.T) {
	src := `// import x from "./commented.js" is not at the start of a line
import { a, b as c } from "./shell.js";
import {
  d,
  e,
} from "./proposal-view.js";
import * as all from './single.js';
import "./side-effect.js";
export { f } from "./re-export.js";
export const list = ["./not-a-module.js"];
export function show() { return import("./later.js"); }
const s = "import x from './in-a-string.js'";
`
	got, err := frontend.ParseImports("page.js", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"shell.js", "proposal-view.js", "single.js", "side-effect.js", "re-export.js"}; !slices.Equal(got.Static, want) {
		t.Errorf("static imports %v, want %v", got.Static, want)
	}
	if want := []string{"later.js"}; !slices.Equal(got.Dynamic, want) {
		t.Errorf("dynamic imports %v, want %v", got.Dynamic, want)
	}
	for _, bad := range []string{`import x from "https://cdn.example/x.js";`, `import x from "../../outside.js";`, `import x from "bare";`} {
		if _, err := frontend.ParseImports("page.js", []byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// The modules form a graph without cycles in which the shell is a leaf and no page imports
// another page: each page type loads only what it needs, and a change to one page cannot break
// another through an import.
func TestImportGraph(t *testing.T) {
	site, err := frontend.Load()
	if err != nil {
		t.Fatal(err)
	}
	if problems := checkGraph(site.Imports, frontend.Entries, frontend.Shell); len(problems) > 0 {
		t.Fatalf("the module graph:\n%s", strings.Join(problems, "\n"))
	}
	for _, entry := range frontend.Entries {
		if !slices.Contains(site.Imports[entry].Static, frontend.Shell) {
			t.Errorf("%s does not import %s", entry, frontend.Shell)
		}
	}
}

// The check itself catches each kind of fault.
func TestImportGraphCheckFindsFaults(t *testing.T) {
	pages := []string{"child.js", "staff.js"}
	for name, graph := range map[string]map[string]frontend.Imports{
		"a page imports a page":     {"child.js": {Static: []string{"shell.js"}}, "staff.js": {Static: []string{"child.js"}}, "shell.js": {}},
		"a page loads a page later": {"child.js": {Dynamic: []string{"staff.js"}}, "staff.js": {}, "shell.js": {}},
		"the shell imports":         {"child.js": {Static: []string{"shell.js"}}, "staff.js": {}, "shell.js": {Static: []string{"view.js"}}, "view.js": {}},
		"a cycle":                   {"child.js": {Static: []string{"a.js"}}, "staff.js": {}, "shell.js": {}, "a.js": {Static: []string{"b.js"}}, "b.js": {Static: []string{"a.js"}}},
		"a missing module":          {"child.js": {Static: []string{"gone.js"}}, "staff.js": {}, "shell.js": {}},
	} {
		if problems := checkGraph(graph, pages, "shell.js"); len(problems) == 0 {
			t.Errorf("%s: not found", name)
		}
	}
}

// checkGraph lists what is wrong with a module graph: imports of missing modules, imports of a
// page (an entry) by anything, imports by the shell, and cycles.
func checkGraph(graph map[string]frontend.Imports, entries []string, shell string) []string {
	var problems []string
	names := make([]string, 0, len(graph))
	for n := range graph {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		imp := graph[n]
		all := append(slices.Clone(imp.Static), imp.Dynamic...)
		if n == shell && len(all) > 0 {
			problems = append(problems, fmt.Sprintf("%s is the leaf of shared helpers but imports %v", n, all))
		}
		for _, d := range all {
			if _, ok := graph[d]; !ok {
				problems = append(problems, fmt.Sprintf("%s imports %s, which does not exist", n, d))
			}
			if slices.Contains(entries, d) {
				problems = append(problems, fmt.Sprintf("%s imports the page %s", n, d))
			}
		}
	}
	// Depth-first search; a module met again while still on the path closes a cycle.
	const (
		unseen = iota
		onPath
		done
	)
	mark := map[string]int{}
	var path []string
	var visit func(string)
	visit = func(n string) {
		mark[n] = onPath
		path = append(path, n)
		imp := graph[n]
		for _, d := range append(slices.Clone(imp.Static), imp.Dynamic...) {
			switch mark[d] {
			case onPath:
				i := slices.Index(path, d)
				problems = append(problems, "a cycle: "+strings.Join(append(slices.Clone(path[i:]), d), " → "))
			case unseen:
				if _, ok := graph[d]; ok {
					visit(d)
				}
			}
		}
		path = path[:len(path)-1]
		mark[n] = done
	}
	for _, n := range names {
		if mark[n] == unseen {
			visit(n)
		}
	}
	return problems
}

// The pages a person signs in to name the web manifest (adding the app to a tablet's home
// screen); the public notice, read by anyone, does not, and so costs no request for it.
func TestManifestOnlyOnTheAppsPages(t *testing.T) {
	site, err := frontend.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, entry := range frontend.Entries {
		has := strings.Contains(string(site.Pages[entry]), `rel="manifest"`)
		if has == (entry == frontend.NoticeEntry) {
			t.Errorf("%s: manifest link %v", entry, has)
		}
	}
}
