// Package ruletest runs the examples of rules (see rules.Examples) through
// the real engine: the snippet is written to a file of its own and scanned
// as `mcpriv scan` scans a tree (pre-filter, extractor, index, rules), so an
// example passes only if the extractor emits the symbol the rule names.
// `mcpriv rules test` and the embedded rules' test both use it.
package ruletest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/engine"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/lang"
	"github.com/mcpriv/mcpriv/rules"
)

// Status is a rule's outcome.
type Status string

const (
	Pass Status = "pass"
	Fail Status = "fail"
	// NoExamples: the rule lacks a match or a noMatch example.
	NoExamples Status = "no-examples"
)

// Fired is one capability finding of an example.
type Fired struct {
	Rule       string `json:"rule"`
	Capability string `json:"capability"`
	API        string `json:"api"`
	Scope      string `json:"scope,omitempty"`
	Line       int    `json:"line"` // 1-based
}

func (f Fired) String() string {
	s := fmt.Sprintf("%s (%s) at line %d: %s", f.Rule, f.Capability, f.Line, f.API)
	if f.Scope != "" {
		s += " scope " + f.Scope
	}
	return s
}

// Case is the outcome of one example.
type Case struct {
	// Kind is "match" or "noMatch"; Index its 1-based place in that list.
	Kind    string        `json:"kind"`
	Index   int           `json:"index"`
	Example rules.Example `json:"-"`
	Line    int           `json:"line"` // in the rule file
	Pass    bool          `json:"pass"`
	// Problem says why a failing example fails.
	Problem string `json:"problem,omitempty"`
	// Fired lists every capability finding of the snippet, the rule's and
	// others'; Calls every symbol the extractor resolved (module.member).
	Fired []Fired  `json:"fired,omitempty"`
	Calls []string `json:"calls,omitempty"`
}

// Result is the outcome of one rule.
type Result struct {
	Rule   *rules.Rule `json:"-"`
	ID     string      `json:"id"`
	Source string      `json:"source"`
	Status Status      `json:"status"`
	Cases  []Case      `json:"cases,omitempty"`
}

// Run runs the examples of list, each rule matched within set (the rules of
// a user directory are tested among the embedded ones, as a scan sees them).
// Results are in the order of list. The error is for failures to run at all
// (a temporary directory that cannot be written), never for a failing example.
func Run(ctx context.Context, set *rules.Set, list []*rules.Rule) ([]Result, error) {
	e, err := engine.New(engine.Options{Rules: set, Jobs: 1, NoDefaultExcludes: true})
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "mcpriv-rules-test-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := make([]Result, 0, len(list))
	n := 0
	for _, r := range list {
		res := Result{Rule: r, ID: r.ID, Source: r.Source, Status: Pass}
		if r.Examples == nil || len(r.Examples.Match) == 0 || len(r.Examples.NoMatch) == 0 {
			res.Status = NoExamples
		}
		if r.Examples != nil {
			for _, k := range []struct {
				kind  string
				items []rules.Example
			}{{"match", r.Examples.Match}, {"noMatch", r.Examples.NoMatch}} {
				for i, ex := range k.items {
					if err := ctx.Err(); err != nil {
						return nil, err
					}
					n++
					dir := filepath.Join(tmp, fmt.Sprint(n))
					c, err := runCase(ctx, e, dir, r, ex)
					if err != nil {
						return nil, fmt.Errorf("rule %s, %s example %d: %w", r.ID, k.kind, i+1, err)
					}
					c.Kind, c.Index, c.Example, c.Line = k.kind, i+1, ex, ex.Line
					if k.kind == "match" {
						judgeMatch(&c, r, ex)
					} else {
						judgeNoMatch(&c, r)
					}
					if !c.Pass && res.Status == Pass {
						res.Status = Fail
					}
					res.Cases = append(res.Cases, c)
				}
			}
		}
		out = append(out, res)
	}
	return out, nil
}

// runCase scans the snippet and records every capability finding and every
// resolved call.
func runCase(ctx context.Context, e *engine.Engine, dir string, r *rules.Rule, ex rules.Example) (Case, error) {
	var c Case
	name := ex.File
	if name == "" {
		x := lang.ForFamily(r.Language)
		if x == nil {
			return c, fmt.Errorf("rule %s: no registered language %q", r.ID, r.Language)
		}
		name = x.ExampleFile()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return c, err
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(ex.Code), 0o644); err != nil {
		return c, err
	}
	defer os.RemoveAll(dir)
	res, err := e.Scan(ctx, dir, nil)
	if err != nil {
		return c, err
	}
	for _, fe := range res.Errors {
		c.Problem = joinProblem(c.Problem, "the snippet was not analysed: "+fe.Message)
	}
	for _, f := range res.Findings {
		if f.Kind != finding.KindCapability {
			continue
		}
		c.Fired = append(c.Fired, Fired{Rule: f.Rule, Capability: string(f.Capability), API: f.API, Scope: f.Scope, Line: f.Span.Start.Line + 1})
	}
	for _, f := range res.Suppressed {
		if f.Kind == finding.KindCapability {
			c.Problem = joinProblem(c.Problem, "a finding is suppressed: examples must not hold suppression comments")
		}
	}
	sort.Slice(c.Fired, func(i, j int) bool {
		if c.Fired[i].Line != c.Fired[j].Line {
			return c.Fired[i].Line < c.Fired[j].Line
		}
		return c.Fired[i].Rule < c.Fired[j].Rule
	})
	if f, err := e.ExtractFull(ctx, name, []byte(ex.Code)); err == nil && f != nil {
		for _, call := range f.Calls {
			s := call.Module
			if call.Member != "" {
				s += "." + call.Member
			}
			if call.Access {
				s += " (read"
				if call.Key != "" {
					s += " " + call.Key
				}
				s += ")"
			}
			c.Calls = append(c.Calls, fmt.Sprintf("line %d: %s", call.Span.Start.Line+1, s))
		}
	}
	return c, nil
}

func joinProblem(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func judgeMatch(c *Case, r *rules.Rule, ex rules.Example) {
	if c.Problem != "" {
		return
	}
	var scopes []string
	for _, f := range c.Fired {
		if f.Rule != r.ID {
			continue
		}
		if f.Capability != string(r.Capability) {
			c.Problem = fmt.Sprintf("fired with capability %s, want %s", f.Capability, r.Capability)
			return
		}
		// "*": the scope must stay unknown (a library default overridden
		// by an option that is not a literal).
		if ex.Scope == "" || f.Scope == ex.Scope || (ex.Scope == "*" && f.Scope == "") {
			c.Pass = true
			return
		}
		scopes = append(scopes, fmt.Sprintf("%q", f.Scope))
	}
	if len(scopes) > 0 {
		c.Problem = fmt.Sprintf("fired with scope %s, want %q", strings.Join(scopes, ", "), ex.Scope)
		return
	}
	c.Problem = "did not fire"
}

func judgeNoMatch(c *Case, r *rules.Rule) {
	if c.Problem != "" {
		return
	}
	for _, f := range c.Fired {
		if f.Rule == r.ID {
			c.Problem = fmt.Sprintf("fired at line %d", f.Line)
			return
		}
	}
	c.Pass = true
}
