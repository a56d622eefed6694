package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/display"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// TestConsoleEscapes: the compiler-style disagreement lines of
// "manifest --check" and the progress bar's label escape what the analysed
// code chose (issue 14 item 9).
func TestConsoleEscapes(t *testing.T) {
	evil := "t\x1b[2K\r\u202eok"
	var b bytes.Buffer
	printFindings(&b, []finding.Finding{{File: "src/" + evil + ".ts", Message: "tool " + evil, Rule: "manifest.undeclared"}}, ".")
	for _, r := range strings.TrimSuffix(b.String(), "\n") {
		if display.Unsafe(r) {
			t.Fatalf("printFindings wrote %U: %q", r, b.String())
		}
	}
	if !strings.Contains(b.String(), `tool t\x1b[2K\r\u202eok`) {
		t.Errorf("escapes not shown: %q", b.String())
	}

	var p bytes.Buffer
	bar := &progressBar{w: &p}
	bar.Callback(evil)(1, 2)
	bar.draw()
	out := strings.TrimPrefix(p.String(), "\r\x1b[K") // the bar's own redraw
	if !strings.Contains(out, `t\x1b[2K\r\u202eok`) {
		t.Errorf("progress label escapes not shown: %q", out)
	}
	for _, r := range out {
		if display.Unsafe(r) {
			t.Fatalf("progress bar wrote %U: %q", r, out)
		}
	}
}
