package models_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// The domain reads no configuration files: secrets and settings are read by cmd/tongsheng and
// handed over as values (STYLE.md, "the layout tells the architecture").
func TestModelsReadNoFiles(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "os" && (sel.Sel.Name == "ReadFile" || sel.Sel.Name == "Open") {
				t.Errorf("%s: models calls os.%s; configuration is read by cmd/tongsheng", fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
