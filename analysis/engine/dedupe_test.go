package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/rules"
)

// A user's rule that repeats a built-in one matches the same call: the call
// is still one finding (issue 10: the same finding is never reported twice
// at one place).
func TestScanReportsAFindingOncePerPlace(t *testing.T) {
	ruleDir := t.TempDir()
	rule := `rules:
  - id: user.fs.write-sync
    language: js
    capability: file.write
    modules: [fs]
    calls: [writeFileSync]
    scope: [{arg: 0, kind: path}]
    message: writes a file (a team rule)
`
	if err := os.WriteFile(filepath.Join(ruleDir, "team.yaml"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, err := rules.Load(ruleDir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Options{Rules: rs})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	src := "import fs from \"node:fs\";\nexport function save() {\n  fs.writeFileSync(\"/srv/data/a.txt\", \"x\");\n}\n"
	if err := os.WriteFile(filepath.Join(root, "save.ts"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := e.Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range res.Findings {
		if f.Capability == capability.FileWrite {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d file.write findings at the one call, want 1: %+v", n, res.Findings)
	}
	// Before Check both rules report it: the test means something.
	f, err := e.ExtractFull(context.Background(), filepath.ToSlash(filepath.Join(root, "save.ts")), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	linked := 0
	for _, fd := range e.Link(root, []*facts.File{f}).Findings {
		if fd.Capability == capability.FileWrite {
			linked++
		}
	}
	if linked != 2 {
		t.Errorf("Link reports %d file.write findings, want the 2 rules' (the test's premise)", linked)
	}
}
