// Package archtest checks the import rules of ARCHITECTURE.md on the source
// files of the module (tests excluded: they may import upwards).
package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/actbench/actbench/"

// imports maps each package directory (relative to the module root) to the
// packages its non-test files import.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	root := filepath.Join("..", "..")
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		dir = filepath.ToSlash(dir)
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !slices.Contains(out[dir], p) {
				out[dir] = append(out[dir], p)
			}
		}
		if _, ok := out[dir]; !ok {
			out[dir] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ours lists the module's packages among imports, relative to the module.
func ours(imports []string) []string {
	var out []string
	for _, p := range imports {
		if rest, ok := strings.CutPrefix(p, module); ok {
			out = append(out, rest)
		}
	}
	return out
}

func TestImportRules(t *testing.T) {
	all := imports(t)
	for _, pkg := range []string{"grid", "record", "runner", "report", "stats", "registry", "cli"} {
		if _, ok := all[pkg]; !ok {
			t.Fatalf("package %s not found: the walk is broken", pkg)
		}
	}
	// Which of our packages each may import; a package not listed here is
	// not checked.
	allowed := map[string][]string{
		"stats":             {},
		"datasets":          {},
		"registry":          {"internal/textdist"},
		"internal/textdist": {},
		"internal/filelock": {},
		"internal/textwrap": {},
		"grid":              {"datasets", "models", "registry", "trainer", "internal/textdist"},
		"record":            {"grid", "trainer", "internal/filelock", "internal/outfile"},
		"report":            {"grid", "record", "stats", "registry", "internal/textwrap", "internal/outfile"},
		"runner":            {"grid", "record", "trainer", "datasets", "models", "internal/filelock"},
	}
	for pkg, ok := range allowed {
		for _, p := range ours(all[pkg]) {
			if !slices.Contains(ok, p) {
				t.Errorf("%s imports %s; ARCHITECTURE.md allows %v", pkg, p, ok)
			}
		}
	}
	// report is the only importer of gonum.org/v1/plot.
	for pkg, imps := range all {
		for _, p := range imps {
			if (p == "gonum.org/v1/plot" || strings.HasPrefix(p, "gonum.org/v1/plot/")) && pkg != "report" {
				t.Errorf("%s imports %s: plots belong to package report", pkg, p)
			}
		}
	}
}
