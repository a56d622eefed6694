package facts

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/source"
)

// Validate checks the invariants every extractor's output keeps, for a
// source of size bytes: the top-level function first, indices that point
// into the file's own lists, spans within the source, suppressions and
// imports in source order, bounded reference paths. The link relies on
// them; the conformance test holds every extractor to them.
func Validate(f *File, size int) error {
	if f == nil {
		return fmt.Errorf("no facts")
	}
	if f.Path == "" {
		return fmt.Errorf("no path")
	}
	if f.Lang.Family() == "" {
		return fmt.Errorf("unknown language %q", f.Lang)
	}
	nfn := len(f.Functions)
	if nfn == 0 || f.Functions[0].Parent != -1 {
		return fmt.Errorf("functions[0] must be the top level (Parent -1)")
	}
	span := func(what string, s source.Span) error {
		if s.Start.Offset < 0 || s.Start.Offset > s.End.Offset || s.End.Offset > size ||
			s.Start.Line < 0 || s.Start.Line > s.End.Line {
			return fmt.Errorf("%s: span %d..%d (lines %d..%d) out of the source's %d bytes", what, s.Start.Offset, s.End.Offset, s.Start.Line, s.End.Line, size)
		}
		return nil
	}
	fn := func(what string, j int, none bool) error {
		if j >= 0 && j < nfn || none && j == -1 {
			return nil
		}
		return fmt.Errorf("%s: function %d out of %d", what, j, nfn)
	}
	var refs func(what string, rs []ParamRef) error
	refs = func(what string, rs []ParamRef) error {
		for _, r := range rs {
			if err := fn(what+" ref", r.Fn, false); err != nil {
				return err
			}
			if r.Param < -1 || len(r.Path) > 4 {
				return fmt.Errorf("%s: ref param %d, path %v (at most 4 long)", what, r.Param, r.Path)
			}
		}
		return nil
	}
	var arg func(what string, a *Arg, depth int) error
	arg = func(what string, a *Arg, depth int) error {
		if depth > 16 {
			return fmt.Errorf("%s: arguments nested deeper than 16", what)
		}
		if err := fn(what+" func", a.Func, true); err != nil {
			return err
		}
		if err := refs(what, a.Refs); err != nil {
			return err
		}
		if a.Pass && (len(a.Refs) != 1 || a.Known) {
			return fmt.Errorf("%s: a passed-on parameter has %d references and known %v (want 1, false)", what, len(a.Refs), a.Known)
		}
		if len(a.Elems) > 16 {
			return fmt.Errorf("%s: %d elements (at most 16)", what, len(a.Elems))
		}
		if a.Lead && (len(a.Refs) == 0 || a.Known || a.Pass || a.Const != nil || a.Default != "" || a.Env != "") {
			return fmt.Errorf("%s: a value led by a parameter with %d references, known %v, pass %v (want a reference, nothing known)", what, len(a.Refs), a.Known, a.Pass)
		}
		if a.Tail != nil && (!a.Prefix && !a.DefaultPrefix || !slices.ContainsFunc(a.Refs, a.Tail.Equal)) {
			return fmt.Errorf("%s: a tail parameter %+v with prefix %v, default prefix %v (want a prefix followed by one of the references)", what, *a.Tail, a.Prefix, a.DefaultPrefix)
		}
		if a.Const != nil && (a.Known || a.Pass || a.Const.Module == "" || a.Const.Name == "") {
			return fmt.Errorf("%s: a constant reference %+v with known %v, pass %v (want a module and name, nothing else)", what, *a.Const, a.Known, a.Pass)
		}
		if (a.Default != "" || a.DefaultPrefix) && (a.Known || a.Default == "") {
			return fmt.Errorf("%s: a default %q (prefix %v) with known %v (want a default of an unknown value)", what, a.Default, a.DefaultPrefix, a.Known)
		}
		if a.Env != "" && !a.Known && a.Const == nil {
			return fmt.Errorf("%s: env %q without a known default", what, a.Env)
		}
		if a.Inst != "" {
			if mod, _, ok := strings.Cut(a.Inst, "\x00"); !ok || mod == "" || strings.HasPrefix(mod, "type:") || depth > 0 {
				return fmt.Errorf("%s: instance %q is not Module\\x00Member of a top-level argument", what, a.Inst)
			}
		}
		for k := range a.Elems {
			if err := arg(what, &a.Elems[k], depth+1); err != nil {
				return err
			}
		}
		for k, p := range a.Props {
			if err := arg(what+"."+k, &p, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	callee := func(what string, c *Callee) error {
		if err := fn(what, c.Func, true); err != nil {
			return err
		}
		if c.Module != "" && c.Kind != "package" && c.Kind != "method" {
			return fmt.Errorf("%s: a module on a %q callee", what, c.Kind)
		}
		return span(what, c.Span)
	}
	for j := range f.Functions {
		x := &f.Functions[j]
		what := fmt.Sprintf("function %d", j)
		if j > 0 {
			if err := fn(what+" parent", x.Parent, false); err != nil {
				return err
			}
			if x.Parent == j {
				return fmt.Errorf("%s is its own parent", what)
			}
		}
		if err := span(what, x.Span); err != nil {
			return err
		}
		if err := span(what+" name", x.NameSpan); err != nil {
			return err
		}
		for k := range x.LocalCalls {
			lc := &x.LocalCalls[k]
			if err := callee(what+" local call", &lc.Callee); err != nil {
				return err
			}
			if err := span(what+" local call", lc.Span); err != nil {
				return err
			}
			for a := range lc.Args {
				if err := arg(what+" local call arg", &lc.Args[a], 0); err != nil {
					return err
				}
			}
			if err := refs(what+" receiver", lc.Receiver); err != nil {
				return err
			}
			if lc.ReceiverPass && len(lc.Receiver) != 1 {
				return fmt.Errorf("%s local call: a passed-on receiver has %d references (want 1)", what, len(lc.Receiver))
			}
		}
		for k := range x.Refs {
			if err := callee(what+" ref", &x.Refs[k]); err != nil {
				return err
			}
		}
		if err := refs(what+" returns", x.Returns); err != nil {
			return err
		}
	}
	for k := range f.Calls {
		c := &f.Calls[k]
		what := fmt.Sprintf("call %d (%s %s)", k, c.Module, c.Member)
		if err := fn(what, c.Func, false); err != nil {
			return err
		}
		if err := span(what, c.Span); err != nil {
			return err
		}
		if err := span(what+" callee", c.CalleeSpan); err != nil {
			return err
		}
		for a := range c.Args {
			if err := arg(what+" arg", &c.Args[a], 0); err != nil {
				return err
			}
		}
		if c.Recv != nil {
			if err := arg(what+" receiver", c.Recv, 0); err != nil {
				return err
			}
		}
		if err := refs(what+" key", c.KeyRefs); err != nil {
			return err
		}
		if c.Store && (!c.Access || len(c.Args) != 1) {
			return fmt.Errorf("%s: a store is an access with one argument (the value), not %d", what, len(c.Args))
		}
	}
	for k := range f.Tools {
		t := &f.Tools[k]
		what := fmt.Sprintf("tool %d (%q)", k, t.Name)
		if err := fn(what+" handler", t.Handler, true); err != nil {
			return err
		}
		if err := fn(what+" dispatcher", t.Dispatcher, true); err != nil {
			return err
		}
		if t.ViaModule != "" && !dottedName(t.ViaModule) {
			return fmt.Errorf("%s: via module %q is not an absolute dotted module name", what, t.ViaModule)
		}
		if t.HandlerRef != nil {
			if err := callee(what+" handler ref", t.HandlerRef); err != nil {
				return err
			}
		}
		if err := span(what, t.Span); err != nil {
			return err
		}
		if err := span(what+" name", t.NameSpan); err != nil {
			return err
		}
		for name, s := range t.AnnotationSpans {
			if err := span(what+" annotation "+name, s); err != nil {
				return err
			}
		}
		for _, b := range t.Binds {
			if mod, _, ok := strings.Cut(b, "\x00"); b != "" && (!ok || mod == "") {
				return fmt.Errorf("%s: bound instance %q is not Module\\x00Member", what, b)
			}
		}
		if len(t.Binds) > maxTableArg {
			return fmt.Errorf("%s: %d bound arguments, at most %d", what, len(t.Binds), maxTableArg)
		}
		if tb := t.Table; tb != nil {
			if tb.Keyed && (tb.Name == "" || tb.NameProp != "" || tb.HandlerParam != 0) {
				return fmt.Errorf("%s: keyed tool table %+v needs a name and no name property or handler parameter", what, *tb)
			}
			if !tb.Keyed && tb.NameProp == "" && tb.Name != "" || tb.InputArg < -1 || tb.InputArg >= maxTableArg ||
				tb.Name == "" && tb.Param < 0 || tb.HandlerParam < 0 || tb.HandlerParam > maxTableArg || tb.HandlerParam > 0 && tb.NameProp != "" {
				return fmt.Errorf("%s: tool table %+v needs a list or a parameter, a name property (or, for a parameter, none: the parameter is the name), an input argument in [-1, %d) and a handler parameter in [0, %d]", what, *tb, maxTableArg, maxTableArg)
			}
			if tb.Name == "" {
				if err := fn(what+" table function", tb.Fn, false); err != nil {
					return err
				}
			}
		}
	}
	for name, els := range f.Lists {
		if name == "" || len(els) > MaxListElems {
			return fmt.Errorf("list %q: empty name or more than %d elements", name, MaxListElems)
		}
		for _, el := range els {
			if el.Name == "" {
				return fmt.Errorf("list %q: an element with no name", name)
			}
		}
	}
	for name, j := range f.Exports {
		if err := fn("export "+name, j, false); err != nil {
			return err
		}
	}
	for k, im := range f.Imports {
		if err := span(fmt.Sprintf("import %d", k), im.Span); err != nil {
			return err
		}
	}
	for k, s := range f.Suppressions {
		what := fmt.Sprintf("suppression %d", k)
		if err := span(what, s.Span); err != nil {
			return err
		}
		if s.Line != s.Span.Start.Line || s.Capabilities == nil {
			return fmt.Errorf("%s: line %d, span from line %d, capabilities %v (never nil)", what, s.Line, s.Span.Start.Line, s.Capabilities)
		}
	}
	if !slices.IsSortedFunc(f.Suppressions, func(a, b Suppression) int { return a.Span.Start.Offset - b.Span.Start.Offset }) {
		return fmt.Errorf("suppressions are not in source order")
	}
	for k, s := range f.ParseErrors {
		if err := span(fmt.Sprintf("parse error %d", k), s); err != nil {
			return err
		}
	}
	for k, s := range f.TooDeep {
		if err := span(fmt.Sprintf("too-deep span %d", k), s); err != nil {
			return err
		}
	}
	for k, vs := range f.Stores {
		if k == "" || len(vs) == 0 || len(vs) > MaxStores {
			return fmt.Errorf("stores %q: %d values (want 1 to %d)", k, len(vs), MaxStores)
		}
		for j := range vs {
			if err := arg(fmt.Sprintf("stores %q value %d", k, j), &vs[j], 0); err != nil {
				return err
			}
		}
	}
	// Types name what a top-level name holds as "Module\x00Member": the
	// link splits them there and follows a "type:" module.
	for k, v := range f.Types {
		mod, _, ok := strings.Cut(v, "\x00")
		if k == "" || !ok || mod == "" || mod == "type:" {
			return fmt.Errorf("type %q: symbol %q is not Module\\x00Member", k, v)
		}
	}
	return nil
}

// dottedName says s is an absolute dotted module name (a.b.c): no empty
// part, no white space.
func dottedName(s string) bool {
	for _, p := range strings.Split(s, ".") {
		if p == "" || strings.ContainsAny(p, " \t\r\n()") {
			return false
		}
	}
	return true
}
