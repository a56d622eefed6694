// Command astgrep writes ast-grep rules equivalent to the call patterns of
// mcpriv's rules, for .ci/bench-vs-astgrep.sh: the same symbols searched by a
// general structural matcher, so the two scanners do comparable work on the
// same tree.
//
//	go run ./.ci/astgrep -o DIR [-rules DIR ...]
//	go run ./.ci/astgrep -list ROOT...   the files mcpriv scan analyses in the ROOTs
//
// DIR receives sgconfig.yml and one rule file per ast-grep language. A
// symbol becomes the call (or construction, or property read) of its last
// concrete member name, as the code writes it: child_process.exec is
// `$O.exec($$$)` or `exec($$$)` (a named import); "Client().*" (any method
// of an instance) is the construction `Client($$$)`; a call of the module
// value itself ("") is the call of the module's name; process.env (read)
// is `$O.env`. Tool registrations (the words mcpriv's pre-filter keeps
// besides the rules') are added as method calls. One ast-grep rule per
// language and name, its patterns under `any`.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/engine"
	"github.com/mcpriv/mcpriv/rules"
)

// registrations are the SDK calls that register MCP tools (mcpriv's
// registrationWords that are call names).
var registrations = []string{"tool", "registerTool", "setRequestHandler", "call_tool", "add_tool", "AddTool", "AddTools", "NewTool"}

// astLangs maps a rule family to ast-grep's languages.
var astLangs = map[string][]string{
	"js":     {"JavaScript", "TypeScript", "Tsx"},
	"python": {"Python"},
	"go":     {"Go"},
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	out := flag.String("o", "", "output `DIR` (created)")
	mode := flag.String("mode", "rule", "`rule`: one ast-grep rule per mcpriv rule (names as regular expressions); symbol: one per called name")
	list := flag.Bool("list", false, "print the files mcpriv scan analyses in the ROOTs given as arguments, one per line")
	var dirs listFlag
	flag.Var(&dirs, "rules", "also translate the rule files of `DIR` (repeatable)")
	flag.Parse()
	if *list {
		if err := listFiles(flag.Args()); err != nil {
			fmt.Fprintf(os.Stderr, "astgrep: %v\n", err)
			os.Exit(1)
		}
		return
	}
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: go run ./.ci/astgrep -o DIR [-rules DIR ...] | -list ROOT...")
		os.Exit(2)
	}
	set, err := rules.Load(dirs...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "astgrep: %v\n", err)
		os.Exit(1)
	}
	n, err := write(*out, set, *mode)
	if err != nil {
		fmt.Fprintf(os.Stderr, "astgrep: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "astgrep: %d ast-grep rules from %d mcpriv rules in %s\n", n, len(set.Rules()), *out)
}

// listFiles prints the files the engine's own walk selects (default
// excludes, size limit), so ast-grep reads exactly the bytes mcpriv does.
func listFiles(roots []string) error {
	e, err := engine.New(engine.Options{})
	if err != nil {
		return err
	}
	w := bufio.NewWriter(os.Stdout)
	for _, root := range roots {
		abs, err := filepath.Abs(root)
		if err != nil {
			return err
		}
		files, _, err := e.Files(context.Background(), abs)
		if err != nil {
			return err
		}
		for _, f := range files {
			fmt.Fprintln(w, f)
		}
	}
	return w.Flush()
}

// target is what one mcpriv rule finds, as names the code writes.
type target struct {
	id, fam string
	calls   map[string]bool // called, directly or as a member
	ctors   map[string]bool // JS: also constructed with new
	access  map[string]bool // read as a property
}

// targets translates the rule set, plus one target for tool registrations.
func targets(set *rules.Set) []*target {
	var out []*target
	for _, r := range set.Rules() {
		t := &target{id: r.ID, fam: r.Language, calls: map[string]bool{}, ctors: map[string]bool{}, access: map[string]bool{}}
		for _, mod := range r.Modules {
			for _, c := range r.Calls {
				name := callName(c)
				if name == "" {
					name = moduleName(r.Language, mod)
				}
				if name == "" {
					continue
				}
				t.calls[name] = true
				if r.Language == "js" && name[0] >= 'A' && name[0] <= 'Z' {
					t.ctors[name] = true
				}
			}
			for _, a := range r.Access {
				if name := callName(a); name != "" {
					t.access[name] = true
				}
			}
			if len(r.Calls) == 0 && len(r.Access) == 0 {
				if name := moduleName(r.Language, mod); name != "" {
					t.calls[name] = true
				}
			}
		}
		if len(t.calls)+len(t.access) > 0 {
			out = append(out, t)
		}
	}
	for _, fam := range []string{"js", "python", "go"} {
		t := &target{id: fam + ".mcp.tool-registration", fam: fam, calls: map[string]bool{}}
		for _, w := range registrations {
			t.calls[w] = true
		}
		out = append(out, t)
	}
	return out
}

// write writes sgconfig.yml and the rule files into dir and returns the
// number of ast-grep rules. Mode "rule": one ast-grep rule per mcpriv rule,
// its names in regular-expression constraints; mode "symbol": one per
// called name, with literal patterns ($O.exec($$$), exec($$$)).
func write(dir string, set *rules.Set, mode string) (int, error) {
	if err := os.MkdirAll(filepath.Join(dir, "rules"), 0o755); err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, "sgconfig.yml"), []byte("ruleDirs:\n  - rules\n"), 0o644); err != nil {
		return 0, err
	}
	ts := targets(set)
	total := 0
	for _, fam := range []string{"js", "python", "go"} {
		for _, lang := range astLangs[fam] {
			var b strings.Builder
			switch mode {
			case "rule":
				for _, t := range ts {
					if t.fam == fam {
						writeRule(&b, lang, t)
						total++
					}
				}
			case "symbol":
				total += writeSymbols(&b, lang, fam, ts)
			default:
				return 0, fmt.Errorf("unknown mode %q (want rule or symbol)", mode)
			}
			p := filepath.Join(dir, "rules", strings.ToLower(lang)+".yml")
			if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
				return 0, err
			}
		}
	}
	return total, nil
}

// writeRule writes one rule: a call whose callee ends in one of the names
// (exec(), cp.exec(), a.b.exec()), a construction, or a property read.
// Each branch has its own meta-variable: a node that matches a branch's
// pattern but not its constraint must not hide another branch.
func writeRule(b *strings.Builder, lang string, t *target) {
	fmt.Fprintf(b, "id: %s-%s\nlanguage: %s\nseverity: warning\nmessage: %s\nrule:\n  any:\n", strings.ToLower(lang), t.id, lang, t.id)
	var cons strings.Builder
	if len(t.calls) > 0 {
		b.WriteString("    - pattern: \"$F($$$)\"\n")
		fmt.Fprintf(&cons, "  F: {regex: %q}\n", `(?:^|\.)\s*(?:`+alternation(t.calls)+`)$`)
	}
	if len(t.ctors) > 0 {
		b.WriteString("    - pattern: \"new $C($$$)\"\n")
		fmt.Fprintf(&cons, "  C: {regex: %q}\n", `(?:^|\.)\s*(?:`+alternation(t.ctors)+`)$`)
	}
	if len(t.access) > 0 {
		b.WriteString("    - pattern: \"$O.$A\"\n")
		fmt.Fprintf(&cons, "  A: {regex: %q}\n", `^(?:`+alternation(t.access)+`)$`)
	}
	b.WriteString("constraints:\n")
	b.WriteString(cons.String())
	b.WriteString("---\n")
}

func alternation(names map[string]bool) string {
	list := make([]string, 0, len(names))
	for n := range names {
		list = append(list, regexp.QuoteMeta(n))
	}
	sort.Strings(list)
	return strings.Join(list, "|")
}

// writeSymbols writes one rule per name of the family's targets.
func writeSymbols(b *strings.Builder, lang, fam string, ts []*target) int {
	pats := map[string]map[string]bool{}
	add := func(name, p string) {
		if pats[name] == nil {
			pats[name] = map[string]bool{}
		}
		pats[name][p] = true
	}
	for _, t := range ts {
		if t.fam != fam {
			continue
		}
		for n := range t.calls {
			if !keywords[fam][n] {
				add(n, n+"($$$)") // default(), delete(): only members can be called so
			}
			add(n, "$O."+n+"($$$)")
		}
		for n := range t.ctors {
			add(n, "new "+n+"($$$)")
			add(n, "new $O."+n+"($$$)")
		}
		for n := range t.access {
			add(n, "$O."+n)
		}
	}
	names := make([]string, 0, len(pats))
	for n := range pats {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(b, "id: %s-%s\nlanguage: %s\nseverity: warning\nmessage: %s\nrule:\n  any:\n", strings.ToLower(lang), n, lang, n)
		list := make([]string, 0, len(pats[n]))
		for p := range pats[n] {
			list = append(list, p)
		}
		sort.Strings(list)
		for _, p := range list {
			fmt.Fprintf(b, "    - pattern: %q\n", p)
		}
		b.WriteString("---\n")
	}
	return len(names)
}

// callName returns the last concrete name of a member path: "exec",
// "promises.writeFile" → writeFile, "Client().*" (any method of an
// instance) → Client, "" (the module value itself) → "".
func callName(member string) string {
	segs := strings.Split(member, ".")
	for i := len(segs) - 1; i >= 0; i-- {
		s := strings.TrimSuffix(segs[i], "()")
		if s == "*" || s == "**" || s == "" {
			continue
		}
		if !isIdent(s) {
			return ""
		}
		return s
	}
	return ""
}

// moduleName is the identifier code usually binds a module to: the last
// identifier token of its name (node-fetch → fetch, requests → requests).
func moduleName(fam, mod string) string {
	if fam == "python" {
		if i := strings.IndexByte(mod, '.'); i >= 0 {
			mod = mod[:i]
		}
	}
	var last string
	for _, t := range strings.FieldsFunc(mod, func(r rune) bool { return !isIdentRune(r) }) {
		if t != "" && (t[0] < '0' || t[0] > '9') {
			last = t
		}
	}
	return last
}

// keywords cannot be called by name, only as members.
var keywords = map[string]map[string]bool{
	"js":     set("break case catch class const continue debugger default delete do else export extends finally for function if import in instanceof new return super switch this throw try typeof var void while with yield let static enum await implements package protected interface private public"),
	"python": set("False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield"),
	"go":     set("break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var"),
}

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

func isIdent(s string) bool {
	// "$" starts an ast-grep meta-variable: such names cannot be patterns.
	if s == "" || s[0] >= '0' && s[0] <= '9' || strings.Contains(s, "$") {
		return false
	}
	for _, r := range s {
		if !isIdentRune(r) {
			return false
		}
	}
	return true
}

func isIdentRune(r rune) bool {
	return r == '_' || r == '$' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}
