// Package schema holds the JSON Schemas of mcpriv's public formats — rule
// files (rules.schema.json), `mcpriv scan --format json` (scan.schema.json)
// and the manifest (mcp-capabilities.schema.json) — and checks documents
// against the subset of JSON Schema 2020-12 they use, so tests keep the
// formats and their schemas in step without a schema library.
package schema

import (
	"embed"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

//go:embed *.json
var files embed.FS

// Load returns the decoded schema file name ("rules.schema.json").
func Load(name string) (map[string]any, error) {
	data, err := files.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// JSONValue converts a decoded YAML or Go value into what encoding/json
// would decode from its JSON form (maps with string keys, []any, float64),
// the form Validate takes.
func JSONValue(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(data, &out)
	return out, err
}

// Validate checks v (as decoded by encoding/json) against the schema root
// and returns every violation, each prefixed by its JSON path ("$.rules[3].id").
// It understands type (a name or a list), const, enum, required, properties,
// additionalProperties, propertyNames, items, minItems, uniqueItems,
// minimum, maximum, minLength, pattern, allOf, anyOf, oneOf and local $ref
// ("#/$defs/…", "#/definitions/…"); any other
// keyword is an error, so a schema cannot silently use more than is checked.
func Validate(root map[string]any, v any) []string {
	return validate(root, root, v, "$")
}

var known = map[string]bool{
	"$schema": true, "$id": true, "$ref": true, "$defs": true, "definitions": true, "title": true, "description": true,
	"type": true, "const": true, "enum": true, "required": true, "properties": true, "additionalProperties": true,
	"items": true, "minItems": true, "minimum": true, "maximum": true, "minLength": true, "pattern": true,
	"allOf": true, "anyOf": true, "oneOf": true, "default": true, "examples": true,
	"propertyNames": true, "uniqueItems": true,
}

func validate(root, schema map[string]any, v any, at string) []string {
	var errs []string
	for k := range schema {
		if !known[k] {
			errs = append(errs, fmt.Sprintf("%s: the schema uses keyword %q, which Validate does not check", at, k))
		}
	}
	if ref, ok := schema["$ref"].(string); ok {
		def := resolve(root, ref)
		if def == nil {
			return append(errs, at+": unresolvable $ref "+ref)
		}
		errs = append(errs, validate(root, def, v, at)...)
	}
	for _, s := range list(schema["allOf"]) {
		errs = append(errs, validate(root, s.(map[string]any), v, at)...)
	}
	if anyOf := list(schema["anyOf"]); anyOf != nil && matching(root, anyOf, v, at) == 0 {
		errs = append(errs, fmt.Sprintf("%s: %s matches none of anyOf", at, short(v)))
	}
	if oneOf := list(schema["oneOf"]); oneOf != nil {
		if n := matching(root, oneOf, v, at); n != 1 {
			errs = append(errs, fmt.Sprintf("%s: %s matches %d of oneOf, want 1", at, short(v), n))
		}
	}
	if c, ok := schema["const"]; ok && !reflect.DeepEqual(c, v) {
		errs = append(errs, fmt.Sprintf("%s: %s, want const %v", at, short(v), c))
	}
	if enum := list(schema["enum"]); enum != nil {
		hit := false
		for _, e := range enum {
			hit = hit || reflect.DeepEqual(e, v)
		}
		if !hit {
			errs = append(errs, fmt.Sprintf("%s: %s is not one of %v", at, short(v), enum))
		}
	}
	if t, ok := schema["type"]; ok && !hasAnyType(v, t) {
		return append(errs, fmt.Sprintf("%s: %s, want type %v", at, short(v), t))
	}
	if n, ok := v.(float64); ok {
		if min, ok := schema["minimum"].(float64); ok && n < min {
			errs = append(errs, fmt.Sprintf("%s: %v < minimum %v", at, n, min))
		}
		if max, ok := schema["maximum"].(float64); ok && n > max {
			errs = append(errs, fmt.Sprintf("%s: %v > maximum %v", at, n, max))
		}
	}
	if s, ok := v.(string); ok {
		if min, ok := schema["minLength"].(float64); ok && float64(utf8.RuneCountInString(s)) < min {
			errs = append(errs, fmt.Sprintf("%s: %q is shorter than %v", at, s, min))
		}
		if p, ok := schema["pattern"].(string); ok {
			re, err := regexp.Compile(p)
			switch {
			case err != nil:
				errs = append(errs, fmt.Sprintf("%s: bad pattern in the schema: %v", at, err))
			case !re.MatchString(s):
				errs = append(errs, fmt.Sprintf("%s: %q does not match %s", at, s, p))
			}
		}
	}
	switch v := v.(type) {
	case map[string]any:
		for _, r := range list(schema["required"]) {
			if _, ok := v[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: missing required %q", at, r))
			}
		}
		props, _ := schema["properties"].(map[string]any)
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		pn, _ := schema["propertyNames"].(map[string]any)
		for _, k := range keys {
			if pn != nil {
				errs = append(errs, validate(root, pn, k, at+" (property name "+k+")")...)
			}
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, validate(root, ps, v[k], at+"."+k)...)
			} else if ap, ok := schema["additionalProperties"].(map[string]any); ok {
				errs = append(errs, validate(root, ap, v[k], at+"."+k)...)
			} else if schema["additionalProperties"] == false {
				errs = append(errs, at+": unexpected property "+k)
			}
		}
	case []any:
		if min, ok := schema["minItems"].(float64); ok && float64(len(v)) < min {
			errs = append(errs, fmt.Sprintf("%s: %d items, want at least %v", at, len(v), min))
		}
		if schema["uniqueItems"] == true {
			for i := range v {
				for j := 0; j < i; j++ {
					if reflect.DeepEqual(v[i], v[j]) {
						errs = append(errs, fmt.Sprintf("%s: items %d and %d are equal", at, j, i))
					}
				}
			}
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range v {
				errs = append(errs, validate(root, items, e, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

// resolve looks up a local reference "#/$defs/name" (or "#/definitions/name").
func resolve(root map[string]any, ref string) map[string]any {
	for _, p := range []string{"#/$defs/", "#/definitions/"} {
		if name, ok := strings.CutPrefix(ref, p); ok {
			defs, _ := root[strings.Trim(p, "#/")].(map[string]any)
			def, _ := defs[name].(map[string]any)
			return def
		}
	}
	return nil
}

func matching(root map[string]any, branches []any, v any, at string) int {
	n := 0
	for _, s := range branches {
		if len(validate(root, s.(map[string]any), v, at)) == 0 {
			n++
		}
	}
	return n
}

func list(v any) []any { l, _ := v.([]any); return l }

func short(v any) string {
	s := fmt.Sprintf("%v", v)
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return fmt.Sprintf("%T %s", v, s)
}

func hasAnyType(v any, t any) bool {
	if name, ok := t.(string); ok {
		return hasType(v, name)
	}
	for _, n := range list(t) {
		if s, ok := n.(string); ok && hasType(v, s) {
			return true
		}
	}
	return false
}

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
