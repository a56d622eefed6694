package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/docs/schema"
)

// loadSchema returns the published JSON contract; the printer is checked
// against it so the two cannot drift apart.
func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	s, err := schema.Load("scan.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(root map[string]any, v any) []string { return schema.Validate(root, v) }

// TestJSONMatchesSchema checks the printer's output for the hand-built
// result and the CLI's JSON goldens (testdata/scan) against the schema.
func TestJSONMatchesSchema(t *testing.T) {
	sch := loadSchema(t)
	var b bytes.Buffer
	if err := JSON(&b, sampleResult(t), Options{}); err != nil {
		t.Fatal(err)
	}
	docs := map[string][]byte{"sample": b.Bytes()}
	goldens, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "scan", "*.json"))
	for _, g := range goldens {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		docs[g] = data
	}
	for name, data := range docs {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, e := range validate(sch, v) {
			t.Errorf("%s: %s", name, e)
		}
	}
}

// The checker itself must catch contract breaks, or the test above proves
// nothing.
func TestSchemaCheckerCatchesBreaks(t *testing.T) {
	sch := loadSchema(t)
	var b bytes.Buffer
	if err := JSON(&b, sampleResult(t), Options{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		break_ func(m map[string]any)
	}{
		{"missing version", func(m map[string]any) { delete(m, "version") }},
		{"wrong version", func(m map[string]any) { m["version"] = 2.0 }},
		{"zero line", func(m map[string]any) { finding0(m)["line"] = 0.0 }},
		{"string column", func(m map[string]any) { finding0(m)["column"] = "5" }},
		{"unknown capability", func(m map[string]any) { finding0(m)["capability"] = "net.client" }},
		{"empty tool capability", func(m map[string]any) {
			m["tools"].([]any)[0].(map[string]any)["capabilities"] = []any{""}
		}},
		{"missing tools", func(m map[string]any) { delete(finding0(m), "tools") }},
		{"bad severity", func(m map[string]any) { finding0(m)["severity"] = "fatal" }},
		{"suppressed without reason", func(m map[string]any) { delete(m["suppressed"].([]any)[0].(map[string]any), "reason") }},
		{"site without line", func(m map[string]any) {
			delete(m["tools"].([]any)[1].(map[string]any)["sites"].([]any)[0].(map[string]any), "line")
		}},
		{"tool capability", func(m map[string]any) {
			m["tools"].([]any)[0].(map[string]any)["capabilities"] = []any{"fs.write"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(b.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			tc.break_(m)
			if errs := validate(sch, m); len(errs) == 0 {
				t.Errorf("checker accepted a broken document")
			}
		})
	}
}

func finding0(m map[string]any) map[string]any { return m["findings"].([]any)[0].(map[string]any) }

// TestJSONFieldsDocumented requires every key the printer can write — of
// the document, a finding, a tool and an error — to be a property of the
// schema's matching definition and a row of docs/json-output.md (scopeEnv
// and scopeOverride were added with env and library defaults; the schema
// does not forbid unknown keys, so only this test sees one left out).
func TestJSONFieldsDocumented(t *testing.T) {
	sch := loadSchema(t)
	defs, _ := sch["$defs"].(map[string]any)
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "json-output.md"))
	if err != nil {
		t.Fatal(err)
	}
	propsOf := func(def string) map[string]any {
		if def == "" {
			p, _ := sch["properties"].(map[string]any)
			return p
		}
		p, _ := defs[def].(map[string]any)["properties"].(map[string]any)
		return p
	}
	checked := 0
	for _, c := range []struct {
		def string
		typ reflect.Type
	}{
		{"", reflect.TypeOf(jsonOutput{})},
		{"finding", reflect.TypeOf(jsonFinding{})},
		{"tool", reflect.TypeOf(jsonTool{})},
		{"fileError", reflect.TypeOf(jsonFileError{})},
	} {
		props := propsOf(c.def)
		if len(props) == 0 {
			t.Fatalf("scan.schema.json has no properties for %q", c.def)
		}
		for i := 0; i < c.typ.NumField(); i++ {
			name, _, _ := strings.Cut(c.typ.Field(i).Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			checked++
			_, ok := props[name]
			if !ok && c.def == "finding" && name == "reason" {
				_, ok = propsOf("suppressedFinding")[name] // the suppressed finding's own definition
			}
			if !ok {
				t.Errorf("scan.schema.json %s has no property %q", cmp.Or(c.def, "top level"), name)
			}
			if !bytes.Contains(doc, []byte("`"+name+"`")) {
				t.Errorf("docs/json-output.md does not describe the %s key `%s`", cmp.Or(c.def, "top-level"), name)
			}
		}
	}
	if checked < 40 {
		t.Fatalf("only %d keys checked", checked)
	}
}
