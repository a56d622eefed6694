package golang

import (
	"reflect"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Typed tool inputs (go-sdk mcp.AddTool, mcp-go NewTypedToolHandler,
// BindArguments) are decoded from JSON with encoding/json, so the input
// field the model fills is a struct field's JSON name, not its Go name.
// Selecting a field of a value whose struct type is declared in this file
// puts the JSON name in the ParamRef path (args.Path with `json:"path"` →
// ["path"]); types of other files keep the Go name.

// Special values of a field's JSON name.
const (
	jsonHidden = "\x00-" // `json:"-"` or unexported: never decoded from input
	jsonFlat   = "\x00"  // embedded without a tag: its fields are promoted
)

// structJSON maps the fields of a struct_type node whose JSON name differs
// from the Go name. nil when every field keeps its name.
func structJSON(t *tree, st int32) map[string]string {
	var m map[string]string
	set := func(k, v string) {
		if m == nil {
			m = map[string]string{}
		}
		m[k] = v
	}
	list := t.kid(st, "field_declaration_list")
	for _, fd := range t.kids(list) {
		if t.typ(fd) != "field_declaration" {
			continue
		}
		tag, hasTag := "", false
		var names []string
		for _, k := range t.kids(fd) {
			switch t.typ(k) {
			case "field_identifier":
				names = append(names, t.text(k))
			case "raw_string_literal", "interpreted_string_literal":
				if s, ok := stringLit(t, k); ok {
					tag, hasTag = reflect.StructTag(s).Lookup("json")
				}
			}
		}
		jname, _, _ := strings.Cut(tag, ",")
		if len(names) == 0 { // embedded
			ty := paramType(t, fd)
			name := embeddedName(t, ty)
			switch {
			case name == "":
			case hasTag && tag == "-":
				set(name, jsonHidden)
			case jname != "":
				set(name, jname)
			case t.typ(ty) == "qualified_type" || (t.typ(ty) == "pointer_type" && t.typ(t.nth(ty, 0)) == "qualified_type"):
				// a library type: whether it is a struct is not known here
			default:
				set(name, jsonFlat) // confirmed as a local struct when selected
			}
			continue
		}
		for _, name := range names {
			switch {
			case hasTag && tag == "-":
				set(name, jsonHidden)
			case !exported(name):
				set(name, jsonHidden)
			case jname != "" && jname != name:
				set(name, jname)
			}
		}
	}
	return m
}

func exported(name string) bool {
	return name != "" && name[0] >= 'A' && name[0] <= 'Z'
}

// anonJSON is structJSON for an anonymous struct type, computed once per node.
func (x *extractor) anonJSON(st int32) map[string]string {
	if m, ok := x.anonJSONs[st]; ok {
		return m
	}
	if x.anonJSONs == nil {
		x.anonJSONs = map[int32]map[string]string{}
	}
	m := structJSON(x.t, st)
	x.anonJSONs[st] = m
	return m
}

// jsonSeg is the path segment for selecting field name of base: its JSON
// name, jsonFlat when the selection does not descend in the JSON object (an
// embedded local struct), else the Go name (also for hidden fields, which
// dropHiddenInputs removes from tool input).
func (x *extractor) jsonSeg(base val, name string, m member) string {
	var js map[string]string
	switch {
	case base.local != "" && m.field >= 0:
		js = x.jsonNames[m.owner]
	case base.anon > 0:
		js = x.anonJSON(base.anon)
	}
	s, ok := js[name]
	switch {
	case !ok || s == jsonHidden:
		return name
	case s == jsonFlat:
		if m.field >= 0 {
			if _, isStruct := x.fields[typeName(x.t, m.field)]; isStruct {
				return jsonFlat
			}
		}
		return name
	}
	return s
}

// hiddenFields are the Go names of the fields of type ty that JSON decoding
// never sets, unless the name is also another field's JSON name.
func (x *extractor) hiddenFields(ty int32) map[string]bool {
	tv := x.typeVal(ty)
	var js map[string]string
	switch {
	case tv.local != "":
		js = x.jsonNames[tv.local]
	case tv.anon > 0:
		js = x.anonJSON(tv.anon)
	}
	var hidden map[string]bool
	for k, v := range js {
		if v == jsonHidden {
			if hidden == nil {
				hidden = map[string]bool{}
			}
			hidden[k] = true
		}
	}
	for _, v := range js {
		delete(hidden, v)
	}
	return hidden
}

// dropHiddenInputs removes, for each typed tool whose handler is in this
// file, the refs to fields of its input that are never decoded from the
// request (`json:"-"`, unexported): the model does not choose them.
func (x *extractor) dropHiddenInputs() {
	for _, tool := range x.f.Tools {
		if tool.Handler <= 0 || len(tool.Inputs) != 1 {
			continue
		}
		in := tool.Inputs[0]
		if len(in.Prefix) > 0 && in.Prefix[0] == "Params" {
			continue // a raw request: its fields are not a Go struct of this file
		}
		hidden := x.hiddenFields(x.paramTypeNode(tool.Handler, in.Index))
		if len(hidden) == 0 {
			continue
		}
		drop := func(r facts.ParamRef) bool {
			return r.Fn == tool.Handler && r.Param == in.Index && len(r.Path) > len(in.Prefix) && hidden[r.Path[len(in.Prefix)]]
		}
		x.filterRefs(drop)
	}
}

// filterRefs removes the refs drop selects from every fact of the file.
// Ref slices are shared between values, so they are replaced, not edited.
func (x *extractor) filterRefs(drop func(facts.ParamRef) bool) {
	filter := func(rs []facts.ParamRef) []facts.ParamRef {
		for i, r := range rs {
			if drop(r) {
				out := append([]facts.ParamRef(nil), rs[:i]...)
				for _, r := range rs[i+1:] {
					if !drop(r) {
						out = append(out, r)
					}
				}
				return out
			}
		}
		return rs
	}
	var arg func(a *facts.Arg)
	arg = func(a *facts.Arg) {
		a.Refs = filter(a.Refs)
		for k, p := range a.Props {
			arg(&p)
			a.Props[k] = p
		}
		for i := range a.Elems {
			arg(&a.Elems[i])
		}
	}
	for i := range x.f.Functions {
		fn := &x.f.Functions[i]
		fn.Returns = filter(fn.Returns)
		for j := range fn.LocalCalls {
			lc := &fn.LocalCalls[j]
			lc.Receiver = filter(lc.Receiver)
			for k := range lc.Args {
				arg(&lc.Args[k])
			}
		}
	}
	for i := range x.f.Calls {
		c := &x.f.Calls[i]
		c.KeyRefs = filter(c.KeyRefs)
		for k := range c.Args {
			arg(&c.Args[k])
		}
		if c.Recv != nil {
			arg(c.Recv)
		}
	}
}
