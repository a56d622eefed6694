package link

import (
	"slices"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/lang"
)

// Object flow into parameters (JS): servers make a client once and hand it
// to the functions that use it, often in another file:
//
//	server.js  const es = new Client(o); return search(es, q)   arg 0 Inst "@elastic/elasticsearch\x00Client()"
//	search.js  export async function search(es, q) {
//	             await es.indices.getMapping({ index: q })        LocalCall getMapping, receiver {search, 0, [indices]}
//
// A library instance a caller passes (Arg.Inst) types the parameter that
// receives it, and each method called on that parameter becomes a call of
// the library ("@elastic/elasticsearch" "Client().indices.getMapping") at
// the same place, which the rules then match like any other. A parameter
// passed on unchanged to another function (Arg.Pass) types that function's
// parameter in turn, for paramTypeRounds steps; an instance exported by a
// project file is resolved through its Types (objtypes.go). A parameter
// that callers pass different instances has each of them, up to
// maxParamTypes; beyond that it says nothing and stays untyped.
//
// The new calls depend on other files' arguments, so a link that makes any
// of them cannot be redone from a kept graph (graphLink refuses, see
// index.instArgs), and the files they are added to are copies (relink
// refuses those).

const (
	paramTypeRounds = 4
	maxParamTypes   = 4
)

type paramKey struct {
	fn    fnID
	param int
}

// paramSite is one call of a project function: its caller's file, the
// functions it may reach and its arguments.
type paramSite struct {
	file int
	to   []fnID
	args []facts.Arg
}

// typeParams adds, to the JS files whose functions call methods on a
// parameter that callers pass a library instance, the library calls those
// method calls are. It runs before the edges are built, after
// resolveTypes (it reads the same Types).
func (ix *index) typeParams() {
	var sites []paramSite
	for i, f := range ix.files {
		if ix.langs[i].Imports() != lang.ImportsFiles {
			continue
		}
		for j := range f.Functions {
			for k := range f.Functions[j].LocalCalls {
				lc := &f.Functions[j].LocalCalls[k]
				if hasArgInst(lc.Args) {
					ix.instArgs = true
				}
				if len(lc.Args) == 0 {
					continue
				}
				if to := ix.resolveCallee(i, j, lc.Callee); len(to) > 0 {
					sites = append(sites, paramSite{file: i, to: to, args: lc.Args})
				}
			}
		}
		for k := range f.Calls {
			c := &f.Calls[k]
			if hasArgInst(c.Args) {
				ix.instArgs = true
			}
			if len(c.Args) == 0 || c.Func < 0 || c.Func >= len(f.Functions) {
				continue
			}
			if to := ix.resolveModuleCall(i, c); len(to) > 0 {
				sites = append(sites, paramSite{file: i, to: to, args: c.Args})
			}
		}
	}
	if !ix.instArgs {
		return
	}
	sites = append(sites, ix.tableSites()...)
	types := map[paramKey][]string{}
	add := func(k paramKey, sym string) bool {
		old := types[k]
		if slices.Contains(old, sym) || len(old) > maxParamTypes {
			return false
		}
		types[k] = append(old, sym)
		return true
	}
	for range paramTypeRounds {
		changed := false
		for _, s := range sites {
			for p := range s.args {
				a := &s.args[p]
				var syms []string
				switch {
				case a.Inst != "":
					if sym := ix.librarySym(s.file, a.Inst); sym != "" {
						syms = []string{sym}
					} else if sym := ix.projectClassSym(s.file, a.Inst); sym != "" {
						syms = []string{sym}
					}
				case a.Pass && len(a.Refs) == 1 && len(a.Refs[0].Path) == 0 && a.Refs[0].Param >= 0:
					syms = types[paramKey{ix.base[s.file] + fnID(a.Refs[0].Fn), a.Refs[0].Param}]
				}
				for _, to := range s.to {
					for _, sym := range syms {
						if add(paramKey{to, p}, sym) {
							changed = true
						}
					}
				}
			}
		}
		if !changed {
			break
		}
	}
	if len(types) == 0 {
		return
	}
	copied := false
	for i, f := range ix.files {
		if ix.langs[i].Imports() != lang.ImportsFiles {
			continue
		}
		calls := ix.paramCalls(i, f, types)
		if len(calls) == 0 {
			continue
		}
		if !copied {
			ix.files = slices.Clone(ix.files)
			copied = true
		}
		nf := *f
		nf.Calls = append(slices.Clip(slices.Clone(f.Calls)), calls...)
		ix.files[i] = &nf
		st := *ix.statics[i]
		st.cands, st.order = fileCandidates(ix.linker, &nf)
		if &ix.statics[0] == &ix.cached[0] {
			ix.statics = slices.Clone(ix.statics)
		}
		ix.statics[i] = &st
	}
}

// paramCalls lists the library calls file i's method calls on typed
// parameters are, in the order of its functions and their calls.
func (ix *index) paramCalls(i int, f *facts.File, types map[paramKey][]string) []facts.Call {
	var out []facts.Call
	var known map[int]bool
	for j := range f.Functions {
		for k := range f.Functions[j].LocalCalls {
			lc := &f.Functions[j].LocalCalls[k]
			if lc.Callee.Kind != "method" || !lc.ReceiverPass || len(lc.Receiver) != 1 {
				continue
			}
			r := lc.Receiver[0]
			if r.Param < 0 || r.Fn < 0 || r.Fn >= len(f.Functions) {
				continue
			}
			syms := types[paramKey{ix.base[i] + fnID(r.Fn), r.Param}]
			if len(syms) == 0 || len(syms) > maxParamTypes {
				continue
			}
			if known == nil {
				known = map[int]bool{}
				for c := range f.Calls {
					known[f.Calls[c].CalleeSpan.Start.Offset] = true
				}
			}
			if known[lc.Callee.Span.Start.Offset] {
				continue // the extractor resolved it already
			}
			path := ""
			for _, p := range r.Path {
				path += "." + p
			}
			for _, sym := range syms {
				mod, mem, _ := strings.Cut(sym, "\x00")
				if mod = ix.classSymModule(i, mod); mod == "" {
					continue
				}
				out = append(out, facts.Call{Module: mod, Member: mem + path + "." + lc.Callee.Name, Func: j,
					Span: lc.Span, CalleeSpan: lc.Callee.Span, Args: noCallbacks(lc.Args)})
			}
		}
	}
	return out
}

// librarySym resolves an argument's instance to a library symbol: as it is,
// or through the Types of the project file exporting it; "" when it is
// neither.
func (ix *index) librarySym(file int, inst string) string {
	mod, mem, ok := strings.Cut(inst, "\x00")
	if !ok || mod == "" {
		return ""
	}
	if !ix.langs[file].RelativeImport(mod) {
		return inst
	}
	m, member, ok := ix.rewriteObj(file, mod, mem)
	if !ok || m == "" {
		return ""
	}
	return m + "\x00" + member
}

// noCallbacks copies args without their functions: the local call they
// come from adds the callback edges already.
func noCallbacks(args []facts.Arg) []facts.Arg {
	if len(args) == 0 {
		return nil
	}
	out := slices.Clone(args)
	for k := range out {
		out[k].Func = -1
		if len(out[k].Props) > 0 {
			props := make(map[string]facts.Arg, len(out[k].Props))
			for n, p := range out[k].Props {
				p.Func = -1
				props[n] = p
			}
			out[k].Props = props
		}
		if len(out[k].Elems) > 0 {
			out[k].Elems = slices.Clone(out[k].Elems)
			for e := range out[k].Elems {
				out[k].Elems[e].Func = -1
			}
		}
	}
	return out
}

// hasArgInst reports whether an argument list passes an instance.
func hasArgInst(args []facts.Arg) bool {
	for k := range args {
		if args[k].Inst != "" {
			return true
		}
	}
	return false
}

// fileHasInst reports whether any argument of f passes an instance: a link
// with such a file types parameters across files (typeParams).
func fileHasInst(f *facts.File) bool {
	for j := range f.Functions {
		for k := range f.Functions[j].LocalCalls {
			if hasArgInst(f.Functions[j].LocalCalls[k].Args) {
				return true
			}
		}
	}
	for k := range f.Calls {
		if hasArgInst(f.Calls[k].Args) {
			return true
		}
	}
	return false
}
