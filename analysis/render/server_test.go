package render

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// TestSnippetsReadSafely: snippets are read from the workspace through
// safefile (issue 14): a finding's file that became a pipe or a link to
// /dev/zero after the scan neither hangs the report nor exhausts memory;
// the evidence is shown without a snippet.
func TestSnippetsReadSafely(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.py"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.py")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ok.py"), []byte("import os\nos.system(x)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := &finding.Result{Tools: []finding.Tool{{Name: "run"}}}
	for _, f := range []string{"pipe.py", "zero.py", "ok.py"} {
		res.Findings = append(res.Findings, finding.Finding{Kind: finding.KindCapability, Capability: capability.SystemExec,
			API: "os.system", File: f, Tools: []string{"run"}})
		res.Findings[len(res.Findings)-1].Span.Start.Line = 1
	}
	done := make(chan *ServerMap, 1)
	go func() { done <- BuildServerMap("x", dir, res, nil) }()
	select {
	case m := <-done:
		snippets := 0
		for _, e := range m.Evidence {
			if len(e.Snippet) > 0 {
				snippets++
				if e.File != "ok.py" {
					t.Errorf("a snippet of %s", e.File)
				}
			}
		}
		if snippets != 1 {
			t.Errorf("%d snippets, want 1 (ok.py)", snippets)
		}
	case <-time.After(time.Minute): // a hang guard, not a timing assertion
		t.Fatal("BuildServerMap blocked on the pipe")
	}
}
