package golang

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// render is the compact text form of facts used by the golden tests.
func render(f *facts.File) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n", f.Package)
	for _, im := range f.Imports {
		fmt.Fprintf(&b, "import %q local=%q name=%q %s\n", im.Spec, im.Local, im.Name, pos(im.Span))
	}
	for i, fn := range f.Functions {
		fmt.Fprintf(&b, "func #%d %q", i, fn.Name)
		if fn.Class != "" {
			fmt.Fprintf(&b, " class=%s", fn.Class)
		}
		fmt.Fprintf(&b, " parent=%d %s name=%s", fn.Parent, rng(fn.Span), rng(fn.NameSpan))
		if len(fn.Params) > 0 {
			fmt.Fprintf(&b, " params=%q", fn.Params)
		}
		b.WriteString("\n")
		for _, lc := range fn.LocalCalls {
			fmt.Fprintf(&b, "  localcall %s %s%s%s\n", callee(lc.Callee), pos(lc.Span), args(lc.Args), recv(lc.Receiver))
		}
		for _, r := range fn.Refs {
			fmt.Fprintf(&b, "  ref %s\n", callee(r))
		}
		if len(fn.Returns) > 0 {
			fmt.Fprintf(&b, "  returns %s\n", refs(fn.Returns))
		}
	}
	for _, c := range f.Calls {
		fmt.Fprintf(&b, "call #%d %s %q", c.Func, c.Module, c.Member)
		if c.New {
			b.WriteString(" new")
		}
		if c.Access {
			b.WriteString(" access")
		}
		if c.Spread {
			b.WriteString(" spread")
		}
		if c.Key != "" {
			fmt.Fprintf(&b, " key=%q", c.Key)
		}
		fmt.Fprintf(&b, " %s callee=%s%s", pos(c.Span), rng(c.CalleeSpan), args(c.Args))
		if c.Recv != nil {
			fmt.Fprintf(&b, " recv=%s", argStr(*c.Recv))
		}
		b.WriteString("\n")
	}
	for _, t := range f.Tools {
		fmt.Fprintf(&b, "tool %q", t.Name)
		if t.NameRef != "" {
			fmt.Fprintf(&b, " nameRef=%s", t.NameRef)
		}
		fmt.Fprintf(&b, " sdk=%s handler=%d", t.SDK, t.Handler)
		if t.HandlerRef != nil {
			fmt.Fprintf(&b, " handlerRef=%s", callee(*t.HandlerRef))
		}
		fmt.Fprintf(&b, " dispatcher=%d span=%s name=%s", t.Dispatcher, rng(t.Span), rng(t.NameSpan))
		for _, in := range t.Inputs {
			fmt.Fprintf(&b, " input=%d%q", in.Index, in.Prefix)
		}
		for _, k := range keys(t.Annotations) {
			fmt.Fprintf(&b, " %s=%v%s", k, t.Annotations[k], pos(t.AnnotationSpans[k]))
		}
		b.WriteString("\n")
	}
	for _, s := range f.Suppressions {
		fmt.Fprintf(&b, "suppress line=%d own=%v caps=%q reason=%q\n", s.Line, s.OwnLine, s.Capabilities, s.Reason)
	}
	for _, k := range keys(f.Exports) {
		fmt.Fprintf(&b, "export %s=%d\n", k, f.Exports[k])
	}
	for _, k := range keys(f.Constants) {
		fmt.Fprintf(&b, "const %s=%q\n", k, f.Constants[k])
	}
	for _, k := range keys(f.Types) {
		fmt.Fprintf(&b, "type %s=%q\n", k, f.Types[k])
	}
	for _, e := range f.ParseErrors {
		fmt.Fprintf(&b, "parseerror %s\n", rng(e))
	}
	return b.String()
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func pos(s source.Span) string { return fmt.Sprintf("@%d:%d", s.Start.Line+1, s.Start.Col+1) }

func rng(s source.Span) string {
	return fmt.Sprintf("%d:%d-%d:%d", s.Start.Line+1, s.Start.Col+1, s.End.Line+1, s.End.Col+1)
}

func callee(c facts.Callee) string {
	s := c.Kind + " " + c.Name
	if c.Class != "" {
		s += " class=" + c.Class
	}
	if c.Module != "" {
		s += " module=" + c.Module
	}
	return fmt.Sprintf("%s func=%d", s, c.Func)
}

func refs(rs []facts.ParamRef) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%d.%d%s", r.Fn, r.Param, pathStr(r.Path)))
	}
	return "{" + strings.Join(parts, " ") + "}"
}

func pathStr(p []string) string {
	if len(p) == 0 {
		return ""
	}
	return "[" + strings.Join(p, ".") + "]"
}

func recv(rs []facts.ParamRef) string {
	if len(rs) == 0 {
		return ""
	}
	return " recv=" + refs(rs)
}

func args(as []facts.Arg) string {
	if len(as) == 0 {
		return ""
	}
	var parts []string
	for _, a := range as {
		parts = append(parts, argStr(a))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func argStr(a facts.Arg) string {
	var parts []string
	if a.Known {
		s := fmt.Sprintf("%q", a.Value)
		if a.Prefix {
			s += "…"
		}
		parts = append(parts, s)
	}
	if a.Number != "" {
		parts = append(parts, "num="+a.Number)
	}
	if a.Func >= 0 {
		parts = append(parts, fmt.Sprintf("func=%d", a.Func))
	}
	if len(a.Refs) > 0 {
		parts = append(parts, "refs="+refs(a.Refs))
	}
	if len(a.Props) > 0 {
		var ps []string
		for _, k := range keys(a.Props) {
			ps = append(ps, k+":"+argStr(a.Props[k]))
		}
		parts = append(parts, "{"+strings.Join(ps, " ")+"}")
	}
	if len(a.Elems) > 0 {
		var es []string
		for _, e := range a.Elems {
			es = append(es, argStr(e))
		}
		parts = append(parts, "["+strings.Join(es, " ")+"]")
	}
	if len(parts) == 0 {
		return "?"
	}
	return strings.Join(parts, " ")
}
