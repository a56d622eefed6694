package schema

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal([]byte(`{
	  "type": "object", "required": ["n"], "additionalProperties": false,
	  "propertyNames": {"pattern": "^[a-z]+$"},
	  "properties": {
	    "n": {"type": "integer", "minimum": 1, "maximum": 3},
	    "s": {"type": ["string", "null"], "minLength": 2, "pattern": "^a"},
	    "l": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"$ref": "#/$defs/e"}}
	  },
	  "$defs": {"e": {"oneOf": [{"type": "string"}, {"type": "object", "required": ["code"]}]}}
	}`), &root); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		doc  string
		want []string // substrings, one per expected error; none: valid
	}{
		{`{"n": 2, "s": "ab", "l": ["x", {"code": "y"}]}`, nil},
		{`{"n": 2, "s": null}`, nil},
		{`{}`, []string{`missing required "n"`}},
		{`{"n": 2.5}`, []string{"want type integer"}},
		{`{"n": 0}`, []string{"< minimum"}},
		{`{"n": 4}`, []string{"> maximum"}},
		{`{"n": 1, "s": "b"}`, []string{"shorter than", "does not match"}},
		{`{"n": 1, "l": []}`, []string{"want at least 1"}},
		{`{"n": 1, "l": ["x", "x"]}`, []string{"are equal"}},
		{`{"n": 1, "l": [3]}`, []string{"matches 0 of oneOf"}},
		{`{"n": 1, "x": 1}`, []string{"unexpected property x"}},
		{`{"n": 1, "X": 1}`, []string{"does not match ^[a-z]+$", "unexpected property X"}},
	} {
		var v any
		if err := json.Unmarshal([]byte(tc.doc), &v); err != nil {
			t.Fatal(err)
		}
		errs := Validate(root, v)
		if len(errs) != len(tc.want) {
			t.Errorf("%s: errors %q, want %d", tc.doc, errs, len(tc.want))
			continue
		}
		for _, w := range tc.want {
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, w) }) {
				t.Errorf("%s: errors %q lack %q", tc.doc, errs, w)
			}
		}
	}
	// A keyword Validate does not check is an error, never silently passed.
	errs := Validate(map[string]any{"multipleOf": 2.0}, 3.0)
	if len(errs) != 1 || !strings.Contains(errs[0], `"multipleOf"`) {
		t.Errorf("unknown keyword: %q", errs)
	}
}

// TestSchemasUseKnownKeywords: every published schema is JSON and every
// subschema in it uses only keywords Validate checks.
func TestSchemasUseKnownKeywords(t *testing.T) {
	var walk func(name, at string, s map[string]any)
	walk = func(name, at string, s map[string]any) {
		for k, v := range s {
			if !known[k] {
				t.Errorf("%s: %s uses keyword %q", name, at, k)
			}
			switch k {
			case "properties", "$defs", "definitions":
				for pk, pv := range v.(map[string]any) {
					walk(name, at+"."+k+"."+pk, pv.(map[string]any))
				}
			case "items", "additionalProperties", "propertyNames":
				if m, ok := v.(map[string]any); ok {
					walk(name, at+"."+k, m)
				}
			case "allOf", "anyOf", "oneOf":
				for i, b := range v.([]any) {
					walk(name, fmt.Sprintf("%s.%s[%d]", at, k, i), b.(map[string]any))
				}
			}
		}
	}
	for _, n := range []string{"rules.schema.json", "scan.schema.json", "mcp-capabilities.schema.json"} {
		s, err := Load(n)
		if err != nil {
			t.Fatal(err)
		}
		walk(n, "$", s)
	}
}
