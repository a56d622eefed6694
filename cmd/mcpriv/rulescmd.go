package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
	langs "github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/rules"
)

const rulesHelp = `List the loaded rules: the built-in ones plus those of every --rules DIR.
Each rule maps library symbols (module + member path) to a capability.

Symbols are written module.member for calls, with "(read)" for property
reads such as process.env; "Client().get" means a method of the value
returned by Client().

"mcpriv rules test [DIR...]" runs the rules' examples (mcpriv rules test -h).`

func runRules(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "test" {
		return runRulesTest(ctx, args[1:], stdout, stderr)
	}
	var dirs listFlag
	var lang, capFilter, format string
	fs := newFlagSet("rules", "", rulesHelp, stderr)
	fs.Var(&dirs, "rules", "add the rule files (*.yaml) of `DIR` (repeatable)")
	fs.StringVar(&lang, "language", "", "only rules of `FAMILY`: js, python or go")
	fs.StringVar(&capFilter, "capability", "", "only rules of capability `ID` (e.g. file.write) or class (e.g. file)")
	fs.StringVar(&format, "format", "text", "output `format`: text or json")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(fs, stderr, "unexpected argument %q", fs.Arg(0))
	}
	if lang != "" && !knownFamily(lang) {
		return usageError(fs, stderr, "unknown --language %q (want %s)", lang, familyList())
	}
	if capFilter != "" && !capability.Valid(capability.ID(capFilter)) && !validClass(capFilter) {
		msg := fmt.Sprintf("unknown capability %q", capFilter)
		if s := capability.Suggest(capFilter); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		return usageError(fs, stderr, "%s", msg)
	}
	if format != "text" && format != "json" {
		return usageError(fs, stderr, "unknown --format %q (want text or json)", format)
	}
	set, err := rules.Load(dirs...)
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv rules: %v\n", err)
		return exitError
	}
	var list []*rules.Rule
	for _, r := range set.Rules() {
		if lang != "" && r.Language != lang {
			continue
		}
		if capFilter != "" && string(r.Capability) != capFilter && string(r.Capability.Class()) != capFilter {
			continue
		}
		list = append(list, r)
	}
	if format == "json" {
		return printRulesJSON(stdout, stderr, list)
	}
	// One block per rule: symbol lists run to dozens of entries, which no
	// table column holds readably.
	bw := bufio.NewWriter(stdout)
	for _, r := range list {
		fmt.Fprintf(bw, "%s  %s  (%s)\n", r.ID, r.Capability, r.Source)
		for _, s := range symbols(r) {
			fmt.Fprintf(bw, "    %s\n", s)
		}
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintf(stderr, "mcpriv rules: %v\n", err)
		return exitError
	}
	fmt.Fprintf(stdout, "%d rules\n", len(list))
	return exitOK
}

func validClass(s string) bool {
	return slices.ContainsFunc(capability.All(), func(i capability.Info) bool { return string(i.Class) == s })
}

// symbols lists what a rule matches, in the facts' canonical form.
func symbols(r *rules.Rule) []string {
	var out []string
	for _, m := range r.Modules {
		for _, c := range r.Calls {
			out = append(out, joinSymbol(m, c))
		}
		for _, a := range r.Access {
			out = append(out, joinSymbol(m, a)+" (read)")
		}
		if len(r.Calls) == 0 && len(r.Access) == 0 {
			out = append(out, m)
		}
	}
	return out
}

func joinSymbol(module, member string) string {
	switch {
	case member == "":
		return module
	case strings.HasPrefix(member, "("):
		return module + member // a call of the module value itself: axios().get
	}
	return module + "." + member
}

func printRulesJSON(stdout, stderr io.Writer, list []*rules.Rule) int {
	type jsonRule struct {
		ID         string   `json:"id"`
		Language   string   `json:"language"`
		Capability string   `json:"capability"`
		Symbols    []string `json:"symbols"`
		Message    string   `json:"message"`
		Source     string   `json:"source"`
	}
	out := make([]jsonRule, 0, len(list))
	for _, r := range list {
		out = append(out, jsonRule{r.ID, r.Language, string(r.Capability), symbols(r), r.Message, r.Source})
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(stderr, "mcpriv rules: %v\n", err)
		return exitError
	}
	return exitOK
}

// knownFamily reports whether fam is the family of a registered language.
func knownFamily(fam string) bool {
	for _, x := range langs.All() {
		if x.Family() == fam {
			return true
		}
	}
	return false
}

// familyList names the registered families: "js, python or go".
func familyList() string {
	var fams []string
	for _, x := range langs.All() {
		fams = append(fams, x.Family())
	}
	if len(fams) < 2 {
		return strings.Join(fams, "")
	}
	return strings.Join(fams[:len(fams)-1], ", ") + " or " + fams[len(fams)-1]
}
