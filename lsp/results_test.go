package lsp

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// TestBuildRootResultIndexes checks buildRootResult's per-file lists and
// per-tool undeclared sets against a plain computation, with findings of
// two files interleaved (files sharing a path are merged by position),
// tools alternating, and a tool named "".
func TestBuildRootResultIndexes(t *testing.T) {
	caps := []capability.ID{capability.FileRead, capability.FileWrite, capability.NetworkClient, capability.SystemExec}
	tools := []string{"a", "", "b", "a", "c"}
	files := []string{"src/x.ts", "src/y.ts", "src/x.ts"}
	res := &finding.Result{}
	for i := 0; i < 60; i++ {
		f := finding.Finding{Kind: finding.KindCapability, File: files[(i/7)%len(files)], Capability: caps[i%len(caps)]}
		if i%5 != 4 {
			f.UndeclaredFor = []string{tools[i%len(tools)]}
			if i%3 == 0 {
				f.UndeclaredFor = append(f.UndeclaredFor, tools[(i+2)%len(tools)])
			}
		}
		if i%11 == 0 {
			f.Kind = finding.KindSuppression
		}
		res.Findings = append(res.Findings, f)
	}
	root := t.TempDir()
	s := &Server{}
	rr := s.buildRootResult(root, res, nil)

	wantFiles := map[string][]*finding.Finding{}
	wantUndeclared := map[string]map[capability.ID]bool{}
	for i := range res.Findings {
		f := &res.Findings[i]
		p := s.absPath(root, f.File)
		wantFiles[p] = append(wantFiles[p], f)
		if f.Kind != finding.KindCapability {
			continue
		}
		for _, tool := range f.UndeclaredFor {
			if wantUndeclared[tool] == nil {
				wantUndeclared[tool] = map[capability.ID]bool{}
			}
			wantUndeclared[tool][f.Capability] = true
		}
	}
	if !reflect.DeepEqual(rr.byFile, wantFiles) {
		t.Errorf("byFile:\n%v\nwant\n%v", keysOf(rr.byFile), keysOf(wantFiles))
	}
	if !reflect.DeepEqual(rr.undeclared, wantUndeclared) {
		t.Errorf("undeclared:\n%v\nwant\n%v", rr.undeclared, wantUndeclared)
	}
	if _, ok := rr.undeclared[""]; !ok {
		t.Error("the tool named \"\" lost its undeclared capabilities")
	}
	if len(rr.byFile[filepath.Join(root, "src", "x.ts")]) == 0 {
		t.Error("no findings for src/x.ts")
	}
}

func keysOf(m map[string][]*finding.Finding) string {
	out := ""
	for k, v := range m {
		out += fmt.Sprintf("%s:%d ", k, len(v))
	}
	return out
}
