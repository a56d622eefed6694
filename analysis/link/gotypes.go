package link

import (
	"path"
	"slices"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Go extractors resolve instance types per file. A value whose type is a
// named type declared in another file of the package (a `getClient
// GetClientFn` parameter, a field of a struct declared elsewhere) gives
// calls with Module "type:<TypeName>"; every Go file lists what values of
// its types are in File.Types. resolveTypes rewrites those calls into
// library symbols before the call graph and the rules see them:
//
//	"type:GetClientFn" + "().Users.Get", Types["GetClientFn()"] = go-github "Client()"
//	→ go-github "Client().Users.Get"
//
// Instances of types of other packages of the project (`raw.GetRawClientFn`,
// Module the package's import path, Member "GetRawClientFn()…") are looked up
// in the Types of that package's directory the same way.

// goTypeDepth bounds how many named types one rewrite goes through
// (a field whose type is a named type whose field …).
const goTypeDepth = 4

const goTypeRoot = "type:"

// resolveTypes rewrites the type-rooted calls of Go files, and the calls
// of Python and JS files through instances other files of the project
// export (objtypes.go). The facts are shared with the engine's cache: a
// file with a rewrite is replaced in the index by a copy with its own Calls.
func (ix *index) resolveTypes() {
	tables := map[string]map[string]string{} // package dir → merged Types
	typesOf := func(dir string) map[string]string {
		if m, ok := tables[dir]; ok {
			return m
		}
		var m map[string]string
		for _, fi := range ix.goPkgs[dir] {
			for k, v := range ix.files[fi].Types {
				if m == nil {
					m = map[string]string{}
				}
				if _, dup := m[k]; !dup {
					m[k] = v
				}
			}
		}
		tables[dir] = m
		return m
	}
	localDir := ix.goLocalDir // memoised per directory and import path
	copied := false
	for i, f := range ix.files {
		typed := ix.langs[i].TypedAcrossPackage()
		var calls []facts.Call
		for _, k := range ix.statics[i].typeCalls {
			c := &f.Calls[k]
			var mod, member string
			var ok bool
			if typed {
				mod, member, ok = ix.rewriteGoType(i, c.Module, c.Member, typesOf, localDir)
			} else {
				mod, member, ok = ix.rewriteObj(i, c.Module, c.Member)
			}
			if !ok {
				continue
			}
			if calls == nil {
				calls = slices.Clone(f.Calls)
			}
			calls[k].Module, calls[k].Member = mod, member
		}
		if calls == nil {
			continue
		}
		if !copied { // the slice may be the caller's
			ix.files = slices.Clone(ix.files)
			copied = true
		}
		nf := *f
		nf.Calls = calls
		ix.files[i] = &nf
		// The rewritten calls match other rules than the cached ones; the
		// rest of what the file gives alone stands.
		st := *ix.statics[i]
		st.cands, st.order = fileCandidates(ix.linker, &nf)
		if &ix.statics[0] == &ix.cached[0] {
			ix.statics = slices.Clone(ix.statics) // the cached ones stand for the facts as given
		}
		ix.statics[i] = &st
	}
}

// rewriteGoType resolves a call's symbol through the Types of the packages
// its named types are declared in. ok is false when nothing was resolved
// to a library symbol (the call is left as it is).
func (ix *index) rewriteGoType(file int, mod, member string, typesOf func(string) map[string]string, localDir func(int, string) string) (string, string, bool) {
	var dir, s string
	pkg := "" // the import path of dir when it is another package of the project
	if name, ok := strings.CutPrefix(mod, goTypeRoot); ok {
		dir, s = path.Dir(ix.files[file].Path), name+member
	} else if s, ok = instanceOfType(member); ok && strings.Contains(mod, ".") {
		if dir = localDir(file, mod); dir == "" {
			return "", "", false
		}
		pkg = mod
	} else {
		return "", "", false
	}
	var outMod, outMember string
	found := false
	for range goTypeDepth {
		types := typesOf(dir)
		sym, rest, ok := longestTypeKey(types, s)
		if !ok {
			// s.Users on a struct embedding *github.Client: the selector
			// goes through the embedded field, named after its type.
			typ, sel, dot := strings.Cut(s, ".")
			e := embeddedField(types, typ)
			if !dot || e == "" {
				break
			}
			if m, _, _ := strings.Cut(sel, "("); len(ix.goNames[dir][typ+"."+m]) > 0 {
				break // the type's own method (k.Export), not the embedded one's
			}
			s = typ + "." + e + "." + sel
			continue
		}
		m, mem, _ := strings.Cut(sym, "\x00")
		if name, ok := strings.CutPrefix(m, goTypeRoot); ok {
			s = name + mem + rest // a type of the same package
			if pkg != "" {
				// In another package of the project (ClientFactory.GetClient()
				// is "type:Client"): an instance of its type Client, whose
				// methods the call graph links.
				outMod, outMember, found = pkg, name+"()"+mem+rest, true
			}
			continue
		}
		outMod, outMember, found = m, mem+rest, true
		inst, ok := instanceOfType(outMember)
		if !ok {
			break
		}
		if dir = localDir(file, m); dir == "" {
			break // a library type
		}
		s, pkg = inst, m // a type of another package of the project: follow its Types
	}
	return outMod, outMember, found
}

// embeddedField returns the one field of struct type typ (in types) that
// looks embedded — named after its own type, as `*github.Client` or `Base`
// fields are — or "" when there is none or several.
func embeddedField(types map[string]string, typ string) string {
	var out string
	for k, sym := range types {
		name, ok := strings.CutPrefix(k, typ+".")
		if !ok || name == "" || strings.ContainsAny(name, ".(") {
			continue
		}
		m, mem, _ := strings.Cut(sym, "\x00")
		local, isLocal := strings.CutPrefix(m, goTypeRoot)
		if (isLocal && local == name && mem == "") || (!isLocal && mem == name+"()") {
			if out != "" {
				return ""
			}
			out = name
		}
	}
	return out
}

// instanceOfType turns a Member naming an instance of a type ("Client()…")
// into the type-rooted path the Types keys use ("Client…").
func instanceOfType(member string) (string, bool) {
	i := strings.Index(member, "()")
	if i <= 0 || strings.ContainsAny(member[:i], ".(") {
		return "", false
	}
	return member[:i] + member[i+2:], true
}

// longestTypeKey finds the longest key of types that s starts with, ending
// at a selector or call boundary, and returns its symbol and the rest of s.
func longestTypeKey(types map[string]string, s string) (sym, rest string, ok bool) {
	if len(types) == 0 {
		return "", "", false
	}
	for i := len(s); i > 0; i-- {
		if i < len(s) && s[i] != '.' && s[i] != '(' {
			continue
		}
		if sym, ok := types[s[:i]]; ok {
			return sym, s[i:], true
		}
	}
	return "", "", false
}
