package link

import (
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/lang"
)

// Object flow across files, for Python and JS: every file lists in
// File.Types what its top-level names hold when that is an instance of a
// library (or of another project module's export), and what its functions
// and its classes' methods return and its classes' attributes hold:
//
//	client.py  s3 = boto3.client("s3")          "s3"            boto3 "client()"
//	           def get_client(): return httpx…   "get_client()"  httpx "AsyncClient()"
//	           class Store: self.conn = …        "Store.conn"    psycopg "connect()"
//	           store = Store()                   "store"         "type:Store"
//	db.js      export default new Pool()         "default"       pg "Pool()"
//
// A call through an import of that file (Module ".client" or
// "pkg.client", Member "s3.put_object", "get_client().get",
// "Store().conn.execute") is rewritten with the longest key its member
// starts with into the library symbol ("boto3" + "client().put_object"),
// before the call graph and the rules see it. The values only flow one
// way, from the file that creates the instance to the files importing it,
// and a chain of re-exports is followed for goTypeDepth steps.

// objCandidate reports whether resolveTypes may rewrite a Python or JS
// call: its module may name a project file and its member goes past the
// name imported from it (JS: a default import's member is the whole path).
func objCandidate(x lang.Language, c *facts.Call) bool {
	switch x.Imports() {
	case lang.ImportsFiles:
		return x.RelativeImport(c.Module)
	case lang.ImportsModules:
		return x.RelativeImport(c.Module) || strings.ContainsAny(c.Member, ".(")
	}
	return false
}

// objTarget finds the project file a Python or JS module names, and the
// member path inside it; ok is false for a library.
func (ix *index) objTarget(file int, mod, member string) (int, string, bool) {
	x := ix.langs[file]
	switch x.Imports() {
	case lang.ImportsFiles:
		if !x.RelativeImport(mod) {
			return 0, "", false
		}
		if fi := ix.jsFile(file, mod); fi >= 0 {
			return fi, member, true
		}
	case lang.ImportsModules:
		full := mod
		if member != "" && !strings.HasSuffix(mod, ".") {
			full += "."
		}
		full += member
		for m, mem := range pySplits(full) {
			if fi := ix.pyModule(file, m); fi >= 0 {
				return fi, mem, true
			}
		}
		if fi := ix.pyModule(file, mod); fi >= 0 {
			return fi, member, true
		}
	}
	return 0, "", false
}

// rewriteObj resolves a Python or JS call through an import of a project
// file into the library symbol of the instance that file exports; ok is
// false when its Types do not say (the call is left as it is). It only
// reads the index, so a graph link may ask a kept index.
func (ix *index) rewriteObj(file int, mod, member string) (string, string, bool) {
	fi, s, ok := ix.objTarget(file, mod, member)
	if !ok {
		return "", "", false
	}
	for range goTypeDepth {
		sym, rest, ok := objTypeKey(ix.files[fi], s)
		if !ok {
			return "", "", false
		}
		m, mem, _ := strings.Cut(sym, "\x00")
		if name, ok := strings.CutPrefix(m, goTypeRoot); ok {
			s = name + mem + rest // an instance of a class of that file
			continue
		}
		if nfi, ns, ok := ix.objTarget(fi, m, mem+rest); ok {
			fi, s = nfi, ns // re-exported from another project file
			continue
		}
		if ix.langs[fi].RelativeImport(m) {
			return "", "", false // a project file not in the link
		}
		return m, mem + rest, true
	}
	return "", "", false
}

// objTypeKey looks s up in f's Types: as written ("s3.put_object",
// "get_client().get"), as an instance of a class ("Store().conn" →
// "Store.conn"), and (JS) as a path into the default export when it does
// not start with another export's name.
func objTypeKey(f *facts.File, s string) (sym, rest string, ok bool) {
	types := f.Types
	if len(types) == 0 {
		return "", "", false
	}
	if sym, rest, ok = longestTypeKey(types, s); ok {
		return sym, rest, true
	}
	if inst, isInst := instanceOfType(s); isInst {
		if sym, rest, ok = longestTypeKey(types, inst); ok {
			return sym, rest, true
		}
	}
	if sym, ok = types["default"]; ok {
		if declares(f, s) {
			return "", "", false
		}
		if s == "" {
			return sym, "", true
		}
		if s[0] != '(' {
			s = "." + s
		}
		return sym, s, true
	}
	return "", "", false
}

// objRewrites reports whether a link through ix would rewrite a call of f
// (file i of ix): a graph link, which keeps the old rewrites, cannot start
// then.
func (ix *index) objRewrites(i int, f *facts.File) bool {
	x := lang.For(f.Lang)
	if x.TypedAcrossPackage() {
		return false
	}
	for k := range f.Calls {
		c := &f.Calls[k]
		if objCandidate(x, c) {
			if _, _, ok := ix.rewriteObj(i, c.Module, c.Member); ok {
				return true
			}
		}
	}
	return false
}

// importedMethods finds the methods of a project class a JS call through
// an import reaches: its constructor (`new Jobs()`), or a method of an
// instance of it (`new Jobs().handle()`, `jobs.handle()` when the file
// exports `jobs = new Jobs()`).
func (ix *index) importedMethods(file int, mod, member string) []fnID {
	fi, s, ok := ix.objTarget(file, mod, member)
	if !ok {
		return nil
	}
	return ix.classMethods(fi, s)
}

// classMethods resolves a member path s inside file fi to methods of its
// classes: "Runner" (the constructor), "Runner().child…" (a method of an
// instance), "store.get…" and "get_store().get…" (through the file's
// Types, an instance of one of its classes).
func (ix *index) classMethods(fi int, s string) []fnID {
	names := ix.byName[fi]
	if !strings.ContainsAny(s, ".(") {
		for _, ctor := range []string{".__init__", ".constructor"} {
			if js := names[s+ctor]; len(js) > 0 {
				return ix.fnIDs(fi, js)
			}
		}
		return nil
	}
	if cls, m, ok := strings.Cut(s, "."); ok && !strings.ContainsAny(cls, "(") && !strings.ContainsAny(m, ".(") && len(names[cls+"."+m]) > 0 {
		return ix.fnIDs(fi, names[cls+"."+m]) // a static method: Markdownify.toMarkdown(…)
	}
	if inst, ok := instanceOfType(s); ok {
		s = inst
	} else if sym, rest, ok := objTypeKey(ix.files[fi], s); ok {
		m, mem, _ := strings.Cut(sym, "\x00")
		name, local := strings.CutPrefix(m, goTypeRoot)
		if !local || mem != "" {
			return nil
		}
		s = name + rest
	} else {
		return nil
	}
	cls, rest, ok := strings.Cut(s, ".")
	if !ok || strings.ContainsAny(cls, "(") {
		return nil
	}
	if i := strings.IndexAny(rest, ".("); i >= 0 {
		rest = rest[:i]
	}
	return ix.fnIDs(fi, names[cls+"."+rest])
}

// resultMethods resolves "get_client().m…" in Python file fi, where the
// file's Types give what get_client returns, to the methods m of that
// project class, also when the class is imported from another project
// module (followed at most goTypeDepth files).
func (ix *index) resultMethods(fi int, s string) []fnID {
	for range goTypeDepth {
		sym, rest, ok := objTypeKey(ix.files[fi], s)
		if !ok {
			return nil
		}
		m, mem, _ := strings.Cut(sym, "\x00")
		if name, local := strings.CutPrefix(m, goTypeRoot); local {
			if mem == "" {
				mem = "()" // an instance of the file's class
			}
			return ix.classMethods(fi, name+mem+rest)
		}
		nfi, ns, ok := ix.objTarget(fi, m, mem+rest)
		if !ok || nfi == fi {
			return nil
		}
		if out := ix.classMethods(nfi, ns); len(out) > 0 {
			return out
		}
		fi, s = nfi, ns
	}
	return nil
}

func (ix *index) fnIDs(fi int, js []int) []fnID {
	if len(js) == 0 {
		return nil
	}
	out := make([]fnID, len(js))
	for k, j := range js {
		out[k] = ix.base[fi] + fnID(j)
	}
	return out
}

// declares reports whether the first name of member path s is something
// file f declares besides its default export: an export, a constant, a
// key of its Types, a function or a class.
func declares(f *facts.File, s string) bool {
	first := s
	if i := strings.IndexAny(s, ".("); i >= 0 {
		first = s[:i]
	}
	if first == "" {
		return false
	}
	if _, ok := f.Exports[first]; ok {
		return true
	}
	if _, ok := f.Constants[first]; ok {
		return true
	}
	for k := range f.Types {
		if k == first || strings.HasPrefix(k, first+".") || strings.HasPrefix(k, first+"(") {
			return true
		}
	}
	for j := range f.Functions {
		if fn := &f.Functions[j]; fn.Class == first || (fn.Class == "" && fn.Name == first) {
			return true
		}
	}
	return false
}
