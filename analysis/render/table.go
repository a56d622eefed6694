package render

import (
	"fmt"
	"strings"
)

// table is rendered to both Markdown and HTML, so the two reports hold the
// same figures.
type table struct {
	ID   string
	Head []string
	Rows [][]string
	Num  map[int]bool // right-aligned columns
}

func (t table) markdown() string {
	var b strings.Builder
	b.WriteString("|")
	for _, h := range t.Head {
		b.WriteString(" " + mdCell(h) + " |")
	}
	b.WriteString("\n|")
	for i := range t.Head {
		if t.Num[i] {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		b.WriteString("|")
		for _, c := range r {
			b.WriteString(" " + mdCell(c) + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func (t table) html() string {
	var b strings.Builder
	fmt.Fprintf(&b, "<table id=\"%s\">\n<thead><tr>", esc(t.ID))
	for i, h := range t.Head {
		fmt.Fprintf(&b, "<th%s>%s</th>", t.cls(i), esc(h))
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, r := range t.Rows {
		b.WriteString("<tr>")
		for i, c := range r {
			fmt.Fprintf(&b, "<td%s>%s</td>", t.cls(i), esc(c))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	return b.String()
}

func (t table) cls(i int) string {
	if t.Num[i] {
		return " class=\"num\""
	}
	return ""
}

func nums(cols ...int) map[int]bool {
	m := map[int]bool{}
	for _, c := range cols {
		m[c] = true
	}
	return m
}
