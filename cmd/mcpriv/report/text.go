package report

import (
	"bufio"
	"fmt"
	"github.com/mcpriv/mcpriv/analysis/display"
	"io"
	"path"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/finding"
)

// ANSI styles; only used when Options.Color is set.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
	ansiBlue   = "\x1b[1;34m"
	ansiCyan   = "\x1b[36m"
)

// Text writes res like a compiler does, one finding a line:
//
//	path:line:col: severity: capability api — message [tools: a, b] (tainted: from input "path")
//
// then a summary line, the tools with their capabilities, and the files that
// were skipped or could not be analysed. Lines and columns are 1-based, the
// column counted in characters.
func Text(w io.Writer, res *finding.Result, opts Options) error {
	res = Sorted(res)
	bw := bufio.NewWriter(w)
	p := textPrinter{w: bw, opts: opts}
	for _, f := range res.Findings {
		p.finding(f)
	}
	p.summary(res)
	if len(res.Tools) > 0 {
		p.printf("\n%s\n", p.style(ansiBold, "tools:"))
		// Columns: name, where it is registered, capabilities (the longest
		// field last, so nothing after it needs aligning).
		nameW, whereW := 0, 0
		wheres := make([]string, len(res.Tools))
		for i, t := range res.Tools {
			at := pointOf(t.NameSpan, t.Span)
			wheres[i] = fmt.Sprintf("%s:%d:%d", p.path(t.File), at.Line+1, at.Col+1)
			nameW = max(nameW, len(display.Escape(t.Name)))
			whereW = max(whereW, len(wheres[i]))
		}
		for i, t := range res.Tools {
			caps := make([]string, len(t.Capabilities))
			for i, c := range t.Capabilities {
				caps[i] = string(c)
			}
			list := strings.Join(caps, ", ")
			if list == "" {
				list = "(no sensitive capability)"
			}
			where := wheres[i] + strings.Repeat(" ", whereW-len(wheres[i]))
			p.printf("  %-*s  %s  %s\n", nameW, display.Escape(t.Name), p.style(ansiDim, where), list)
		}
	}
	var errs, notices []finding.FileError
	for _, e := range res.Errors {
		if e.Skipped {
			notices = append(notices, e)
		} else {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		p.printf("\n%s\n", p.style(ansiRed, "errors (files not analysed):"))
		for _, e := range errs {
			p.printf("  %s: %s\n", p.path(e.File), display.Escape(e.Message))
		}
	}
	if len(notices) > 0 {
		p.printf("\n%s\n", p.style(ansiBold, "skipped:"))
		for _, e := range notices {
			p.printf("  %s: %s\n", p.path(e.File), display.Escape(e.Message))
		}
	}
	if p.err != nil {
		return p.err
	}
	return bw.Flush()
}

type textPrinter struct {
	w    *bufio.Writer
	opts Options
	err  error
}

func (p *textPrinter) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *textPrinter) style(code, s string) string {
	if !p.opts.Color || s == "" {
		return s
	}
	return code + s + ansiReset
}

// path makes a root-relative path usable from where mcpriv ran.
func (p *textPrinter) path(file string) string {
	if p.opts.Root == "" || p.opts.Root == "." || path.IsAbs(file) {
		return display.Escape(file)
	}
	return display.Escape(path.Join(p.opts.Root, file))
}

func (p *textPrinter) finding(f finding.Finding) {
	var b strings.Builder
	b.WriteString(p.style(ansiBold, fmt.Sprintf("%s:%d:%d:", p.path(f.File), f.Span.Start.Line+1, f.Span.Start.Col+1)))
	b.WriteByte(' ')
	b.WriteString(p.severity(f.Severity))
	b.WriteString(": ")
	var head []string
	if f.Kind != "" && f.Kind != finding.KindCapability {
		head = append(head, string(f.Kind))
	}
	if f.Capability != "" {
		head = append(head, p.style(ansiCyan, string(f.Capability)))
	}
	if f.API != "" {
		head = append(head, display.Escape(f.API))
	}
	// Everything the analysed code chose (tool names, scopes, file
	// names inside messages) is escaped: a terminal must not act on it.
	msg := display.Escape(oneLine(f.Message))
	b.WriteString(strings.Join(head, " "))
	if len(head) > 0 && msg != "" {
		b.WriteString(" — ")
	}
	b.WriteString(msg)
	if who := reach(f); who != "" {
		b.WriteString(" [" + who + "]")
	}
	if f.Tainted {
		if f.TaintSource != "" {
			fmt.Fprintf(&b, " (tainted: from input \"%s\"%s)", display.Escape(f.TaintSource), payloadNote(f))
		} else {
			b.WriteString(" (tainted: from tool input" + payloadNote(f) + ")")
		}
	}
	p.printf("%s\n", b.String())
}

// reach names who reaches a call: "tools: a, b", "server", or both.
func reach(f finding.Finding) string {
	var parts []string
	if len(f.Tools) > 0 {
		parts = append(parts, "tools: "+display.Escape(strings.Join(f.Tools, ", ")))
	}
	if f.Server {
		parts = append(parts, "server")
	}
	return strings.Join(parts, "; ")
}

func (p *textPrinter) severity(s finding.Severity) string {
	if s == "" {
		s = finding.Warning
	}
	switch s {
	case finding.Error:
		return p.style(ansiRed, string(s))
	case finding.Warning:
		return p.style(ansiYellow, string(s))
	case finding.Info:
		return p.style(ansiBlue, string(s))
	}
	return p.style(ansiDim, string(s))
}

func (p *textPrinter) summary(res *finding.Result) {
	c := Count(res)
	var parts []string
	for _, n := range []struct {
		n    int
		word string
	}{{c.Error, "error"}, {c.Warning, "warning"}, {c.Info, "info"}, {c.Hint, "hint"}} {
		if n.n > 0 {
			parts = append(parts, plural(n.n, n.word))
		}
	}
	line := "no findings"
	if c.Total() > 0 {
		line = fmt.Sprintf("%s (%s)", plural(c.Total(), "finding"), strings.Join(parts, ", "))
	}
	line += fmt.Sprintf(" in %s", plural(res.Files, "file"))
	if len(res.Tools) > 0 {
		line += ", " + plural(len(res.Tools), "tool")
	}
	if len(res.Suppressed) > 0 {
		line += fmt.Sprintf(", %d suppressed", len(res.Suppressed))
	}
	if len(res.Findings) > 0 {
		p.printf("\n")
	}
	p.printf("%s\n", p.style(ansiBold, line))
}

func plural(n int, word string) string {
	switch {
	case n == 1:
		return "1 " + word
	case word == "info":
		return fmt.Sprintf("%d info", n)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// oneLine keeps a finding on one line whatever its message holds.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// payloadNote says when tool input fills only what a call carries, not
// where it goes (the usual meaning of tainted).
func payloadNote(f finding.Finding) string {
	if f.TaintRole == finding.TaintPayload {
		return ", the payload only"
	}
	return ""
}
