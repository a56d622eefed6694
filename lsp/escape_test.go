package lsp

import (
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/display"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// TestHumanTextEscaped: diagnostic messages and hover text carry no raw
// control, bidi or separator character from the analysed code (issue 14
// item 9); the diagnostic's data keeps the exact values.
func TestHumanTextEscaped(t *testing.T) {
	evil := "t\x1b[2K\r\u202eok\u2028"
	f := finding.Finding{Kind: finding.KindCapability, Capability: "system.exec", API: "exec", Message: "runs programs for tool " + evil, Tools: []string{evil}}
	d := diagnosticOf(&f, "")
	for name, s := range map[string]string{"diagnostic": d.Message, "hover": safeMarkdown("**tool** `" + evil + "`\n\n" + f.Message)} {
		for _, r := range s {
			if r != '\n' && display.Unsafe(r) {
				t.Errorf("%s text holds %U: %q", name, r, s)
			}
		}
		if !strings.Contains(s, `t\x1b[2K\r\u202eok\u2028`) {
			t.Errorf("%s text does not show the escapes: %q", name, s)
		}
	}
	if data := d.Data.(*DiagnosticData); data.Tools[0] != evil {
		t.Errorf("diagnostic data changed the tool name: %q", data.Tools[0])
	}
}
