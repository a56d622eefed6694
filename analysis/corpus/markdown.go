package corpus

import (
	"fmt"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
)

// Markdown prints the report as tables: by language group, by capability
// class and capability, the commonest miss forms, tools that are not names
// and the problems met. forms bounds the miss forms listed (0: all).
func (r *Report) Markdown(forms int) string {
	var b strings.Builder
	cell := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }

	b.WriteString("| | servers | labelled sites | site precision | site recall | tool-capability F1 | server capability set exact | taint agreement | tools not names |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, g := range r.Groups {
		m := g.All
		fmt.Fprintf(&b, "| %s | %d | %d | %s | %s | %s | %s | %s | %d |\n", g.Name, g.Servers, m.Sites.Labelled,
			frac(m.Sites.Precision, m.Sites.TruePositives, m.Sites.TruePositives+m.Sites.FalsePositives),
			frac(m.Sites.Recall, m.Sites.Matched, m.Sites.Labelled), f1(m.Tools), sets(m.ServerSets), taint(m.Taint), m.NotNames)
	}

	b.WriteString("\nTool names reported, of those labelled (and reported but not labelled); false-negative tool-capability triples, and those of tools not reported at all:\n\n")
	b.WriteString("| | tools found | extra tools | false-negative triples | of tools not reported |\n|---|---|---|---|---|\n")
	for _, g := range r.Groups {
		t := g.All.Tools
		fmt.Fprintf(&b, "| %s | %d/%d | %d | %d | %d |\n", g.Name, t.FoundTools, t.LabelledTools, t.ExtraTools, t.FalseNegatives, t.UnreportedTriples)
	}

	b.WriteString("\nBy capability class (overall):\n\n")
	b.WriteString("| class | labelled sites | site precision | site recall | tool-capability F1 | server capability set exact | taint agreement |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	overall := r.group(GroupOverall)
	for _, c := range []capability.Class{capability.Network, capability.System, capability.File, capability.Memory} {
		m := overall.Classes[string(c)]
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s |\n", c, m.Sites.Labelled,
			frac(m.Sites.Precision, m.Sites.TruePositives, m.Sites.TruePositives+m.Sites.FalsePositives),
			frac(m.Sites.Recall, m.Sites.Matched, m.Sites.Labelled), f1(m.Tools), sets(m.ServerSets), taint(m.Taint))
	}

	b.WriteString("\nSite recall and tool-capability F1 by language and class:\n\n")
	b.WriteString("| | network | system | file | memory |\n|---|---|---|---|---|\n")
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "| %s |", g.Name)
		for _, c := range []capability.Class{capability.Network, capability.System, capability.File, capability.Memory} {
			m := g.Classes[string(c)]
			fmt.Fprintf(&b, " %s / %s |", frac(m.Sites.Recall, m.Sites.Matched, m.Sites.Labelled), short(m.Tools.F1))
		}
		b.WriteString("\n")
	}

	b.WriteString("\nBy capability (overall):\n\n")
	b.WriteString("| capability | labelled sites | site precision | site recall | tool-capability F1 | taint agreement |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, info := range capability.All() {
		m := overall.Capabilities[string(info.ID)]
		if m.Sites.Labelled == 0 && m.Sites.FalsePositives == 0 && m.Tools.TruePositives+m.Tools.FalsePositives+m.Tools.FalseNegatives == 0 {
			continue
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s |\n", info.ID, m.Sites.Labelled,
			frac(m.Sites.Precision, m.Sites.TruePositives, m.Sites.TruePositives+m.Sites.FalsePositives),
			frac(m.Sites.Recall, m.Sites.Matched, m.Sites.Labelled), f1(m.Tools), taint(m.Taint))
	}

	list := r.MissFamilies
	if forms > 0 && len(list) > forms {
		list = list[:forms]
	}
	fmt.Fprintf(&b, "\nMisses by the object or package called (%d of %d, %d missed sites in %d call forms; most servers first):\n\n",
		len(list), len(r.MissFamilies), len(r.Misses), len(r.MissForms))
	b.WriteString("| called on | missed sites | servers | capabilities | languages | forms |\n|---|---|---|---|---|---|\n")
	for _, f := range list {
		quoted := make([]string, len(f.Forms))
		for i, x := range f.Forms {
			quoted[i] = "`" + cell(x) + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %d | %d | %s | %s | %s |\n", cell(f.Form), f.Sites, len(f.Servers),
			strings.Join(f.Capabilities, ", "), strings.Join(f.Languages, ", "), strings.Join(quoted, " "))
	}

	if len(r.NotNames) > 0 {
		b.WriteString("\nReported tools that are not names:\n\n")
		for _, t := range r.NotNames {
			fmt.Fprintf(&b, "- %s: `%s`\n", t.Server, cell(t.Tool))
		}
	}
	if len(r.Problems) > 0 {
		b.WriteString("\nProblems:\n\n")
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "- %s\n", cell(p))
		}
	}
	return b.String()
}

func (r *Report) group(name string) Group {
	for _, g := range r.Groups {
		if g.Name == name {
			return g
		}
	}
	return Group{}
}

func short(v *float64) string {
	if v == nil {
		return "–"
	}
	return fmt.Sprintf("%.2f", *v)
}

func frac(v *float64, n, d int) string {
	if v == nil {
		return "–"
	}
	return fmt.Sprintf("%.2f (%d/%d)", *v, n, d)
}

func f1(t ToolMetrics) string {
	if t.F1 == nil {
		return "–"
	}
	return fmt.Sprintf("%.2f (P %s, R %s)", *t.F1, short(t.Precision), short(t.Recall))
}

func sets(s SetMetrics) string {
	if s.Ratio == nil {
		return "–"
	}
	return fmt.Sprintf("%d/%d (%.0f%%)", s.Exact, s.Servers, 100**s.Ratio)
}

func taint(t TaintMetrics) string {
	if t.Ratio == nil {
		return "–"
	}
	s := fmt.Sprintf("%.2f (%d/%d", *t.Ratio, t.Agree, t.Sites)
	if t.Missed > 0 {
		s += fmt.Sprintf("; %d missed", t.Missed)
	}
	if t.Claimed > 0 {
		s += fmt.Sprintf("; %d claimed", t.Claimed)
	}
	if t.RoleWrong > 0 {
		s += fmt.Sprintf("; %d wrong role", t.RoleWrong)
	}
	return s + ")"
}
