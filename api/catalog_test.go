package api_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"tongsheng/locales"
	"tongsheng/models"
)

func loadCatalog(t *testing.T) *locales.Catalog {
	t.Helper()
	c, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func diff(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

// usedMessageIDs finds every message ID literal in the module's Go code, plus the generic
// message of every error code (answered as "error." + code).
var jsKey = regexp.MustCompile(`\bt\("([a-z_]+\.[a-z_.]+)"`)

func usedMessageIDs(t *testing.T) []string {
	t.Helper()
	literal := regexp.MustCompile(`"((?:error|field|ui|role|notice|notification|moderation)\.[a-z_.]+)"`)
	seen := map[string]bool{}
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "data" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(path, "_test.go") || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".js")) {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		re := literal
		if strings.HasSuffix(path, ".js") {
			re = jsKey // the frontend's t("…") calls
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			if !strings.HasSuffix(m[1], ".") && !strings.HasSuffix(m[1], ".js") { // "notice.js" is a module, not a message
				seen[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []models.Code{models.CodeBadRequest, models.CodeUnauthenticated, models.CodeForbidden,
		models.CodeConsentRequired, models.CodeNotFound, models.CodeConflict, models.CodeInvalidTransition,
		models.CodeStageClosed, models.CodeTooLarge, models.CodeValidationFailed, models.CodeModerationBlocked,
		models.CodeTooManyRequests, models.CodeLocked, models.CodeInternal} {
		seen["error."+string(code)] = true
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
