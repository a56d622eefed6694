package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/measure"
)

// WriteMeasure writes a measurement's outputs into dir: summary.json,
// run.json, report.md and report.html, and (when final) servers.jsonl
// rewritten in ID order.
func WriteMeasure(dir string, servers []measure.Server, info measure.RunInfo, final bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if final {
		if err := measure.WriteJournal(filepath.Join(dir, measure.JournalName), servers); err != nil {
			return err
		}
	}
	sum := measure.Summarize(servers)
	runJSON, _ := json.MarshalIndent(info, "", "  ")
	files := []struct {
		name string
		data []byte
	}{
		{measure.SummaryName, measure.MarshalSummary(sum)},
		{measure.RunInfoName, append(runJSON, '\n')},
		{"report.md", []byte(MeasureMarkdown(sum, info))},
		{"report.html", []byte(MeasureHTML(sum, info))},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// measureView is the report's content, shared by both formats.
type measureView struct {
	intro    []string
	classes  table
	caps     table
	perTool  table
	taint    table
	co       table
	sdk      table
	lang     table
	manifest table
	reasons  table
	failures table
	run      table
}

func newMeasureView(s *measure.Summary, info measure.RunInfo) measureView {
	var v measureView
	v.intro = []string{
		fmt.Sprintf("%s servers in the corpus; %s analysed (%s files, %.1f MB of source); %s not analysed.",
			thousands(s.Servers), thousands(s.Analysed), thousands(s.Files), float64(s.Bytes)/(1<<20), thousands(s.Servers-s.Analysed)),
		fmt.Sprintf("%s tools found in %s servers (%s of the analysed servers).", thousands(s.Tools), thousands(s.WithTools), pct(ratio(s.WithTools, s.Analysed))),
		fmt.Sprintf("%s analysed servers have a partial result (files skipped, or code or taint cut at the engine's bounds: %s with a too-deep cut); their counts may miss calls.", thousands(s.Partial), thousands(s.PartialTooDeep)),
		"Shares are of the analysed servers. The paper (arXiv 2507.06250) counted sensitive API use per server in 2,562 servers; this measurement counts the same classes, per server and per tool.",
	}
	v.classes = table{ID: "table-classes", Head: []string{"class", "servers", "share", "paper servers", "paper share", "tools", "tool share"}, Num: nums(1, 2, 3, 4, 5, 6)}
	for i, c := range s.Classes {
		t := s.ToolClasses[i]
		v.classes.Rows = append(v.classes.Rows, []string{c.Name, thousands(c.Count), pct(c.Share), thousands(c.PaperCount), pct(c.PaperShare), thousands(t.Count), pct(t.Share)})
	}
	v.caps = table{ID: "table-capabilities", Head: []string{"capability", "servers", "share", "tools", "tool share"}, Num: nums(1, 2, 3, 4)}
	for i, c := range s.Capabilities {
		t := s.ToolCapabilities[i]
		v.caps.Rows = append(v.caps.Rows, []string{c.Name, thousands(c.Count), pct(c.Share), thousands(t.Count), pct(t.Share)})
	}
	v.perTool = table{ID: "table-caps-per-tool", Head: []string{"capabilities used", "tools", "share"}, Num: nums(0, 1, 2)}
	for n, c := range s.CapsPerTool {
		if c == 0 && n > 0 && n > lastNonZero(s.CapsPerTool) {
			continue
		}
		v.perTool.Rows = append(v.perTool.Rows, []string{fmt.Sprint(n), thousands(c), pct(ratio(c, s.Tools))})
	}
	v.taint = table{ID: "table-taint", Head: []string{"target chosen by the model", "tools", "share of tools"}, Num: nums(1, 2)}
	for _, c := range s.TaintedTools {
		v.taint.Rows = append(v.taint.Rows, []string{taintLabel(c.Name), thousands(c.Count), pct(c.Share)})
	}
	v.co = table{ID: "table-cooccurrence", Head: append([]string{"servers using both"}, classNames(s.ClassOrder)...), Num: nums(1, 2, 3, 4)}
	for i, c := range s.ClassOrder {
		row := []string{string(c)}
		for j := range s.ClassOrder {
			row = append(row, thousands(s.CoOccurrence[i][j]))
		}
		v.co.Rows = append(v.co.Rows, row)
	}
	group := func(id, what string, gs []measure.Group) table {
		t := table{ID: id, Head: append([]string{what, "servers", "tools"}, classNames(s.ClassOrder)...), Num: nums(1, 2, 3, 4, 5, 6)}
		for _, g := range gs {
			row := []string{g.Name, thousands(g.Servers), thousands(g.Tools)}
			for _, c := range g.Classes {
				row = append(row, fmt.Sprintf("%s (%s)", thousands(c.Count), pct(c.Share)))
			}
			t.Rows = append(t.Rows, row)
		}
		return t
	}
	v.sdk = group("table-sdk", "SDK", s.BySDK)
	v.lang = group("table-language", "language", s.ByLanguage)
	v.manifest = table{ID: "table-manifest", Head: []string{"generated manifests", "value"}, Num: nums(1)}
	v.manifest.Rows = [][]string{
		{"servers whose manifest grants something", thousands(s.Manifest.Servers)},
		{"grants (capability entries)", thousands(s.Manifest.Grants)},
		{"grants holding \"*\"", fmt.Sprintf("%s (%s)", thousands(s.Manifest.Wildcard), pct(s.Manifest.WildcardShare))},
		{"— only \"*\" (a scoped capability, no literal scope found; share of scoped grants)", fmt.Sprintf("%s (%s)", thousands(s.Manifest.WildcardOnly), pct(s.Manifest.WildcardOnlyShare))},
		{"— literal scopes kept beside a \"*\"", thousands(s.Manifest.LiteralAndWildcard)},
		{"— capabilities that take no scope", thousands(s.Manifest.Unscoped)},
		{"servers with annotation mismatches", thousands(s.Mismatches.Servers)},
		{"tools with annotation mismatches", thousands(s.Mismatches.Tools)},
	}
	v.reasons = table{ID: "table-reasons", Head: []string{"reason", "servers"}, Num: nums(1)}
	reasons := make([]string, 0, len(s.NotAnalysed))
	for r := range s.NotAnalysed {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		v.reasons.Rows = append(v.reasons.Rows, []string{r, thousands(s.NotAnalysed[r])})
	}
	v.failures = table{ID: "table-failures", Head: []string{"server", "reason", "detail"}}
	for _, f := range s.Failures {
		v.failures.Rows = append(v.failures.Rows, []string{f.ID, f.Reason, shorten(f.Detail, 240)})
	}
	v.run = table{ID: "table-run", Head: []string{"run", "value"}}
	v.run.Rows = [][]string{
		{"analysis time (sum over servers)", fmt.Sprintf("%.1f s", info.AnalysisSecs)},
		{"download time (sum, excluded from analysis)", fmt.Sprintf("%.1f s", info.FetchSecs)},
		{"wall time", fmt.Sprintf("%.1f s", info.WallSeconds)},
		{"servers analysed at once / downloads at once", fmt.Sprintf("%d / %d", info.Jobs, info.FetchJobs)},
		{"peak memory of the measuring process", fmt.Sprintf("%d MB", info.PeakMemoryKB/1024)},
	}
	if info.Shard != "" {
		v.run.Rows = append(v.run.Rows, []string{"shard", info.Shard})
	}
	if info.Interrupted {
		v.run.Rows = append(v.run.Rows, []string{"state", "interrupted: the figures cover the servers done so far"})
	}
	return v
}

func taintLabel(k string) string {
	switch k {
	case "program":
		return "program run (system.exec)"
	case "path":
		return "file path (file.*)"
	case "url":
		return "URL or host (network.client)"
	}
	return "any of them"
}

func classNames(cs []capability.Class) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func lastNonZero(xs []int) int {
	for i := len(xs) - 1; i >= 0; i-- {
		if xs[i] != 0 {
			return i
		}
	}
	return 0
}

func ratio(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func shorten(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

type section struct {
	id, title, text string
	chart           string // HTML only
	table           table
}

func (v measureView) sections(s *measure.Summary) []section {
	classBars := make([]bar, len(s.Classes))
	for i, c := range s.Classes {
		classBars[i] = bar{Label: c.Name, Value: c.Share, Text: fmt.Sprintf("%s (%s)", pct(c.Share), thousands(c.Count)),
			Paper: c.PaperShare, PText: fmt.Sprintf("%s (%s)", pct(c.PaperShare), thousands(c.PaperCount))}
	}
	capBars := make([]bar, len(s.Capabilities))
	mx := 0.0
	for i, c := range s.Capabilities {
		capBars[i] = bar{Label: c.Name, Value: c.Share, Text: fmt.Sprintf("%s (%s)", pct(c.Share), thousands(c.Count))}
		mx = max(mx, c.Share)
	}
	labels := make([]string, 0, len(s.CapsPerTool))
	vals := make([]int, 0, len(s.CapsPerTool))
	for n, c := range s.CapsPerTool {
		if n > lastNonZero(s.CapsPerTool) && n > 0 {
			break
		}
		labels = append(labels, fmt.Sprint(n))
		vals = append(vals, c)
	}
	taintBars := make([]bar, len(s.TaintedTools))
	tmx := 0.0
	for i, c := range s.TaintedTools {
		taintBars[i] = bar{Label: c.Name, Value: c.Share, Text: fmt.Sprintf("%s (%s tools)", pct(c.Share), thousands(c.Count))}
		tmx = max(tmx, c.Share)
	}
	return []section{
		{id: "classes", title: "Servers using each class, beside the paper", chart: hbars("chart-classes", "Share of servers using each class: this measurement and the paper", classBars, 1, true), table: v.classes},
		{id: "capabilities", title: "Servers and tools using each capability", chart: hbars("chart-capabilities", "Share of analysed servers using each capability", capBars, max(mx, 0.01), false), table: v.caps},
		{id: "per-tool", title: "Capabilities per tool", text: "How many of the 13 capabilities each tool reaches through its handler and the code it calls.", chart: vbars("chart-caps-per-tool", "Tools by the number of capabilities they use", labels, vals), table: v.perTool},
		{id: "taint", title: "Tools whose model input reaches a target", text: "A tool counts when an argument of a sensitive call derives from the tool's input (the model chooses it): a program to run, a file path, a URL or host.", chart: hbars("chart-taint", "Share of tools whose input reaches each kind of target", taintBars, max(tmx, 0.01), false), table: v.taint},
		{id: "cooccurrence", title: "Class co-occurrence", text: "Servers using both classes; the diagonal is servers using the class.", chart: heatmap("chart-cooccurrence", "Servers using both classes", classNames(s.ClassOrder), s.CoOccurrence), table: v.co},
		{id: "sdk", title: "By SDK", text: "Servers by the SDK of their tool registrations (a server with two SDKs counts in both); servers with no tool found are grouped apart.", table: v.sdk},
		{id: "language", title: "By language", table: v.lang},
		{id: "manifest", title: "Generated manifests and annotations", text: "What `mcpriv manifest` would write for each server, and tools whose MCP annotations (readOnlyHint, destructiveHint, openWorldHint) contradict their code.", table: v.manifest},
		{id: "not-analysed", title: "Servers not analysed", table: v.reasons},
		{id: "failures", title: "Each server not analysed, with its reason", table: v.failures},
		{id: "run", title: "Run", table: v.run},
	}
}

// MeasureMarkdown renders report.md.
func MeasureMarkdown(s *measure.Summary, info measure.RunInfo) string {
	v := newMeasureView(s, info)
	var b bytes.Buffer
	b.WriteString("# MCP server privilege measurement\n\n")
	for _, p := range v.intro {
		b.WriteString(p + "\n")
	}
	for _, sec := range v.sections(s) {
		fmt.Fprintf(&b, "\n## %s\n\n", sec.title)
		if sec.text != "" {
			b.WriteString(sec.text + "\n\n")
		}
		if len(sec.table.Rows) == 0 {
			b.WriteString("None.\n")
			continue
		}
		b.WriteString(sec.table.markdown())
	}
	return b.String()
}

// MeasureHTML renders report.html.
func MeasureHTML(s *measure.Summary, info measure.RunInfo) string {
	v := newMeasureView(s, info)
	var b strings.Builder
	b.WriteString("<header><h1>MCP server privilege measurement</h1>\n")
	for _, p := range v.intro {
		fmt.Fprintf(&b, "<p>%s</p>\n", esc(p))
	}
	b.WriteString("<nav><ul>\n")
	for _, sec := range v.sections(s) {
		fmt.Fprintf(&b, "<li><a href=\"#%s\">%s</a></li>\n", sec.id, esc(sec.title))
	}
	b.WriteString("</ul></nav></header>\n<main>\n")
	for _, sec := range v.sections(s) {
		fmt.Fprintf(&b, "<section id=\"%s\">\n<h2>%s</h2>\n", sec.id, esc(sec.title))
		if sec.text != "" {
			fmt.Fprintf(&b, "<p>%s</p>\n", esc(sec.text))
		}
		b.WriteString(sec.chart)
		if len(sec.table.Rows) == 0 {
			fmt.Fprintf(&b, "<p id=\"%s\" class=\"muted\">None.</p>\n", esc(sec.table.ID))
		} else {
			b.WriteString(sec.table.html())
		}
		b.WriteString("</section>\n")
	}
	b.WriteString("</main>\n")
	return page("MCP server privilege measurement", b.String())
}
