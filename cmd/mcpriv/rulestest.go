package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/mcpriv/mcpriv/rules"
	"github.com/mcpriv/mcpriv/rules/ruletest"
)

const rulesTestHelp = `Run the examples of rules through the analyser, as ast-grep's "sg test"
does: every "match" example must make its rule fire (with the rule's
capability, and the example's scope when it names one), no "noMatch"
example may. A rule without both kinds of example fails.

With DIR arguments, the rules of the rule files in each DIR are tested
(among the built-in rules, as "mcpriv scan --rules DIR" sees them); with
none, or with --embedded, the built-in rules are.

Exit codes: 0 every tested rule passes; 1 some rule fails or lacks
examples; 2 usage error, or a rule directory that does not load.`

func runRulesTest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var embedded, verbose bool
	var runPat, format string
	fs := newFlagSet("rules test", "[DIR...]", rulesTestHelp, stderr)
	fs.BoolVar(&embedded, "embedded", false, "also test the built-in rules when DIRs are given")
	fs.StringVar(&runPat, "run", "", "only test rules whose ID matches the regular expression `REGEXP`")
	fs.BoolVar(&verbose, "v", false, "also list passing rules")
	fs.StringVar(&format, "format", "text", "output `format`: text or json")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if format != "text" && format != "json" {
		return usageError(fs, stderr, "unknown --format %q (want text or json)", format)
	}
	var re *regexp.Regexp
	if runPat != "" {
		var err error
		if re, err = regexp.Compile(runPat); err != nil {
			return usageError(fs, stderr, "bad --run pattern: %v", err)
		}
	}
	dirs := fs.Args()
	set, err := rules.Load(dirs...)
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv rules test: %v\n", err)
		return exitError
	}
	var list []*rules.Rule
	for _, r := range set.Rules() {
		fromDir := false
		for _, d := range dirs {
			if filepath.Dir(r.Source) == filepath.Clean(d) {
				fromDir = true
			}
		}
		builtin := strings.HasPrefix(r.Source, "embedded:")
		if !(fromDir || builtin && (embedded || len(dirs) == 0)) {
			continue
		}
		if re != nil && !re.MatchString(r.ID) {
			continue
		}
		list = append(list, r)
	}
	if len(list) == 0 {
		fmt.Fprintf(stderr, "mcpriv rules test: no rules to test\n")
		return exitError
	}
	res, err := ruletest.Run(ctx, set, list)
	if err != nil {
		fmt.Fprintf(stderr, "mcpriv rules test: %v\n", err)
		return exitError
	}
	failed := 0
	for _, r := range res {
		if r.Status != ruletest.Pass {
			failed++
		}
	}
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "mcpriv rules test: %v\n", err)
			return exitError
		}
	} else if err := printRulesTest(stdout, res, verbose); err != nil {
		fmt.Fprintf(stderr, "mcpriv rules test: %v\n", err)
		return exitError
	}
	if failed > 0 {
		return exitFindings
	}
	return exitOK
}

// printRulesTest prints failing rules with, per failing example, what was
// wanted and what fired, then a summary line.
func printRulesTest(w io.Writer, res []ruletest.Result, verbose bool) error {
	bw := bufio.NewWriter(w)
	var pass, fail, missing int
	for _, r := range res {
		switch r.Status {
		case ruletest.Pass:
			pass++
			if verbose {
				fmt.Fprintf(bw, "ok    %s  (%d examples)\n", r.ID, len(r.Cases))
			}
			continue
		case ruletest.NoExamples:
			missing++
		case ruletest.Fail:
			fail++
		}
		if r.Status == ruletest.NoExamples {
			fmt.Fprintf(bw, "FAIL  %s  (%s): needs at least one match and one noMatch example\n", r.ID, r.Source)
		} else {
			fmt.Fprintf(bw, "FAIL  %s  (%s)\n", r.ID, r.Source)
		}
		for _, c := range r.Cases {
			if c.Pass {
				continue
			}
			fmt.Fprintf(bw, "  %s example %d (%s:%d): %s\n", c.Kind, c.Index, sourceFile(r.Source), c.Line, c.Problem)
			if c.Kind == "match" {
				want := fmt.Sprintf("%s (%s) fires", r.ID, r.Rule.Capability)
				if c.Example.Scope != "" {
					want += fmt.Sprintf(" with scope %q", c.Example.Scope)
				}
				fmt.Fprintf(bw, "    want: %s\n", want)
			} else {
				fmt.Fprintf(bw, "    want: %s stays silent\n", r.ID)
			}
			var fired []string
			for _, f := range c.Fired {
				mark := "  "
				if f.Rule == r.ID {
					mark = "> "
				}
				fired = append(fired, mark+f.String())
			}
			labelled(bw, "got: ", fired, "no rule fired")
			labelled(bw, "calls:", c.Calls, "the extractor resolved no call (see mcpriv facts)")
		}
	}
	fmt.Fprintf(bw, "%d rules: %d passed, %d failed, %d without examples\n", len(res), pass, fail, missing)
	return bw.Flush()
}

// labelled prints items one a line, label before the first, or none.
func labelled(w io.Writer, label string, items []string, none string) {
	if len(items) == 0 {
		fmt.Fprintf(w, "    %s %s\n", label, none)
	}
	for i, it := range items {
		if i > 0 {
			label = strings.Repeat(" ", len(label))
		}
		fmt.Fprintf(w, "    %s %s\n", label, it)
	}
}

func sourceFile(s string) string { return strings.TrimPrefix(s, "embedded:") }
