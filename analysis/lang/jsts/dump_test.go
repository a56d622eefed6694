package jsts

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// dump prints facts compactly for golden files. Positions are 1-based line:col.
func dump(f *facts.File) string {
	var b strings.Builder
	pos := func(s source.Span) string { return fmt.Sprintf("%d:%d", s.Start.Line+1, s.Start.Col+1) }
	for _, im := range f.Imports {
		fmt.Fprintf(&b, "import %q local=%q name=%q @%s\n", im.Spec, im.Local, im.Name, pos(im.Span))
	}
	for i, fn := range f.Functions {
		fmt.Fprintf(&b, "func #%d %q", i, fn.Name)
		if fn.Class != "" {
			fmt.Fprintf(&b, " class=%s", fn.Class)
		}
		fmt.Fprintf(&b, " parent=%d @%s", fn.Parent, pos(fn.Span))
		if len(fn.Params) > 0 {
			fmt.Fprintf(&b, " params=%q", fn.Params)
		}
		if len(fn.ParamFields) > 0 {
			keys := make([]int, 0, len(fn.ParamFields))
			for k := range fn.ParamFields {
				keys = append(keys, k)
			}
			sort.Ints(keys)
			for _, k := range keys {
				fmt.Fprintf(&b, " fields%d=%v", k, fn.ParamFields[k])
			}
		}
		if len(fn.Returns) > 0 {
			fmt.Fprintf(&b, " returns=%s", refs(fn.Returns))
		}
		b.WriteString("\n")
		for _, lc := range fn.LocalCalls {
			fmt.Fprintf(&b, "  call %s @%s", callee(lc.Callee), pos(lc.Span))
			if len(lc.Receiver) > 0 {
				fmt.Fprintf(&b, " recv=%s", refs(lc.Receiver))
			}
			fmt.Fprintf(&b, " %s\n", args(lc.Args))
		}
		for _, r := range fn.Refs {
			fmt.Fprintf(&b, "  ref %s\n", callee(r))
		}
	}
	for _, c := range f.Calls {
		kind := "call"
		if c.Access {
			kind = "access"
		} else if c.New {
			kind = "new"
		}
		fmt.Fprintf(&b, "%s %s:%s func=%d @%s", kind, c.Module, c.Member, c.Func, pos(c.Span))
		if c.Key != "" || c.KeyRefs != nil {
			fmt.Fprintf(&b, " key=%q", c.Key)
		}
		if len(c.KeyRefs) > 0 {
			fmt.Fprintf(&b, " keyrefs=%s", refs(c.KeyRefs))
		}
		if c.Spread {
			b.WriteString(" spread")
		}
		if !c.Access {
			fmt.Fprintf(&b, " %s", args(c.Args))
		}
		b.WriteString("\n")
	}
	for _, t := range f.Tools {
		fmt.Fprintf(&b, "tool %q ref=%q sdk=%s handler=%d dispatcher=%d @%s", t.Name, t.NameRef, t.SDK, t.Handler, t.Dispatcher, pos(t.NameSpan))
		if t.HandlerRef != nil {
			fmt.Fprintf(&b, " handlerRef=%s", callee(*t.HandlerRef))
		}
		if t.NameExpr != "" {
			fmt.Fprintf(&b, " expr=%q", t.NameExpr)
		}
		if t.Table != nil {
			fmt.Fprintf(&b, " table=%+v", *t.Table)
		}
		for _, in := range t.Inputs {
			fmt.Fprintf(&b, " input=%d%v", in.Index, in.Prefix)
		}
		keys := make([]string, 0, len(t.Annotations))
		for k := range t.Annotations {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%v@%s", k, t.Annotations[k], pos(t.AnnotationSpans[k]))
		}
		b.WriteString("\n")
	}
	for _, k := range sortedKeys(f.Exports) {
		fmt.Fprintf(&b, "export %s=#%d\n", k, f.Exports[k])
	}
	ck := make([]string, 0, len(f.Constants))
	for k := range f.Constants {
		ck = append(ck, k)
	}
	sort.Strings(ck)
	for _, k := range ck {
		fmt.Fprintf(&b, "const %s=%q\n", k, f.Constants[k])
	}
	for _, s := range f.Suppressions {
		fmt.Fprintf(&b, "suppress line=%d own=%v caps=%v reason=%q\n", s.Line+1, s.OwnLine, s.Capabilities, s.Reason)
	}
	for _, s := range f.ParseErrors {
		fmt.Fprintf(&b, "parse-error @%s\n", pos(s))
	}
	return b.String()
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func callee(c facts.Callee) string {
	s := fmt.Sprintf("%s:%s", c.Kind, c.Name)
	if c.Class != "" {
		s += "@" + c.Class
	}
	if c.Func >= 0 {
		s += fmt.Sprintf("#%d", c.Func)
	}
	return s
}

func refs(rs []facts.ParamRef) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%d.%d", r.Fn, r.Param)
		if len(r.Path) > 0 {
			parts[i] += "." + strings.Join(r.Path, ".")
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func args(as []facts.Arg) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = arg(a)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func arg(a facts.Arg) string {
	var s []string
	if a.Known {
		v := fmt.Sprintf("%q", a.Value)
		if a.Prefix {
			v += "…"
		}
		s = append(s, v)
	}
	if a.Lead {
		v := fmt.Sprintf("lead%s+%q", refs(a.Refs[:1]), a.Value)
		if a.Prefix {
			v += "…"
		}
		s = append(s, v)
	}
	if a.Number != "" {
		s = append(s, a.Number)
	}
	if a.Func >= 0 {
		s = append(s, fmt.Sprintf("fn#%d", a.Func))
	}
	if len(a.Refs) > 0 {
		s = append(s, "taint"+refs(a.Refs))
	}
	if len(a.Props) > 0 {
		keys := make([]string, 0, len(a.Props))
		for k := range a.Props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var ps []string
		for _, k := range keys {
			ps = append(ps, k+": "+arg(a.Props[k]))
		}
		s = append(s, "{"+strings.Join(ps, ", ")+"}")
	}
	if len(a.Elems) > 0 {
		var es []string
		for _, el := range a.Elems {
			es = append(es, arg(el))
		}
		s = append(s, "["+strings.Join(es, ", ")+"]")
	}
	if len(s) == 0 {
		return "_"
	}
	return strings.Join(s, " ")
}
