package rules_test

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/scope"
	"github.com/mcpriv/mcpriv/docs/schema"
	"github.com/mcpriv/mcpriv/rules"
)

func loadRuleSchema(t *testing.T) map[string]any {
	t.Helper()
	s, err := schema.Load("rules.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateYAML(t *testing.T, s map[string]any, data []byte) []string {
	t.Helper()
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	v, err := schema.JSONValue(doc)
	if err != nil {
		t.Fatal(err)
	}
	return schema.Validate(s, v)
}

// TestEmbeddedRulesMatchSchema validates every built-in rule file against
// docs/schema/rules.schema.json.
func TestEmbeddedRulesMatchSchema(t *testing.T) {
	s := loadRuleSchema(t)
	names, err := filepath.Glob("*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no rule files: %v", err)
	}
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range validateYAML(t, s, data) {
			t.Errorf("%s: %s", n, e)
		}
	}
}

// TestSchemaRejects: files the loader rejects for their shape, the schema
// rejects too (the validator is not vacuous).
func TestSchemaRejects(t *testing.T) {
	s := loadRuleSchema(t)
	const ok = `language: js
rules:
  - id: js.acme.upload
    capability: network.client
    modules: ["@acme/sdk"]
    calls: [upload]
    scope: [{arg: 0, kind: url}]
    when: [{arg: 1, absent: true}]
    message: uploads
    examples:
      match: ["import { upload } from '@acme/sdk'; upload(u);", {code: "x", file: a.js, scope: h}]
      noMatch: [{code: "y"}]
`
	if errs := validateYAML(t, s, []byte(ok)); len(errs) > 0 {
		t.Fatalf("a valid file is rejected: %v", errs)
	}
	for _, tc := range []struct{ name, from, to, want string }{
		{"unknown field", "message: uploads", "mesage: uploads", "unexpected property mesage"},
		{"bad capability", "network.client", "network.clinet", "is not one of"},
		{"bad id", "id: js.acme.upload", "id: upload", "does not match"},
		{"no calls or access", "    calls: [upload]\n", "", "matches none of anyOf"},
		{"empty modules", `modules: ["@acme/sdk"]`, "modules: []", "want at least 1"},
		{"bad scope kind", "kind: url", "kind: uri", "is not one of"},
		{"scope arg out of range", "arg: 0, kind", "arg: 99, kind", "> maximum"},
		{"condition tests nothing", "{arg: 1, absent: true}", "{arg: 1}", "matches none of anyOf"},
		{"bad language", "language: js", "language: ruby", "is not one of"},
		{"example not code", `{code: "y"}`, "42", "matches 0 of oneOf"},
		{"scope on a noMatch example", `{code: "y"}`, `{code: "y", scope: h}`, "matches 0 of oneOf"},
		{"example file with a path", "file: a.js", "file: src/a.js", "matches 0 of oneOf"},
		{"unknown examples key", "      noMatch:", "      nomatch:", "unexpected property nomatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(ok, tc.from, tc.to, 1)
			if doc == ok {
				t.Fatalf("%q is not in the file", tc.from)
			}
			errs := validateYAML(t, s, []byte(doc))
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tc.want) }) {
				t.Errorf("want an error with %q, got %v", tc.want, errs)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "r.yaml"), []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := rules.Load(dir); err == nil {
				t.Errorf("the loader accepts what the schema rejects")
			}
		})
	}
}

// TestSchemaInStep keeps the schema's field lists and enums equal to the
// Go types and tables they describe.
func TestSchemaInStep(t *testing.T) {
	s := loadRuleSchema(t)
	defs := s["$defs"].(map[string]any)
	propsOf := func(def string) []string {
		var out []string
		props := defs[def].(map[string]any)["properties"].(map[string]any)
		for k := range props {
			out = append(out, k)
		}
		if def == "example" || def == "exampleNoScope" {
			return nil
		}
		sort.Strings(out)
		return out
	}
	tags := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := 0; i < rt.NumField(); i++ {
			if tag := strings.Split(rt.Field(i).Tag.Get("yaml"), ",")[0]; tag != "" && tag != "-" {
				out = append(out, tag)
			}
		}
		sort.Strings(out)
		return out
	}
	for def, v := range map[string]any{"rule": rules.Rule{}, "scopeArg": rules.ScopeArg{}, "condition": rules.Condition{}, "examples": rules.Examples{}} {
		if got, want := propsOf(def), tags(v); !slices.Equal(got, want) {
			t.Errorf("schema $defs.%s properties %v, Go fields %v", def, got, want)
		}
	}
	ex := defs["example"].(map[string]any)["oneOf"].([]any)[1].(map[string]any)["properties"].(map[string]any)
	var exProps []string
	for k := range ex {
		exProps = append(exProps, k)
	}
	sort.Strings(exProps)
	if want := tags(rules.Example{}); !slices.Equal(exProps, want) {
		t.Errorf("schema example properties %v, Go fields %v", exProps, want)
	}
	enum := func(def string) []string {
		var out []string
		for _, e := range defs[def].(map[string]any)["enum"].([]any) {
			out = append(out, e.(string))
		}
		sort.Strings(out)
		return out
	}
	if got, want := enum("capability"), capability.IDs(); !slices.Equal(got, want) {
		t.Errorf("schema capabilities %v, taxonomy %v", got, want)
	}
	if got, want := enum("language"), slices.Sorted(slices.Values(rules.Families)); !slices.Equal(got, want) {
		t.Errorf("schema languages %v, rule families %v", got, want)
	}
	var kinds []string
	for _, e := range defs["scopeArg"].(map[string]any)["properties"].(map[string]any)["kind"].(map[string]any)["enum"].([]any) {
		kinds = append(kinds, e.(string))
	}
	if !slices.Equal(kinds, scope.Kinds) {
		t.Errorf("schema scope kinds %v, scope.Kinds %v", kinds, scope.Kinds)
	}
}
