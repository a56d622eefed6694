package golang

import "strings"

// typeRoot is the Module prefix of a call made through a value whose type is
// a named type of the package this file does not declare: the index rewrites
// "type:GetClientFn" + "().Users.Get" with File.Types of the package's files.
const typeRoot = "type:"

// external reports whether name is a type of the package declared in
// another file (so what its values hold is known only to the index).
func (x *extractor) external(name string) bool {
	return name != "" && !x.types[name]
}

// typeSpecType returns the type node a type_spec or type_alias defines
// (skipping the name and type parameters).
func typeSpecType(t *tree, s int32) int32 {
	var out int32 = none
	for i, k := range t.kids(s) {
		if i == 0 || t.typ(k) == "type_parameter_list" {
			continue
		}
		out = k
	}
	return out
}

// typeTable fills File.Types: what a value of each package-level type of
// this file is, as a canonical symbol, so calls through values of these
// types in other files of the package resolve in the index:
//
//	type GetClientFn func(ctx) (*github.Client, error)  "GetClientFn()"  calling it
//	type Server struct{ client *github.Client }          "Server.client"  a field
//	type Server struct{ getClient func() *http.Client }  "Server.getClient()"
//	type C = github.Client                               "C"              the type itself
//	func (s *Server) gh() *github.Client                 "Server.gh()"    a method's result
//
// A type of the package is named "type:<Name>\x00" (the index follows it).
func (x *extractor) typeTable() {
	t := x.t
	put := func(key string, v val) {
		sym := symbolOf(v)
		if sym == "" {
			return
		}
		if x.f.Types == nil {
			x.f.Types = map[string]string{}
		}
		x.f.Types[key] = sym
	}
	for c := t.nodes[0].first; c >= 0; c = t.nodes[c].next {
		if t.typ(c) != "type_declaration" {
			continue
		}
		for _, s := range t.kids(c) {
			if t.typ(s) != "type_spec" && t.typ(s) != "type_alias" {
				continue
			}
			name := t.text(t.kid(s, "type_identifier"))
			ty := typeSpecType(t, s)
			if name == "" || name == "_" || ty < 0 {
				continue
			}
			switch t.typ(ty) {
			case "function_type":
				if r, ok := x.resultType(ty); ok {
					put(name+"()", x.typeVal(r))
				}
			case "struct_type":
				for _, fd := range t.kids(t.kid(ty, "field_declaration_list")) {
					if t.typ(fd) != "field_declaration" {
						continue
					}
					fty := paramType(t, fd)
					if fty < 0 {
						continue
					}
					named := false
					for _, k := range t.kids(fd) {
						if t.typ(k) != "field_identifier" {
							continue
						}
						named = true
						if t.typ(fty) == "function_type" {
							if r, ok := x.resultType(fty); ok {
								put(name+"."+t.text(k)+"()", x.typeVal(r))
							}
							continue
						}
						put(name+"."+t.text(k), x.typeVal(fty))
					}
					if en := embeddedName(t, fty); !named && en != "" {
						put(name+"."+en, x.typeVal(fty))
					}
				}
			case "interface_type":
				// Its methods are implemented elsewhere: calls through it are
				// class-less method calls (see evalCall). What they return is
				// declared here, so a client reached through one
				// (provider.GetClientSet().Typed.CoreV1()…) keeps its type.
				for _, m := range t.kids(ty) {
					if t.typ(m) != "method_elem" && t.typ(m) != "method_spec" {
						continue
					}
					mname := t.text(t.kid(m, "field_identifier"))
					if mname == "" {
						continue
					}
					if r, ok := x.resultType(m); ok {
						put(name+"."+mname+"()", x.typeVal(r))
					}
				}
			default:
				if v := x.typeVal(ty); v.local != name {
					put(name, v)
				}
			}
		}
	}
	for key, idx := range x.methods {
		if rt, ok := x.results[idx]; ok {
			put(key+"()", x.typeVal(rt))
		}
	}
	// Package-level functions: what calling one from another file gives
	// (func newClient() *github.Client → "newClient()").
	for name, idx := range x.funcs {
		if rt, ok := x.results[idx]; ok && !x.types[name] {
			put(name+"()", x.typeVal(rt))
		}
	}
}

// valueTable adds to File.Types the package-level variables of this file
// that hold an instance (var httpClient = &http.Client{} → "httpClient"),
// once their initialisers are evaluated: other files of the package call
// methods on them.
func (x *extractor) valueTable() {
	for name, v := range x.globals.vars {
		if v == nil || v.fn >= 0 || !x.declared[name] || x.types[name] || x.funcs[name] != 0 {
			continue
		}
		if _, isFunc := x.funcs[name]; isFunc {
			continue
		}
		if v.mod != "" && !strings.HasPrefix(v.mod, typeRoot) && !strings.Contains(v.member, "()") {
			continue // a library function or constant, not an instance
		}
		sym := symbolOf(*v)
		if sym == "" || strings.HasPrefix(sym, typeRoot+name+"\x00") {
			continue
		}
		if x.f.Types == nil {
			x.f.Types = map[string]string{}
		}
		if _, dup := x.f.Types[name]; !dup {
			x.f.Types[name] = sym
		}
	}
}

// symbolOf is the canonical "Module\x00Member" symbol of a typed value: a
// library instance, or a named type of the package ("type:Name\x00").
func symbolOf(v val) string {
	switch {
	case v.mod != "" && !strings.HasPrefix(v.mod, typeRoot):
		return v.mod + "\x00" + v.member
	case v.local != "":
		return typeRoot + v.local + "\x00"
	}
	return ""
}
