package link

import (
	"path"
	"slices"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/analysis/scope"
	"github.com/mcpriv/mcpriv/rules"
)

// Go constant references (facts.Arg.Const with Module "." or a package's
// import path): a package-level constant or variable of another file, or
// a struct field ("field:Client.baseURL"). Their values are the Constants
// of the package's files and every value the project's files store there
// (facts.File.Stores). A store that is not a literal, a struct filled by a
// library, a field set on a value of a type the extractor could not tell,
// or no store at all leaves the value open: the literals found are granted
// beside "*", never alone.

// maxGoConstDepth bounds a chain of references (a field set from a
// constant set from another field …).
const maxGoConstDepth = 4

// goStore is one stored value and the file that stores it.
type goStore struct {
	file int
	a    facts.Arg
}

// goVal is a value a reference may have: a literal (prefix: its leading
// part) or an environment or flag default (env).
type goVal struct {
	s      string
	prefix bool
	env    string
}

// storesOf returns the stores under key ("dir\x00Type.field",
// "dir\x00Type.*", "dir\x00var:name", "\x00?.field").
func (ix *index) storesOf(key string) []goStore {
	if ix.goStores == nil {
		ix.goStores = map[string][]goStore{}
		for i, f := range ix.files {
			if ix.langs[i].Imports() != lang.ImportsPackages {
				continue
			}
			dir := path.Dir(f.Path)
			for _, k := range slices.Sorted(func(yield func(string) bool) {
				for k := range f.Stores {
					if !yield(k) {
						return
					}
				}
			}) {
				ck := dir + "\x00" + k
				switch mod, rest, ok := strings.Cut(k, " "); {
				case strings.HasPrefix(k, "?.") || strings.HasPrefix(k, "sdk:"):
					ck = "\x00" + k
				case ok:
					d := ix.goLocalDir(i, mod)
					if d == "" {
						continue // a library's type
					}
					ck = d + "\x00" + rest
				}
				for _, a := range f.Stores[k] {
					ix.goStores[ck] = append(ix.goStores[ck], goStore{file: i, a: a})
				}
			}
		}
	}
	return ix.goStores[key]
}

// goConstVals returns the values reference ref, read in file, may have,
// followed by tail (tailPrefix: only its leading part is known); open is
// true when some value is not known.
func (ix *index) goConstVals(file int, ref facts.ConstRef, tail string, tailPrefix bool, depth int) (vals []goVal, open bool) {
	if depth >= maxGoConstDepth {
		return nil, true
	}
	dir := path.Dir(ix.files[file].Path)
	if ref.Module != "." {
		if dir = ix.goLocalDir(file, ref.Module); dir == "" {
			return nil, true // a library's, or not found
		}
	}
	var stores []goStore
	if field, ok := strings.CutPrefix(ref.Name, "field:"); ok {
		typ, name, _ := strings.Cut(field, ".")
		stores = ix.storesOf(dir + "\x00" + field)
		open = len(stores) == 0 || len(ix.storesOf(dir+"\x00"+typ+".*")) > 0 || len(ix.storesOf("\x00?."+name)) > 0
	} else {
		found := false
		for _, fi := range ix.goPkgs[dir] {
			if v, ok := ix.files[fi].Constants[ref.Name]; ok {
				vals = append(vals, goVal{s: v})
				found = true
				break
			}
		}
		stores = ix.storesOf(dir + "\x00var:" + ref.Name)
		open = !found && len(stores) == 0
	}
	for _, st := range stores {
		switch a := st.a; {
		case a.Known:
			vals = append(vals, goVal{s: a.Value, prefix: a.Prefix, env: a.Env})
		case a.Const != nil:
			sub, o := ix.goConstVals(st.file, *a.Const, a.Value, a.Prefix, depth+1)
			vals = append(vals, sub...)
			open = open || o
		case a.Pass:
			// A parameter stored as it is: the values its callers pass.
			r := a.Refs[0]
			decl := ix.taintDecl(st.file, r.Fn, r)
			if decl < 0 {
				open = true
				continue
			}
			w := &constWalk{ix: ix, onPath: map[constKey]bool{}}
			ans, _, _ := w.values(ix.base[st.file]+fnID(decl), r.Param, r.Path, depth+1)
			if w.sites > maxConstSites {
				open = true
				continue
			}
			for _, v := range ans.vals {
				vals = append(vals, goVal{s: v.s, prefix: v.prefix})
			}
			open = open || ans.open
		default:
			open = true
		}
	}
	out := vals[:0]
	for _, v := range vals {
		if !v.prefix {
			v.s, v.prefix = v.s+tail, tailPrefix
		}
		if len(v.s) > maxConstValue {
			open = true
			continue
		}
		out = append(out, v)
	}
	if len(out) > maxConstVals {
		return nil, true
	}
	return out, open
}

// linkGoConst decides the scope of a Go candidate whose scope argument
// starts with a constant, variable or field (see goConstVals).
func (ix *index) linkGoConst(l *linked, file int, c *facts.Call, cd *candidate) {
	a := cd.cref
	text := a.Value
	if a.Prefix && a.Tail != nil && ix.tailEnds(file, c, a) {
		text += "/" // c.base + path: the path the callers pass ends the origin
	}
	vals, open := ix.goConstVals(file, *a.Const, text, a.Prefix, 0)
	if l.tainted && l.taintRole == finding.TaintTarget {
		// Tool input reaches the scope argument too (a field of a decoded
		// input struct): what the code stores there is not all it holds.
		open = true
	}
	fam := scope.Family(lang.For(ix.files[file].Lang).Family())
	fn := []fnID{ix.base[file] + fnID(c.Func)}
	cs := &constScope{open: open}
	envs := map[string]bool{}
	for _, v := range vals {
		sc := scope.Infer(fam, cd.passKind, &facts.Arg{Value: v.s, Known: true, Prefix: v.prefix, Func: -1})
		switch sc.State {
		case scope.Known:
			cs.known = append(cs.known, sc.Value)
			cs.addUsers(ix, sc.Value, fn)
			envs[v.env] = true
		case scope.Unknown:
			if cs.unknown == "" {
				cs.unknown = sc.Why
				if cs.unknown == "" {
					cs.unknown = "the scope cannot be inferred"
				}
			}
		default:
			cs.open = true
		}
	}
	if cs.open {
		cs.addUsers(ix, "*", fn)
	}
	slices.Sort(cs.known)
	cs.known = slices.Compact(cs.known)
	if len(cs.known) == 0 && cs.unknown == "" {
		return // nothing literal reaches it: a dynamic scope
	}
	named, env := 0, ""
	for e := range envs {
		if e != "" {
			named, env = named+1, e
		}
	}
	switch {
	case named == 1 && len(envs) == 1 && len(cs.known) == 1 && !cs.open:
		cs.env = env // one default, of one variable or flag
	case named > 0:
		// A variable's default beside other values: what the variable
		// is set to reaches the call too.
		cs.open = true
		cs.addUsers(ix, "*", fn)
	}
	for k, u := range cs.users {
		slices.Sort(u)
		cs.users[k] = slices.Compact(u)
	}
	l.prop = cs
}

// sdkFamily reports whether an override option of module opt configures
// clients of module mod: the same module, or an option package beside it
// (github.com/openai/openai-go/option for github.com/openai/openai-go,
// google.golang.org/api/option for google.golang.org/api/drive/v3).
func sdkFamily(opt, mod string) bool {
	if opt == mod {
		return true
	}
	if b := path.Base(opt); b == "option" || b == "options" {
		d := path.Dir(opt)
		return mod == d || strings.HasPrefix(mod, d+"/")
	}
	return false
}

// fixedHost reports whether rule r states the host its calls go to
// (go-github's api.github.com): a default the project may override.
func fixedHost(r *rules.Rule) bool {
	for _, sa := range r.Scope {
		if sa.Fixed != "" && (sa.Kind == "url" || sa.Kind == "host" || sa.Kind == "hostport") {
			return true
		}
	}
	return false
}

// linkGoDefault adds to a Go call whose scope is its library's default
// host (cd.scopeOverride, or a rule's fixed host) the hosts the project's overrides of that
// default give (facts.File.Stores "sdk:…"): a literal beside the default,
// and an open scope when one is not a literal.
func (ix *index) linkGoDefault(l *linked, file int, c *facts.Call, cd *candidate) {
	ix.storesOf("") // builds the index
	var stores []goStore
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range ix.goStores {
			if !yield(k) {
				return
			}
		}
	}) {
		if opt, ok := strings.CutPrefix(k, "\x00sdk:"); ok && sdkFamily(opt, c.Module) {
			stores = append(stores, ix.goStores[k]...)
		}
	}
	if len(stores) == 0 {
		return
	}
	fam := scope.Family(lang.For(ix.files[file].Lang).Family())
	fn := []fnID{ix.base[file] + fnID(c.Func)}
	cs := &constScope{known: []string{cd.scope}, env: cd.scopeEnv, sdk: true}
	cs.addUsers(ix, cd.scope, fn)
	for _, st := range stores {
		var vals []goVal
		open := false
		switch a := st.a; {
		case a.Known:
			vals = []goVal{{s: a.Value, prefix: a.Prefix}}
		case a.Const != nil:
			vals, open = ix.goConstVals(st.file, *a.Const, a.Value, a.Prefix, 1)
		default:
			open = true
		}
		for _, v := range vals {
			if sc := scope.Infer(fam, "url", &facts.Arg{Value: v.s, Known: true, Prefix: v.prefix, Func: -1}); sc.State == scope.Known {
				cs.known = append(cs.known, sc.Value)
				cs.addUsers(ix, sc.Value, fn)
			} else {
				open = true
			}
		}
		cs.open = cs.open || open
	}
	if cs.open {
		cs.addUsers(ix, "*", fn)
	}
	slices.Sort(cs.known)
	cs.known = slices.Compact(cs.known)
	for k, u := range cs.users {
		slices.Sort(u)
		cs.users[k] = slices.Compact(u)
	}
	l.prop = cs
}
