// Package render writes the reviewer's reports: the ecosystem report of a
// measurement (report.md, report.html) and one server's privilege map
// (`mcpriv report`). The HTML is one self-contained file: inline CSS and
// SVG charts, no script, no network, so it reads the same in a browser, an
// editor's web view or an archived CI artifact. Every text that comes from
// analysed code (tool names, paths, snippets, messages) is escaped.
package render

import (
	"fmt"
	"html"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/display"
)

// esc escapes text for HTML element content and attribute values. Terminal
// controls and bidirectional overrides are first written visibly
// (display.Escape): a browser would otherwise reorder what a reviewer reads.
func esc(s string) string { return html.EscapeString(display.Escape(s)) }

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string {
	r := strings.NewReplacer("|", "\\|", "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;", "`", "'")
	return r.Replace(display.Escape(s))
}

// md makes analysed text safe in Markdown prose (a terminal shows it).
func md(s string) string { return display.Escape(s) }

func pct(f float64) string { return fmt.Sprintf("%.1f%%", f*100) }

func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

const css = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--ours:#0969da;--paper:#8c959f;--bad:#cf222e;--warn:#9a6700;--ok:#1a7f37}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);max-width:1100px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid var(--line);padding-bottom:.3rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.92rem}
th,td{border:1px solid var(--line);padding:.3rem .55rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1rem 0}figcaption{color:var(--muted);font-size:.85rem}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}
.muted{color:var(--muted)}
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
pre{background:#f6f8fa;border:1px solid var(--line);padding:.5rem;overflow:auto;margin:.3rem 0}
.legend span{display:inline-block;margin-right:1rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;vertical-align:middle;margin-right:.3rem}
.undeclared,.out-of-scope{color:var(--bad)}.no-manifest{color:var(--warn)}.declared{color:var(--ok)}.unused{color:var(--muted)}
.taint{color:var(--bad);font-weight:600}
td.cell{min-width:7rem}td.cell a{text-decoration:none}
.risk{border-left:4px solid var(--bad);padding:.5rem 1rem;background:#fff8f8}
`

// page wraps a body in the self-contained document.
func page(title, body string) string {
	return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n" +
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n" +
		"<title>" + esc(title) + "</title>\n<style>" + css + "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n"
}

// bar is one row of a horizontal bar chart; Paper < 0 means no second bar.
type bar struct {
	Label string
	Value float64 // 0…1 share, or a count when the chart is not a share
	Text  string  // printed at the bar's end
	Paper float64
	PText string
}

// hbars draws a horizontal bar chart. With paper bars each row has two:
// ours (blue) above the paper's (grey).
func hbars(id, title string, rows []bar, maxV float64, withPaper bool) string {
	const labelW, barW, rowH = 170, 560, 22
	perRow := rowH
	if withPaper {
		perRow = 2*rowH - 4
	}
	h := len(rows)*perRow + 10
	if maxV <= 0 {
		maxV = 1
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<figure>\n<svg class=\"chart\" id=\"%s\" role=\"img\" aria-labelledby=\"%s-t\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"%s-t\">%s</title>\n",
		esc(id), esc(id), labelW+barW+120, h, labelW+barW+120, h, esc(id), esc(title))
	y := 4
	for _, r := range rows {
		w := int(float64(barW) * r.Value / maxV)
		fmt.Fprintf(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", labelW-8, y+14, esc(r.Label))
		fmt.Fprintf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#0969da\"><title>%s: %s</title></rect>\n", labelW, y+2, max(w, 1), esc(r.Label), esc(r.Text))
		fmt.Fprintf(&b, "<text x=\"%d\" y=\"%d\">%s</text>\n", labelW+max(w, 1)+6, y+14, esc(r.Text))
		if withPaper {
			y += rowH - 4
			if r.Paper >= 0 && r.PText != "" {
				pw := int(float64(barW) * r.Paper / maxV)
				fmt.Fprintf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"#8c959f\"><title>paper: %s</title></rect>\n", labelW, y+2, max(pw, 1), esc(r.PText))
				fmt.Fprintf(&b, "<text x=\"%d\" y=\"%d\" class=\"muted\">%s</text>\n", labelW+max(pw, 1)+6, y+13, esc(r.PText))
			}
		}
		y += rowH
	}
	b.WriteString("</svg>\n")
	if withPaper {
		b.WriteString("<figcaption class=\"legend\"><span><i class=\"swatch\" style=\"background:#0969da\"></i>this measurement</span><span><i class=\"swatch\" style=\"background:#8c959f\"></i>the paper (arXiv 2507.06250)</span></figcaption>\n")
	} else {
		fmt.Fprintf(&b, "<figcaption>%s</figcaption>\n", esc(title))
	}
	b.WriteString("</figure>\n")
	return b.String()
}

// vbars draws a column chart (a distribution).
func vbars(id, title string, labels []string, values []int) string {
	const colW, chartH, gap = 44, 180, 8
	w := len(labels)*(colW+gap) + 60
	mx := 1
	for _, v := range values {
		mx = max(mx, v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<figure>\n<svg class=\"chart\" id=\"%s\" role=\"img\" aria-labelledby=\"%s-t\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"%s-t\">%s</title>\n",
		esc(id), esc(id), w, chartH+50, w, chartH+50, esc(id), esc(title))
	for i, v := range values {
		x := 30 + i*(colW+gap)
		hh := chartH * v / mx
		fmt.Fprintf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#0969da\"><title>%s: %d</title></rect>\n", x, 20+chartH-hh, colW, max(hh, 1), esc(labels[i]), v)
		fmt.Fprintf(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d</text>\n", x+colW/2, 16+chartH-hh, v)
		fmt.Fprintf(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x+colW/2, chartH+38, esc(labels[i]))
	}
	fmt.Fprintf(&b, "</svg>\n<figcaption>%s</figcaption>\n</figure>\n", esc(title))
	return b.String()
}

// heatmap draws a square matrix (class co-occurrence).
func heatmap(id, title string, labels []string, m [][]int) string {
	const cell, left, top = 70, 80, 24
	n := len(labels)
	w, h := left+n*cell+10, top+n*cell+10
	mx := 1
	for _, row := range m {
		for _, v := range row {
			mx = max(mx, v)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<figure>\n<svg class=\"chart\" id=\"%s\" role=\"img\" aria-labelledby=\"%s-t\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"%s-t\">%s</title>\n",
		esc(id), esc(id), w, h, w, h, esc(id), esc(title))
	for i, l := range labels {
		fmt.Fprintf(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", left+i*cell+cell/2, top-8, esc(l))
		fmt.Fprintf(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left-6, top+i*cell+cell/2+4, esc(l))
	}
	for i := range m {
		for j, v := range m[i] {
			op := 0.08 + 0.9*float64(v)/float64(mx)
			fill := "#1b1f24"
			if op > 0.55 {
				fill = "#ffffff"
			}
			fmt.Fprintf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#0969da\" fill-opacity=\"%.2f\"><title>%s and %s: %d</title></rect>\n",
				left+j*cell, top+i*cell, cell-2, cell-2, op, esc(labels[i]), esc(labels[j]), v)
			fmt.Fprintf(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" style=\"fill:%s\">%d</text>\n", left+j*cell+cell/2, top+i*cell+cell/2+4, fill, v)
		}
	}
	fmt.Fprintf(&b, "</svg>\n<figcaption>%s</figcaption>\n</figure>\n", esc(title))
	return b.String()
}
