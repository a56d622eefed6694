package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/engine"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/source"
	"github.com/mcpriv/mcpriv/rules"
)

const factsHelp = `Print what the extractor sees in one file: imports, functions, calls
resolved to canonical symbols (module + member path) with their arguments
and the rules that match them, tool registrations and suppression comments.
This is the input rules are matched against: use it to write a rule's
modules and calls, or to see why a rule does not fire.

The file is extracted in full (no pre-filter), alone: calls into other files
of the project are shown as written, and Go calls on types declared in
another file of the package ("type:T") are resolved only by a scan.

Positions are line:column, 1-based, columns in characters.

Exit codes: 0 success; 2 usage error, or a file that cannot be read or is
not JavaScript, TypeScript, Python or Go.`

func runFacts(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	var dirs listFlag
	var format string
	var asJSON bool
	maxSize := sizeFlag(source.DefaultMaxSize)
	fs := newFlagSet("facts", "FILE", factsHelp, stderr)
	fs.StringVar(&format, "format", "text", "output `format`: text or json")
	fs.BoolVar(&asJSON, "json", false, "same as --format json")
	fs.Var(&dirs, "rules", "add the rule files (*.yaml) of `DIR` to the built-in rules when matching calls (repeatable)")
	fs.Var(&maxSize, "max-file-size", "refuse files larger than `SIZE` (bytes, or with k, M, G)")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if asJSON {
		format = "json"
	}
	if format != "text" && format != "json" {
		return usageError(fs, stderr, "unknown --format %q (want text or json)", format)
	}
	if fs.NArg() != 1 {
		return usageError(fs, stderr, "want exactly one FILE")
	}
	p := fs.Arg(0)
	if source.DetectLang(p) == "" {
		fmt.Fprintf(stderr, "mcpriv facts: %s: not a JavaScript, TypeScript, Python or Go file\n", p)
		return exitError
	}
	set, err := rules.Load(dirs...)
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv facts: %v\n", err)
		return exitError
	}
	e, err := engine.New(engine.Options{Rules: set, MaxFileSize: int64(maxSize)})
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv facts: %v\n", err)
		return exitError
	}
	src, err := source.ReadFile(p, int64(maxSize))
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv facts: %v\n", describeReadError(p, err))
		return exitError
	}
	f, err := e.ExtractFull(ctx, p, src)
	if f == nil {
		fmt.Fprintf(stderr, "mcpriv facts: %v\n", err)
		return exitError
	}
	// A file with syntax errors still has facts (ParseErrors lists them);
	// any other error is reported after them.
	matches := callMatches(set, f)
	if format == "json" {
		out := struct {
			Facts   *facts.File `json:"facts"`
			Matches []callMatch `json:"matches"`
		}{f, matches}
		if out.Matches == nil {
			out.Matches = []callMatch{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "mcpriv facts: %v\n", err)
			return exitError
		}
	} else if err := printFacts(stdout, f, matches); err != nil {
		fmt.Fprintf(stderr, "mcpriv facts: %v\n", err)
		return exitError
	}
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv facts: %v\n", err)
		return exitError
	}
	return exitOK
}

func describeReadError(p string, err error) error {
	if os.IsNotExist(err) {
		return fmt.Errorf("%s: no such file", p)
	}
	return err
}

// callMatch lists the rules that fire on call Call (an index into
// facts.calls), conditions evaluated on its arguments.
type callMatch struct {
	Call  int      `json:"call"`
	Rules []string `json:"rules"`
}

func callMatches(set *rules.Set, f *facts.File) []callMatch {
	var out []callMatch
	fam := f.Lang.Family()
	for i := range f.Calls {
		var ids []string
		for _, m := range set.Match(fam, &f.Calls[i]) {
			ids = append(ids, m.Rule.ID)
		}
		if len(ids) > 0 {
			out = append(out, callMatch{i, ids})
		}
	}
	return out
}

func printFacts(w io.Writer, f *facts.File, matches []callMatch) error {
	bw := bufio.NewWriter(w)
	byCall := map[int][]string{}
	for _, m := range matches {
		byCall[m.Call] = m.Rules
	}
	fmt.Fprintf(bw, "%s  (%s, package %s)\n", f.Path, f.Lang, f.Package)
	if len(f.ParseErrors) > 0 {
		fmt.Fprintf(bw, "\nsyntax errors (facts from the rest of the file stand):\n")
		for _, s := range f.ParseErrors {
			fmt.Fprintf(bw, "  %s\n", pos(s.Start))
		}
	}
	section := func(name string, n int) {
		fmt.Fprintf(bw, "\n%s (%d):\n", name, n)
		if n == 0 {
			fmt.Fprintf(bw, "  none\n")
		}
	}
	section("imports", len(f.Imports))
	for _, imp := range f.Imports {
		bind := ""
		switch {
		case imp.Local == "":
			bind = "(side effect)"
		case imp.Name == "*":
			bind = imp.Local
		case imp.Name == imp.Local:
			bind = "{" + imp.Name + "}"
		default:
			bind = imp.Name + " as " + imp.Local
		}
		fmt.Fprintf(bw, "  %-7s %q  %s\n", pos(imp.Span.Start), imp.Spec, bind)
	}
	section("functions", len(f.Functions))
	for i, fn := range f.Functions {
		name := fn.Name
		switch {
		case i == 0 && fn.Parent < 0:
			name = "(top level)"
		case name == "":
			name = "(anonymous)"
		}
		if fn.Class != "" {
			name = fn.Class + "." + name
		}
		params := append([]string(nil), fn.Params...)
		for k, fields := range fn.ParamFields {
			if k >= 0 && k < len(params) && params[k] == "" {
				params[k] = "{" + strings.Join(fields, ", ") + "}"
			}
		}
		fmt.Fprintf(bw, "  #%-3d %s(%s)", i, name, strings.Join(params, ", "))
		if i > 0 || fn.Parent >= 0 {
			fmt.Fprintf(bw, "  %s", pos(fn.Span.Start))
		}
		if fn.Parent >= 0 {
			fmt.Fprintf(bw, "  in #%d", fn.Parent)
		}
		if len(fn.LocalCalls) > 0 {
			var cs []string
			for _, lc := range fn.LocalCalls {
				cs = append(cs, lc.Callee.Name)
			}
			fmt.Fprintf(bw, "  calls %s", strings.Join(cs, ", "))
		}
		fmt.Fprintln(bw)
	}
	section("calls", len(f.Calls))
	for i := range f.Calls {
		c := &f.Calls[i]
		sym := c.Module
		if c.Member != "" {
			sym += "." + c.Member
		}
		var tags []string
		if c.Access {
			t := "read"
			if c.Store {
				t = "store"
			}
			if c.Key != "" {
				t += " key " + strconv.Quote(c.Key)
			}
			tags = append(tags, t)
		}
		if c.New {
			tags = append(tags, "new")
		}
		if c.Spread {
			tags = append(tags, "spread")
		}
		fmt.Fprintf(bw, "  %-7s %s", pos(c.CalleeSpan.Start), sym)
		if len(tags) > 0 {
			fmt.Fprintf(bw, " [%s]", strings.Join(tags, ", "))
		}
		fmt.Fprintf(bw, "  in #%d", c.Func)
		if ids := byCall[i]; len(ids) > 0 {
			fmt.Fprintf(bw, "  → %s", strings.Join(ids, ", "))
		}
		fmt.Fprintln(bw)
		if !c.Access || len(c.Args) > 0 {
			var as []string
			for j := range c.Args {
				as = append(as, argString(&c.Args[j], 0))
			}
			fmt.Fprintf(bw, "          args: (%s)\n", strings.Join(as, ", "))
		}
		if c.Recv != nil {
			fmt.Fprintf(bw, "          receiver: %s\n", argString(c.Recv, 0))
		}
	}
	section("tools", len(f.Tools))
	for _, t := range f.Tools {
		name := strconv.Quote(t.Name)
		if t.Name == "" && t.NameRef != "" {
			name = "(named by " + t.NameRef + ")"
		}
		fmt.Fprintf(bw, "  %-7s %s  %s", pos(t.Span.Start), name, t.SDK)
		switch {
		case t.Handler >= 0:
			fmt.Fprintf(bw, "  handler #%d", t.Handler)
		case t.HandlerRef != nil:
			fmt.Fprintf(bw, "  handler %s (%s)", t.HandlerRef.Name, t.HandlerRef.Kind)
		}
		if t.Dispatcher >= 0 {
			fmt.Fprintf(bw, "  dispatched by #%d", t.Dispatcher)
		}
		for _, in := range t.Inputs {
			fmt.Fprintf(bw, "  input: param %d", in.Index)
			if len(in.Prefix) > 0 {
				fmt.Fprintf(bw, ".%s", strings.Join(in.Prefix, "."))
			}
		}
		if len(t.Annotations) > 0 {
			keys := make([]string, 0, len(t.Annotations))
			for k := range t.Annotations {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(bw, "  %s=%v", k, t.Annotations[k])
			}
		}
		fmt.Fprintln(bw)
	}
	if len(f.Types) > 0 {
		// What other files of the project reach through this file's names
		// (instances, return values, attributes): rule writers read it to
		// see why a call in another file resolved as it did.
		section("types", len(f.Types))
		keys := make([]string, 0, len(f.Types))
		for k := range f.Types {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			mod, mem, _ := strings.Cut(f.Types[k], "\x00")
			fmt.Fprintf(bw, "  %s → %s %s\n", k, mod, mem)
		}
	}
	section("suppressions", len(f.Suppressions))
	for _, s := range f.Suppressions {
		where := "this line"
		if s.OwnLine {
			where = "this line and the next"
		}
		fmt.Fprintf(bw, "  %-7s %s -- %q  (%s)\n", pos(s.Span.Start), strings.Join(s.Capabilities, ", "), s.Reason, where)
	}
	return bw.Flush()
}

func pos(p source.Pos) string { return fmt.Sprintf("%d:%d", p.Line+1, p.Col+1) }

// argString renders an argument: a literal as written, "?" for a value not
// known, with the tool-input parameters it derives from.
func argString(a *facts.Arg, depth int) string {
	var b strings.Builder
	if a.Name != "" {
		b.WriteString(a.Name + "=")
	}
	if a.Env != "" {
		b.WriteString("$" + a.Env + " default ") // the value when the variable is unset
	}
	switch {
	case a.Known && a.Prefix:
		b.WriteString(strconv.Quote(a.Value) + "+…")
	case a.Known:
		b.WriteString(strconv.Quote(a.Value))
	case a.Number != "":
		b.WriteString(a.Number)
	case a.Func >= 0:
		fmt.Fprintf(&b, "func #%d", a.Func)
	case len(a.Props) > 0 && depth < 2:
		keys := make([]string, 0, len(a.Props))
		for k := range a.Props {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			p := a.Props[k]
			b.WriteString(k + ": " + argString(&p, depth+1))
		}
		b.WriteString("}")
	case len(a.Elems) > 0 && depth < 2:
		b.WriteString("[")
		for i := range a.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(argString(&a.Elems[i], depth+1))
		}
		b.WriteString("]")
	default:
		b.WriteString("?")
	}
	for _, r := range a.Refs {
		fmt.Fprintf(&b, " ←#%d.param%d", r.Fn, r.Param)
		if len(r.Path) > 0 {
			b.WriteString("." + strings.Join(r.Path, "."))
		}
	}
	return b.String()
}
