package jsts

import "strings"

// The type table: what this file's exports hold, so files importing it
// follow its instances (the link rewrites their calls,
// analysis/link/objtypes.go):
//
//	export const pool = new Pool(o)            "pool"          pg "Pool()"
//	export function getRedis() { return … }   "getRedis()"    ioredis "Redis()"
//	export default new Client()                "default"       …
//	module.exports = { api: axios.create() }   "api"           axios "create()"
//	class Store { constructor() { this.http = axios.create() } }
//	                                           "Store.http"    axios "create()"
//	export const store = new Store()           "store"         "type:Store"

// exportedVal is one export: its value when exported, and the binding it
// was read from (whose last value is the one importers see) if any.
type exportedVal struct {
	name string
	v    val
	b    *binding
}

// typeTable fills File.Types from the exports, the classes' fields, the
// values methods return and getters.
func (e *extractor) typeTable() {
	conflict := map[string]bool{}
	put := func(key, sym string) {
		if sym == "" || key == "" || conflict[key] {
			return
		}
		if old, ok := e.f.Types[key]; ok && old != sym {
			delete(e.f.Types, key)
			conflict[key] = true
			return
		}
		if e.f.Types == nil {
			e.f.Types = map[string]string{}
		}
		e.f.Types[key] = sym
	}
	for _, x := range e.exported {
		v := x.v
		if x.b != nil && !x.b.v.empty() {
			v = x.b.v
		}
		if v.fnp > 0 {
			if r, ok := e.fnRet[v.fn()]; ok {
				put(x.name+"()", instanceSymbol(r))
			}
			continue
		}
		put(x.name, instanceSymbol(v))
		if x.name == "default" {
			for k, p := range v.props {
				if p.v.fnp > 0 {
					if r, ok := e.fnRet[p.v.fn()]; ok {
						put(k+"()", instanceSymbol(r))
					}
					continue
				}
				put(k, instanceSymbol(p.v))
			}
		}
	}
	for name, ci := range e.classes {
		for f, v := range ci.fields {
			put(name+"."+f, instanceSymbol(v))
		}
		for m, fn := range ci.methods {
			r, ok := e.fnRet[fn]
			if !ok || m == "constructor" {
				continue
			}
			if ci.getters[m] {
				put(name+"."+m, instanceSymbol(r))
			} else {
				put(name+"."+m+"()", instanceSymbol(r))
			}
		}
	}
}

// instanceSymbol is the canonical "Module\x00Member" of an instance of a
// library (or a value of another project file), "type:<Class>\x00" for an
// instance of a class of this file, or "" for anything else (functions,
// literals, a library module or function itself).
func instanceSymbol(v val) string {
	switch {
	case v.sym != nil && v.sym.mod != "" && (strings.Contains(v.sym.member, "()") || strings.HasPrefix(v.sym.mod, ".")):
		return v.sym.mod + "\x00" + v.sym.member
	case v.sym == nil && v.cls != "" && !v.this:
		return "type:" + v.cls + "\x00"
	}
	return ""
}
