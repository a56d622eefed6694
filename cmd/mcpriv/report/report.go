// Package report prints a scan's findings for people (Text) and for
// machines (JSON, SARIF). Every printer sorts first, so the same result
// always prints the same bytes: goldens, CI diffs and SARIF fingerprints
// depend on it.
package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/finding"
)

// Options control the printers.
type Options struct {
	// Version is the mcpriv version written into SARIF's tool.driver.
	Version string
	// Color enables ANSI colours in Text (the caller decides: a terminal and
	// NO_COLOR unset).
	Color bool
	// Root is prepended to every file path in Text, so paths are usable from
	// the directory mcpriv ran in ("" or "." leaves them as they are).
	Root string
	// SourceRoot is the absolute directory the relative paths of SARIF are
	// resolved against (originalUriBaseIds.%SRCROOT%); "" omits it.
	SourceRoot string
}

// Sorted returns a copy of res whose findings, suppressed findings, tools and
// errors are in the printers' deterministic order; res is not modified.
func Sorted(res *finding.Result) *finding.Result {
	if res == nil {
		return &finding.Result{}
	}
	out := *res
	out.Findings = sortFindings(res.Findings)
	out.Suppressed = sortFindings(res.Suppressed)
	out.Tools = slices.Clone(res.Tools)
	for i := range out.Tools {
		caps := slices.Clone(out.Tools[i].Capabilities)
		slices.Sort(caps)
		out.Tools[i].Capabilities = slices.Compact(caps)
	}
	slices.SortStableFunc(out.Tools, func(a, b finding.Tool) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.File, b.File),
			cmp.Compare(a.Span.Start.Offset, b.Span.Start.Offset))
	})
	out.Errors = slices.Clone(res.Errors)
	slices.SortStableFunc(out.Errors, func(a, b finding.FileError) int {
		return cmp.Or(strings.Compare(a.File, b.File), strings.Compare(a.Message, b.Message))
	})
	return &out
}

func sortFindings(fs []finding.Finding) []finding.Finding {
	out := make([]finding.Finding, len(fs))
	for i, f := range fs {
		f.Tools = sortedTools(f.Tools)
		if f.Severity == "" {
			// The engine applies the policy to live findings only; the
			// contract promises every finding a severity, so suppressed ones
			// get the default policy's.
			f.Severity = finding.Policy{}.Severity(&f)
		}
		out[i] = f
	}
	slices.SortStableFunc(out, compareFindings)
	return out
}

// compareFindings orders by file, line, column, capability, then the
// remaining fields so that no two distinct findings tie.
func compareFindings(a, b finding.Finding) int {
	return cmp.Or(
		strings.Compare(a.File, b.File),
		cmp.Compare(a.Span.Start.Line, b.Span.Start.Line),
		cmp.Compare(a.Span.Start.Col, b.Span.Start.Col),
		strings.Compare(string(a.Capability), string(b.Capability)),
		strings.Compare(string(a.Kind), string(b.Kind)),
		strings.Compare(a.Rule, b.Rule),
		strings.Compare(a.API, b.API),
		strings.Compare(a.Message, b.Message),
		slices.Compare(a.Tools, b.Tools),
	)
}

func sortedTools(tools []string) []string {
	out := slices.Clone(tools)
	slices.Sort(out)
	return slices.Compact(out)
}

// Counts tallies findings by severity.
type Counts struct {
	Error, Warning, Info, Hint int
}

// Count tallies res's findings (not the suppressed ones) by severity.
func Count(res *finding.Result) Counts {
	var c Counts
	for _, f := range res.Findings {
		switch f.Severity {
		case finding.Error:
			c.Error++
		case finding.Warning:
			c.Warning++
		case finding.Info:
			c.Info++
		default:
			c.Hint++
		}
	}
	return c
}

// Total is the number of findings counted.
func (c Counts) Total() int { return c.Error + c.Warning + c.Info + c.Hint }
