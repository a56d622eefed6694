package manifest

import (
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/finding"
)

// TestCheckToolSites: a tool registered in two directories (Sites) is
// governed by the manifest of either, so a manifest naming it next to the
// second registration reports no unknown tool; a name registered nowhere in
// the files still does.
func TestCheckToolSites(t *testing.T) {
	m, errs := Parse("b/mcp-capabilities.yaml", []byte("version: 1\ntools:\n  get: {}\n  gone: {}\n  other: {}\n"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	res := &finding.Result{Tools: []finding.Tool{
		{Name: "get", File: "a/x.ts", Sites: []finding.ToolSite{{File: "b/y.ts"}}},
		{Name: "other", File: "b/y.ts"},
		{Name: "gone", File: "a/x.ts"},
	}}
	Check(m, res, func(file string) bool { return strings.HasPrefix(file, "b/") })
	var unknown []string
	for _, f := range res.Findings {
		if f.Rule == RuleUnknownTool {
			unknown = append(unknown, f.Message)
		}
	}
	if len(unknown) != 1 || !strings.Contains(unknown[0], "gone") {
		t.Errorf("unknown-tool findings %q, want one for gone", unknown)
	}
}
