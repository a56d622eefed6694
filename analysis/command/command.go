// Package command reads the command line of a call that runs a program, and
// says whether that command only reads (readonly.yaml): a tool annotated
// readOnlyHint: true may run `git status` or `ls` without contradicting its
// annotation.
package command

import (
	_ "embed"
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mcpriv/mcpriv/analysis/facts"
)

// Unknown stands for a word of a command line that is not a literal.
const Unknown = "\x00"

// shellSyntax makes a shell command line more than one simple command
// (pipes, lists, redirections, substitutions): its words cannot be read
// without a shell, so Words gives up on it.
const shellSyntax = ";&|<>`$()\n\\{}*?[]~"

// Words returns the command line a call runs, one element per word, Unknown
// for a word that is not a literal; nil when even the program is unknown or
// a shell line has syntax beyond plain words. scopeArg is the argument the
// rule reads the program or command line from, kind its scope kind
// ("command": a shell line or an argv list; "program": argv[0], followed by
// the call's further string and list arguments).
func Words(c *facts.Call, scopeArg *facts.Arg, kind string) []string {
	if c == nil || scopeArg == nil {
		return nil
	}
	if len(scopeArg.Elems) > 0 {
		return elems(scopeArg.Elems, nil)
	}
	switch kind {
	case "command":
		if !scopeArg.Known || strings.ContainsAny(scopeArg.Value, shellSyntax) {
			return nil
		}
		ws := splitShell(scopeArg.Value)
		if ws == nil {
			return nil
		}
		if scopeArg.Prefix {
			ws = append(ws, Unknown)
		}
		return ws
	case "program":
		if !scopeArg.Known || scopeArg.Prefix {
			return nil
		}
		ws := []string{scopeArg.Value}
		after := false
		for i := range c.Args {
			a := &c.Args[i]
			if a == scopeArg {
				after = true
				continue
			}
			if !after || a.Name != "" {
				continue
			}
			switch {
			case len(a.Elems) > 0:
				ws = elems(a.Elems, ws)
			case a.Props != nil || a.Func >= 0 || a.Number != "":
				// Options, callbacks and numbers are no words of the command.
			case a.Known && !a.Prefix:
				ws = append(ws, a.Value)
			default:
				ws = append(ws, Unknown)
			}
		}
		if c.Spread {
			ws = append(ws, Unknown)
		}
		return ws
	}
	return nil
}

func elems(es []facts.Arg, ws []string) []string {
	for i := range es {
		if es[i].Known && !es[i].Prefix {
			ws = append(ws, es[i].Value)
		} else {
			ws = append(ws, Unknown)
		}
	}
	if len(ws) > 0 && ws[0] == Unknown {
		return nil
	}
	return ws
}

// splitShell splits a shell line without shell syntax into words, removing
// quotes; nil for an unbalanced quote.
func splitShell(s string) []string {
	var out []string
	var cur strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			} else {
				cur.WriteByte(ch)
			}
		case ch == '\'' || ch == '"':
			quote, in = ch, true
		case ch == ' ' || ch == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(ch)
			in = true
		}
	}
	if quote != 0 {
		return nil
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

//go:embed readonly.yaml
var readOnlyYAML []byte

// ReadOnlyEntry is one program of readonly.yaml.
type ReadOnlyEntry struct {
	Program        string   `yaml:"program"`
	Subcommands    []string `yaml:"subcommands"`
	ValueOptions   []string `yaml:"value-options"`
	WritingOptions []string `yaml:"writing-options"`
}

var readOnly = func() map[string]ReadOnlyEntry {
	var doc struct {
		Commands []ReadOnlyEntry `yaml:"commands"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(readOnlyYAML)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		panic(fmt.Sprintf("command: the embedded readonly.yaml is invalid: %v", err))
	}
	out := map[string]ReadOnlyEntry{}
	for _, e := range doc.Commands {
		if e.Program == "" {
			panic("command: readonly.yaml has an entry without a program")
		}
		if _, dup := out[e.Program]; dup {
			panic("command: readonly.yaml lists " + e.Program + " twice")
		}
		out[e.Program] = e
	}
	return out
}()

// Program reduces a program as written to its base name: "/usr/bin/git" and
// "git.exe" are "git".
func Program(p string) string {
	p = path.Base(strings.ReplaceAll(p, `\`, "/"))
	return strings.TrimSuffix(strings.TrimSuffix(p, ".exe"), ".EXE")
}

// ReadOnly reports whether the command line words (from Words) only reads.
func ReadOnly(words []string) bool {
	if len(words) == 0 || words[0] == Unknown {
		return false
	}
	e, ok := readOnly[Program(words[0])]
	if !ok {
		return false
	}
	rest := words[1:]
	if len(e.Subcommands) > 0 {
		i := 0
		for i < len(rest) && strings.HasPrefix(rest[i], "-") {
			opt, _, hasValue := strings.Cut(rest[i], "=")
			if contains(e.ValueOptions, opt) && !hasValue {
				i++ // its value
			}
			i++
		}
		if i >= len(rest) || !contains(e.Subcommands, rest[i]) {
			return false
		}
		// The options before the subcommand are the program's own.
		for _, w := range rest[:i] {
			if w == Unknown {
				return false
			}
		}
		rest = rest[i+1:]
	}
	for _, w := range rest {
		if w == Unknown {
			if len(e.WritingOptions) > 0 {
				return false
			}
			continue
		}
		opt, _, _ := strings.Cut(w, "=")
		if contains(e.WritingOptions, opt) {
			return false
		}
	}
	return true
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
