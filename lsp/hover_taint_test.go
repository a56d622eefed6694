package lsp

import (
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// TestHoverTaintRole: the hover says what the model controls through the
// tool input that reaches a call, as the JSON output's taintRole does.
func TestHoverTaintRole(t *testing.T) {
	base := finding.Finding{Kind: finding.KindCapability, Capability: capability.FileWrite, Class: capability.File,
		API: "fs.writeFile", Rule: "js.fs.write", Tools: []string{"write_note"}}
	tests := []struct {
		name    string
		set     func(f *finding.Finding)
		want    string
		notWant string
	}{
		{"target", func(f *finding.Finding) {
			f.Tainted, f.TaintRole, f.TaintSource, f.TaintTool = true, finding.TaintTarget, "path", "write_note"
		}, "**Tainted (target):** where the call goes comes from tool input `path` of `write_note`", "what the call carries"},
		{"payload", func(f *finding.Finding) {
			f.Tainted, f.TaintRole, f.TaintSource, f.TaintTool = true, finding.TaintPayload, "text", "write_note"
		}, "**Tainted (payload):** what the call carries comes from tool input `text` of `write_note`", "where the call goes"},
		{"untainted", func(f *finding.Finding) {}, "", "Tainted"},
	}
	s := &Server{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := base
			tt.set(&f)
			h := s.findingMarkdown(&rootResult{}, &f)
			if tt.want != "" && !strings.Contains(h, tt.want) {
				t.Errorf("hover lacks %q:\n%s", tt.want, h)
			}
			if strings.Contains(h, tt.notWant) {
				t.Errorf("hover has %q:\n%s", tt.notWant, h)
			}
		})
	}
}
