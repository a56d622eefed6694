package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// schemaPath is the published JSON contract; the printer is checked against
// it so the two cannot drift apart.
var schemaPath = filepath.Join("..", "..", "..", "docs", "schema", "scan.schema.json")

// validate checks v against the subset of JSON Schema 2020-12 the contract
// uses: type, const, enum, required, properties, additionalProperties,
// items, minimum, allOf, anyOf and local $ref. It returns every violation.
func validate(root, schema map[string]any, v any, at string) []string {
	var errs []string
	if ref, ok := schema["$ref"].(string); ok {
		name, found := strings.CutPrefix(ref, "#/$defs/")
		def, _ := root["$defs"].(map[string]any)[name].(map[string]any)
		if !found || def == nil {
			return []string{at + ": unresolvable $ref " + ref}
		}
		errs = append(errs, validate(root, def, v, at)...)
	}
	if all, ok := schema["allOf"].([]any); ok {
		for _, s := range all {
			errs = append(errs, validate(root, s.(map[string]any), v, at)...)
		}
	}
	if anyOf, ok := schema["anyOf"].([]any); ok {
		matched := false
		for _, s := range anyOf {
			matched = matched || len(validate(root, s.(map[string]any), v, at)) == 0
		}
		if !matched {
			errs = append(errs, fmt.Sprintf("%s: %v matches no anyOf branch", at, v))
		}
	}
	if c, ok := schema["const"]; ok && !reflect.DeepEqual(c, v) {
		errs = append(errs, fmt.Sprintf("%s: %v, want const %v", at, v, c))
	}
	if enum, ok := schema["enum"].([]any); ok {
		hit := false
		for _, e := range enum {
			hit = hit || reflect.DeepEqual(e, v)
		}
		if !hit {
			errs = append(errs, fmt.Sprintf("%s: %v not in enum %v", at, v, enum))
		}
	}
	if t, ok := schema["type"].(string); ok && !hasType(v, t) {
		return append(errs, fmt.Sprintf("%s: %T, want %s", at, v, t))
	}
	if min, ok := schema["minimum"].(float64); ok {
		if n, isNum := v.(float64); isNum && n < min {
			errs = append(errs, fmt.Sprintf("%s: %v < minimum %v", at, n, min))
		}
	}
	switch v := v.(type) {
	case map[string]any:
		for _, r := range asList(schema["required"]) {
			if _, ok := v[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: missing required %q", at, r))
			}
		}
		props, _ := schema["properties"].(map[string]any)
		for k, val := range v {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, validate(root, ps, val, at+"."+k)...)
			} else if ap, ok := schema["additionalProperties"].(map[string]any); ok {
				errs = append(errs, validate(root, ap, val, at+"."+k)...)
			} else if schema["additionalProperties"] == false {
				errs = append(errs, at+": unexpected property "+k)
			}
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range v {
				errs = append(errs, validate(root, items, e, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

func asList(v any) []any { l, _ := v.([]any); return l }

func hasType(v any, t string) bool {
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "integer":
		n, ok := v.(float64)
		return ok && n == float64(int64(n))
	case "number":
		_, ok := v.(float64)
		return ok
	case "null":
		return v == nil
	}
	return false
}

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	return s
}

// TestJSONMatchesSchema checks the printer's output for the hand-built
// result and the CLI's JSON goldens (testdata/scan) against the schema.
func TestJSONMatchesSchema(t *testing.T) {
	schema := loadSchema(t)
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
		for _, e := range validate(schema, schema, v, "$") {
			t.Errorf("%s: %s", name, e)
		}
	}
}

// The checker itself must catch contract breaks, or the test above proves
// nothing.
func TestSchemaCheckerCatchesBreaks(t *testing.T) {
	schema := loadSchema(t)
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
			if errs := validate(schema, schema, m, "$"); len(errs) == 0 {
				t.Errorf("checker accepted a broken document")
			}
		})
	}
}

func finding0(m map[string]any) map[string]any { return m["findings"].([]any)[0].(map[string]any) }
