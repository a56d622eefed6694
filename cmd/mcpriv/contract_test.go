package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/manifest"
	"github.com/mcpriv/mcpriv/analysis/suppress"
)

// eachStringConst calls fn with the name, declared type (nil when none)
// and value of every string constant of the Go package in dir, by parsing
// its source: what the code can emit, not what a list written by hand says.
func eachStringConst(t *testing.T, dir string, fn func(name string, typ ast.Expr, value string)) {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					continue
				}
				for _, sp := range g.Specs {
					vs := sp.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if i >= len(vs.Values) {
							continue
						}
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							s, _ := strconv.Unquote(lit.Value)
							fn(n.Name, vs.Type, s)
						}
					}
				}
			}
		}
	}
}

// stringConsts returns the values of the string constants of the package
// in dir whose names match name, sorted.
func stringConsts(t *testing.T, dir string, name *regexp.Regexp) []string {
	t.Helper()
	var out []string
	eachStringConst(t, dir, func(n string, _ ast.Expr, v string) {
		if name.MatchString(n) {
			out = append(out, v)
		}
	})
	sort.Strings(out)
	return out
}

// typedConsts returns the non-empty values of the string constants of type
// typ declared in the package in dir (`X Typ = "x"`), sorted.
func typedConsts(t *testing.T, dir, typ string) []string {
	t.Helper()
	var out []string
	eachStringConst(t, dir, func(_ string, ty ast.Expr, v string) {
		if id, ok := ty.(*ast.Ident); ok && id.Name == typ && v != "" {
			out = append(out, v)
		}
	})
	sort.Strings(out)
	return out
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	sort.Strings(out)
	return out
}

// schemaEnum returns the enum at a path of $defs/<def>/properties/<prop>
// (the first enum of an anyOf when there is one).
func schemaEnum(t *testing.T, schema map[string]any, def, prop string) []string {
	t.Helper()
	p, _ := schema["$defs"].(map[string]any)[def].(map[string]any)["properties"].(map[string]any)[prop].(map[string]any)
	enum, ok := p["enum"].([]any)
	if !ok {
		for _, b := range asAnyList(p["anyOf"]) {
			if e, ok := b.(map[string]any)["enum"].([]any); ok {
				enum = e
				break
			}
		}
	}
	var out []string
	for _, e := range enum {
		out = append(out, e.(string))
	}
	sort.Strings(out)
	return out
}

func asAnyList(v any) []any { l, _ := v.([]any); return l }

// TestJSONContractEnumerations derives from the code every SDK value a tool
// can carry, every rule ID of the checks and every diagnostic code, and
// requires the docs and the schema to list each (issue 10, item 5: the
// fastmcp-ts value and the suppression rules were emitted and documented
// nowhere).
func TestJSONContractEnumerations(t *testing.T) {
	root := filepath.Join("..", "..")
	sdks := stringConsts(t, filepath.Join(root, "analysis", "facts"), regexp.MustCompile(`^SDK`))
	rules := append(stringConsts(t, filepath.Join(root, "analysis", "manifest"), regexp.MustCompile(`^Rule`)),
		stringConsts(t, filepath.Join(root, "analysis", "suppress"), regexp.MustCompile(`^Rule`))...)
	checkRules := slices.Clone(rules)
	sort.Strings(checkRules)
	rules = append(rules, stringConsts(t, filepath.Join(root, "analysis", "finding"), regexp.MustCompile(`^Rule`))...)
	sort.Strings(rules)
	kinds := stringConsts(t, filepath.Join(root, "analysis", "finding"), regexp.MustCompile(`^Kind`))
	if len(sdks) < 8 || len(rules) < 10 || len(kinds) < 5 {
		t.Fatalf("derived too little from the code: sdks %v, rules %v, kinds %v", sdks, rules, kinds)
	}
	if !slices.Equal(sdks, sorted(facts.SDKs)) {
		t.Errorf("facts.SDKs = %v, the SDK constants are %v", facts.SDKs, sdks)
	}
	if want := sorted(append(slices.Clone(manifest.Rules), suppress.Rules...)); !slices.Equal(checkRules, want) {
		t.Errorf("manifest.Rules + suppress.Rules = %v, the Rule constants are %v", want, checkRules)
	}

	raw, err := os.ReadFile(filepath.Join(docsDir, "schema", "scan.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	if got := schemaEnum(t, schema, "tool", "sdk"); !slices.Equal(got, sdks) {
		t.Errorf("scan.schema.json tool.sdk enum = %v, the code emits %v", got, sdks)
	}
	if got := schemaEnum(t, schema, "finding", "rule"); !slices.Equal(got, rules) {
		t.Errorf("scan.schema.json finding.rule enum = %v, the checks' rules are %v", got, rules)
	}
	roles := stringConsts(t, filepath.Join(root, "analysis", "finding"), regexp.MustCompile(`^Taint[A-Z]`))
	if len(roles) < 2 {
		t.Fatalf("derived too few taint roles from the code: %v", roles)
	}
	if got := schemaEnum(t, schema, "finding", "taintRole"); !slices.Equal(got, append([]string{""}, roles...)) {
		t.Errorf("scan.schema.json finding.taintRole enum = %v, the code emits %v and \"\"", got, roles)
	}
	if got := schemaEnum(t, schema, "finding", "kind"); !slices.Equal(got, kinds) {
		t.Errorf("scan.schema.json finding.kind enum = %v, the code emits %v", got, kinds)
	}
	// Manifest states (NotChecked is "": the key is left out) and severities,
	// from their typed constants.
	states := typedConsts(t, filepath.Join(root, "analysis", "finding"), "ManifestState")
	severities := typedConsts(t, filepath.Join(root, "analysis", "finding"), "Severity")
	if len(states) < 4 || len(severities) < 4 {
		t.Fatalf("derived too few states %v or severities %v from the code", states, severities)
	}
	if got := schemaEnum(t, schema, "finding", "manifest"); !slices.Equal(got, states) {
		t.Errorf("scan.schema.json finding.manifest enum = %v, the code emits %v", got, states)
	}
	if got := schemaEnum(t, schema, "finding", "severity"); !slices.Equal(got, severities) {
		t.Errorf("scan.schema.json finding.severity enum = %v, the code emits %v", got, severities)
	}
	jsonDoc, err := os.ReadFile(filepath.Join(docsDir, "json-output.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range slices.Concat(sdks, rules, kinds, roles, states, severities) {
		if !strings.Contains(string(jsonDoc), "`"+v+"`") {
			t.Errorf("docs/json-output.md does not list `%s`", v)
		}
	}
	lspDoc, err := os.ReadFile(filepath.Join(docsDir, "lsp.md"))
	if err != nil {
		t.Fatal(err)
	}
	// The codes of the editor's diagnostics: a kind, or not-analysed.
	for _, v := range append(slices.Clone(kinds), "not-analysed") {
		if !strings.Contains(string(lspDoc), "`"+v+"`") {
			t.Errorf("docs/lsp.md does not list the diagnostic code `%s`", v)
		}
	}
}

// Nothing sets a tool's SDK or a check's rule from a literal: the constants
// above are all the values there are.
func TestContractValuesOnlyFromConstants(t *testing.T) {
	bad := regexp.MustCompile(`(?:\bSDK\s*:|\.SDK\s*=|\bsdk\w*\s*=)\s*"|\b(?:Rule\s*:|mk\()\s*"(?:manifest|suppression)\.`)
	root := filepath.Join("..", "..")
	for _, dir := range []string{"analysis", "lsp", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return fs.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for i, line := range strings.Split(string(b), "\n") {
				if bad.MatchString(line) {
					t.Errorf("%s:%d: a contract value from a literal, not a constant: %s", p, i+1, strings.TrimSpace(line))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
