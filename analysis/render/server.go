package render

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/manifest"
	"github.com/mcpriv/mcpriv/analysis/safefile"
)

// Cell states of the privilege map, from the manifest's point of view.
const (
	StateDeclared   = "declared"
	StateUndeclared = "undeclared"
	StateOutOfScope = "out-of-scope"
	StateNoManifest = "no-manifest"
	StateUnused     = "unused grant"
)

// ServerMap is one server's privilege map: who (each tool, and the server's
// own code) uses which capability, through which calls.
type ServerMap struct {
	Name     string
	Root     string
	Rows     []string // tool names, then "" for code outside any tool when it has calls
	Columns  []capability.ID
	Cells    map[string]map[capability.ID]*Cell
	Evidence []Evidence
	// Mismatches are annotation mismatches; Errors files not analysed;
	// TooDeep the engine's mcpriv.too-deep cuts (code nested too deep, taint
	// questions past the bound), whose calls or taint the map may miss.
	Mismatches  []finding.Finding
	Errors      []finding.FileError
	TooDeep     []finding.Finding
	HasManifest bool
	Files       int
	Tools       []finding.Tool
}

// Cell is one tool × capability.
type Cell struct {
	State string   // the worst state of its calls (undeclared before out-of-scope before no-manifest before declared), or unused grant
	Calls []int    // indexes into Evidence
	Taint []string // input fields that reach the calls' targets
	// Chosen: tool input chooses a call's target outright (no literal
	// scope, such as the host of a URL whose path it fills).
	Chosen   bool
	Unused   bool // an unused grant (no call)
	UnusedAt int  // index into Evidence of the grant, -1 when none
}

// Evidence is one call (or unused grant) with its source lines.
type Evidence struct {
	Anchor  string
	File    string
	Line    int // 1-based
	API     string
	Message string
	Taint   string // "tool input field": set when tainted ("…, payload only" when it fills only what the call carries)
	Scope   string
	Snippet []SnippetLine
}

// SnippetLine is a numbered source line.
type SnippetLine struct {
	N    int
	Text string
	Hit  bool
}

// MaxSnippetFile bounds the files snippets are read from: a workspace
// file, read like every other through safefile (a name swapped for a pipe
// or a device after the scan must not hang or exhaust the report).
const MaxSnippetFile = 16 << 20

// BuildServerMap turns a scan of root (declared calls kept) into the map.
// read returns a file's text for snippets (nil: read from root).
func BuildServerMap(name, root string, res *finding.Result, read func(file string) ([]byte, error)) *ServerMap {
	if read == nil {
		read = func(file string) ([]byte, error) {
			p := file
			if !filepath.IsAbs(p) {
				p = filepath.Join(root, filepath.FromSlash(file))
			}
			return safefile.Read(p, MaxSnippetFile)
		}
	}
	m := &ServerMap{Name: name, Root: root, Cells: map[string]map[capability.ID]*Cell{}, Errors: res.Errors, Files: res.Files}
	texts := map[string][][]byte{}
	lines := func(file string) [][]byte {
		if ls, ok := texts[file]; ok {
			return ls
		}
		data, err := read(file)
		var ls [][]byte
		if err == nil && len(data) <= MaxSnippetFile {
			ls = bytes.Split(data, []byte("\n"))
		}
		texts[file] = ls
		return ls
	}
	seenTool := map[string]bool{}
	for _, t := range res.Tools {
		if !seenTool[t.Name] {
			seenTool[t.Name] = true
			m.Rows = append(m.Rows, t.Name)
			m.Tools = append(m.Tools, t)
		}
	}
	sort.Strings(m.Rows)
	cols := map[capability.ID]bool{}
	cell := func(row string, id capability.ID) *Cell {
		if m.Cells[row] == nil {
			m.Cells[row] = map[capability.ID]*Cell{}
		}
		c := m.Cells[row][id]
		if c == nil {
			c = &Cell{UnusedAt: -1}
			m.Cells[row][id] = c
		}
		cols[id] = true
		return c
	}
	serverRow := false
	evidence := func(f *finding.Finding) int {
		e := Evidence{Anchor: fmt.Sprintf("e%d", len(m.Evidence)+1), File: f.File, Line: f.Span.Start.Line + 1,
			API: f.API, Message: f.Message, Scope: f.Scope}
		if f.Tainted {
			e.Taint = f.TaintSource
			if f.TaintTool != "" {
				e.Taint = f.TaintTool + " input " + f.TaintSource
			}
			if f.TaintRole == finding.TaintPayload {
				e.Taint += ", payload only"
			}
		}
		if ls := lines(f.File); ls != nil {
			for n := max(f.Span.Start.Line-1, 0); n <= min(f.Span.Start.Line+1, len(ls)-1); n++ {
				text := strings.TrimRight(string(ls[n]), "\r")
				if r := []rune(text); len(r) > 160 {
					text = string(r[:160]) + "…"
				}
				e.Snippet = append(e.Snippet, SnippetLine{N: n + 1, Text: text, Hit: n == f.Span.Start.Line})
			}
		}
		m.Evidence = append(m.Evidence, e)
		return len(m.Evidence) - 1
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		switch f.Kind {
		case finding.KindCapability:
			if !capability.Valid(f.Capability) {
				continue
			}
			if f.Manifest != finding.NoManifest && f.Manifest != finding.NotChecked {
				m.HasManifest = true
			}
			ev := evidence(f)
			rows := append([]string{}, f.Tools...)
			if f.Server || len(f.Tools) == 0 {
				rows = append(rows, "")
				serverRow = true
			}
			for _, r := range rows {
				c := cell(r, f.Capability)
				c.Calls = append(c.Calls, ev)
				c.State = worse(c.State, stateFor(f, r))
				if f.TargetTainted() && (f.TaintTool == r || f.TaintTool == "" && r != "") && f.TaintSource != "" {
					if !contains(c.Taint, f.TaintSource) {
						c.Taint = append(c.Taint, f.TaintSource)
					}
					c.Chosen = c.Chosen || f.Scope == ""
				}
			}
		case finding.KindUnusedGrant:
			m.HasManifest = true
			if !capability.Valid(f.Capability) {
				continue
			}
			ev := evidence(f)
			rows := f.Tools
			if len(rows) == 0 {
				rows = []string{grantOwner(f, read)}
			}
			if rows[0] == "" {
				serverRow = true
			} else if !seenTool[rows[0]] {
				seenTool[rows[0]] = true
				m.Rows = append(m.Rows, rows[0]) // granted, but the code registers no such tool
			}
			for _, r := range rows {
				c := cell(r, f.Capability)
				c.Unused, c.UnusedAt = true, ev
				if c.State == "" {
					c.State = StateUnused
				}
			}
		case finding.KindHintMismatch:
			m.Mismatches = append(m.Mismatches, *f)
		case finding.KindUnanalysed:
			if f.Rule == finding.RuleTooDeep { // skipped files are in Errors
				m.TooDeep = append(m.TooDeep, *f)
			}
		case finding.KindInvalidManifest:
			m.HasManifest = true
		}
	}
	if serverRow {
		m.Rows = append(m.Rows, "")
	}
	for _, info := range capability.All() {
		if cols[info.ID] {
			m.Columns = append(m.Columns, info.ID)
		}
	}
	return m
}

// grantOwner finds the section ("" for server) holding an unused grant:
// the finding names the manifest and the grant's span, not its owner.
func grantOwner(f *finding.Finding, read func(string) ([]byte, error)) string {
	data, err := read(f.File)
	if err != nil {
		return ""
	}
	mf, _ := manifest.Parse(f.File, data)
	if mf == nil {
		return ""
	}
	for _, sec := range append([]manifest.Section{mf.Server}, mf.Tools...) {
		for _, e := range sec.Entries {
			if e.Span == f.Span {
				return sec.Name
			}
			for _, sc := range e.Scopes {
				if sc.Span == f.Span {
					return sec.Name
				}
			}
		}
	}
	return ""
}

var stateRank = map[string]int{"": 0, StateUnused: 1, StateDeclared: 2, StateNoManifest: 3, StateOutOfScope: 4, StateUndeclared: 5}

func worse(a, b string) string {
	if stateRank[b] > stateRank[a] {
		return b
	}
	return a
}

// stateFor is the manifest state of call f for one principal ("" = server).
func stateFor(f *finding.Finding, principal string) string {
	switch f.Manifest {
	case finding.NoManifest, finding.NotChecked:
		return StateNoManifest
	case finding.Declared:
		return StateDeclared
	}
	if !contains(f.UndeclaredFor, principal) {
		return StateDeclared
	}
	if f.Manifest == finding.OutOfScope {
		return StateOutOfScope
	}
	return StateUndeclared
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func rowName(r string) string {
	if r == "" {
		return "(server: code outside any tool)"
	}
	return r
}

// RiskSummary is the one-paragraph summary: which tools can run programs,
// write or delete files, or reach a model-chosen URL.
func (m *ServerMap) RiskSummary() string {
	var exec, write, url, anyTaint []string
	for _, r := range m.Rows {
		cs := m.Cells[r]
		has := func(ids ...capability.ID) bool {
			for _, id := range ids {
				if c := cs[id]; c != nil && len(c.Calls) > 0 {
					return true
				}
			}
			return false
		}
		name := rowName(r)
		if r == "" {
			name = "the server's own code"
		}
		if has(capability.SystemExec, capability.SystemCode) {
			exec = append(exec, name)
		}
		if has(capability.FileWrite, capability.FileDelete) {
			write = append(write, name)
		}
		if c := cs[capability.NetworkClient]; c != nil && c.Chosen {
			url = append(url, name)
		}
		for _, c := range cs {
			if len(c.Taint) > 0 {
				anyTaint = append(anyTaint, name)
				break
			}
		}
	}
	var b strings.Builder
	tools := len(m.Rows)
	if tools > 0 && m.Rows[len(m.Rows)-1] == "" {
		tools--
	}
	fmt.Fprintf(&b, "%s registers %s across %s. ", m.Name, plural(tools, "tool"), plural(m.Files, "analysed file"))
	say := func(who []string, what string) {
		if len(who) == 0 {
			fmt.Fprintf(&b, "%s: none. ", what)
			return
		}
		fmt.Fprintf(&b, "%s: %s. ", what, list(who))
	}
	say(exec, "Can run programs or evaluate code")
	say(write, "Can write or delete files")
	say(url, "Can reach a URL or host the model chooses")
	if len(anyTaint) > 0 {
		fmt.Fprintf(&b, "In %s, an argument the model chooses reaches a sensitive call (marked ⚠ below). ", plural(len(anyTaint), "row"))
	}
	undeclared := 0
	for _, r := range m.Rows {
		for _, c := range m.Cells[r] {
			if c.State == StateUndeclared || c.State == StateOutOfScope {
				undeclared++
			}
		}
	}
	switch {
	case !m.HasManifest:
		b.WriteString("There is no manifest (mcp-capabilities.yaml): nothing is declared, so a user cannot see these privileges before running the server.")
	case undeclared > 0:
		fmt.Fprintf(&b, "The manifest leaves %s undeclared or out of scope.", plural(undeclared, "tool × capability cell"))
	default:
		b.WriteString("The manifest declares every privilege used.")
	}
	if len(m.Mismatches) > 0 {
		fmt.Fprintf(&b, " %s contradict the code.", plural(len(m.Mismatches), "tool annotation"))
	}
	n := len(m.TooDeep)
	for _, e := range m.Errors {
		if e.BuiltFrom == "" { // build output left out on purpose: its sources are in the map
			n++
		}
	}
	if n > 0 {
		fmt.Fprintf(&b, " The map is partial: %s not analysed (see the end of the page), so it may miss privileges.", plural(n, "place was", "places were"))
	}
	return strings.TrimSpace(b.String())
}

// plural is "1 what" or "n whats"; a second word is the plural form
// when adding an s is wrong.
func plural(n int, what string, many ...string) string {
	if n == 1 {
		return "1 " + what
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func list(xs []string) string {
	if len(xs) > 8 {
		return strings.Join(xs[:8], ", ") + fmt.Sprintf(" and %d more", len(xs)-8)
	}
	if len(xs) <= 1 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

func stateClass(s string) string {
	if s == StateUnused {
		return "unused"
	}
	return s
}

// ServerHTML renders the map as one self-contained page.
func ServerHTML(m *ServerMap) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<header><h1>Privilege map: %s</h1>\n<p class=\"muted\">%s</p></header>\n<main>\n", esc(m.Name), esc(m.Root))
	fmt.Fprintf(&b, "<section id=\"risk\"><h2>Risk summary</h2>\n<p class=\"risk\">%s</p></section>\n", esc(m.RiskSummary()))
	b.WriteString("<section id=\"map\"><h2>Tools × capabilities</h2>\n")
	if len(m.Rows) == 0 || len(m.Columns) == 0 {
		b.WriteString("<p id=\"table-map\" class=\"muted\">No sensitive call and no tool was found.</p>\n")
	} else {
		b.WriteString("<p class=\"legend\"><span class=\"undeclared\">■ undeclared</span> <span class=\"out-of-scope\">■ out of scope</span> <span class=\"no-manifest\">■ no manifest</span> <span class=\"declared\">■ declared</span> <span class=\"unused\">■ unused grant</span> <span class=\"taint\">⚠ model input reaches the call (the input field is named)</span></p>\n")
		b.WriteString("<table id=\"table-map\">\n<thead><tr><th>tool</th>")
		for _, id := range m.Columns {
			fmt.Fprintf(&b, "<th>%s</th>", esc(string(id)))
		}
		b.WriteString("</tr></thead>\n<tbody>\n")
		for _, r := range m.Rows {
			fmt.Fprintf(&b, "<tr><th>%s</th>", esc(rowName(r)))
			for _, id := range m.Columns {
				c := m.Cells[r][id]
				if c == nil {
					b.WriteString("<td class=\"cell\"></td>")
					continue
				}
				fmt.Fprintf(&b, "<td class=\"cell %s\" title=\"%s\"><span class=\"state\">%s</span>", stateClass(c.State), esc(c.State), esc(c.State))
				for k, ev := range c.Calls {
					if k == 4 {
						fmt.Fprintf(&b, " <span class=\"muted\">+%d</span>", len(c.Calls)-4)
						break
					}
					e := m.Evidence[ev]
					fmt.Fprintf(&b, "<br><a href=\"#%s\">%s:%d</a>", e.Anchor, esc(filepath.Base(e.File)), e.Line)
				}
				if c.Unused && c.UnusedAt >= 0 {
					e := m.Evidence[c.UnusedAt]
					fmt.Fprintf(&b, "<br><a href=\"#%s\">grant at %s:%d</a>", e.Anchor, esc(filepath.Base(e.File)), e.Line)
				}
				for _, t := range c.Taint {
					fmt.Fprintf(&b, "<br><span class=\"taint\">⚠ input %s</span>", esc(t))
				}
				b.WriteString("</td>")
			}
			b.WriteString("</tr>\n")
		}
		b.WriteString("</tbody>\n</table>\n")
	}
	b.WriteString("</section>\n")
	b.WriteString("<section id=\"mismatches\"><h2>Annotation mismatches</h2>\n")
	if len(m.Mismatches) == 0 {
		b.WriteString("<p id=\"table-mismatches\" class=\"muted\">None: no tool annotation contradicts the code.</p>\n")
	} else {
		t := table{ID: "table-mismatches", Head: []string{"tool", "where", "mismatch"}}
		for _, f := range m.Mismatches {
			t.Rows = append(t.Rows, []string{strings.Join(f.Tools, ", "), fmt.Sprintf("%s:%d", f.File, f.Span.Start.Line+1), f.Message})
		}
		b.WriteString(t.html())
	}
	b.WriteString("</section>\n<section id=\"evidence\"><h2>Calls</h2>\n")
	if len(m.Evidence) == 0 {
		b.WriteString("<p class=\"muted\">No sensitive call.</p>\n")
	}
	for _, e := range m.Evidence {
		fmt.Fprintf(&b, "<div class=\"evidence\" id=\"%s\"><p><code>%s:%d</code> %s", e.Anchor, esc(e.File), e.Line, esc(e.Message))
		if e.Taint != "" {
			fmt.Fprintf(&b, " <span class=\"taint\">⚠ from %s</span>", esc(e.Taint))
		}
		b.WriteString("</p>\n")
		if len(e.Snippet) > 0 {
			b.WriteString("<pre>")
			for _, l := range e.Snippet {
				mark := "  "
				if l.Hit {
					mark = "▶ "
				}
				fmt.Fprintf(&b, "%s%5d  %s\n", mark, l.N, esc(l.Text))
			}
			b.WriteString("</pre>\n")
		}
		b.WriteString("</div>\n")
	}
	b.WriteString("</section>\n")
	if len(m.Errors)+len(m.TooDeep) > 0 {
		t := table{ID: "table-errors", Head: []string{"code", "not analysed because"}}
		for _, e := range m.Errors {
			t.Rows = append(t.Rows, []string{e.File, e.Message})
		}
		for _, f := range m.TooDeep {
			t.Rows = append(t.Rows, []string{fmt.Sprintf("%s:%d", f.File, f.Span.Start.Line+1), f.Message})
		}
		b.WriteString("<section id=\"errors\"><h2>Code not analysed</h2>\n" + t.html() + "</section>\n")
	}
	b.WriteString("</main>\n")
	return page("Privilege map: "+m.Name, b.String())
}

// ServerMarkdown renders the map as Markdown (the terminal form).
func ServerMarkdown(m *ServerMap) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Privilege map: %s\n\n%s\n\n## Tools × capabilities\n\n", md(m.Name), md(m.RiskSummary()))
	if len(m.Rows) == 0 || len(m.Columns) == 0 {
		b.WriteString("No sensitive call and no tool was found.\n")
	} else {
		t := table{Head: []string{"tool"}}
		for _, id := range m.Columns {
			t.Head = append(t.Head, string(id))
		}
		for _, r := range m.Rows {
			row := []string{rowName(r)}
			for _, id := range m.Columns {
				c := m.Cells[r][id]
				if c == nil {
					row = append(row, "")
					continue
				}
				var parts []string
				parts = append(parts, c.State)
				for k, ev := range c.Calls {
					if k == 2 {
						parts = append(parts, fmt.Sprintf("+%d", len(c.Calls)-2))
						break
					}
					parts = append(parts, fmt.Sprintf("[%s]", m.Evidence[ev].Anchor))
				}
				for _, tn := range c.Taint {
					parts = append(parts, "⚠ input "+tn)
				}
				row = append(row, strings.Join(parts, " "))
			}
			t.Rows = append(t.Rows, row)
		}
		b.WriteString(t.markdown())
	}
	b.WriteString("\n## Annotation mismatches\n\n")
	if len(m.Mismatches) == 0 {
		b.WriteString("None.\n")
	}
	for _, f := range m.Mismatches {
		fmt.Fprintf(&b, "- %s:%d: %s\n", md(f.File), f.Span.Start.Line+1, md(f.Message))
	}
	b.WriteString("\n## Calls\n\n")
	for _, e := range m.Evidence {
		fmt.Fprintf(&b, "- [%s] %s:%d: %s", e.Anchor, md(e.File), e.Line, md(e.Message))
		if e.Taint != "" {
			fmt.Fprintf(&b, " (⚠ from %s)", md(e.Taint))
		}
		b.WriteString("\n")
		for _, l := range e.Snippet {
			if l.Hit {
				fmt.Fprintf(&b, "      %d | %s\n", l.N, md(strings.TrimSpace(l.Text)))
			}
		}
	}
	if len(m.Errors)+len(m.TooDeep) > 0 {
		b.WriteString("\n## Code not analysed\n\n")
		for _, e := range m.Errors {
			fmt.Fprintf(&b, "- %s: %s\n", md(e.File), md(e.Message))
		}
		for _, f := range m.TooDeep {
			fmt.Fprintf(&b, "- %s:%d: %s\n", md(f.File), f.Span.Start.Line+1, md(f.Message))
		}
	}
	return b.String()
}
