package manifest

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/command"
	"github.com/mcpriv/mcpriv/analysis/finding"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// The annotation policy: when a tool's MCP annotations contradict what its
// code does. Check applies it for every front-end.

// hints are the annotation checks: hint set to value contradicts caps.
var hints = []struct {
	name  string
	value bool
	caps  []capability.ID
}{
	{"readOnlyHint", true, []capability.ID{capability.FileWrite, capability.FileDelete, capability.SystemExec}},
	{"destructiveHint", false, []capability.ID{capability.FileDelete}},
	{"openWorldHint", false, []capability.ID{capability.NetworkClient}},
}

func hintMismatches(t *finding.Tool, res *finding.Result, root string) []finding.Finding {
	var out []finding.Finding
	for _, h := range hints {
		v, ok := t.Annotations[h.name]
		if !ok || v != h.value {
			continue
		}
		var bad []string
		for _, id := range h.caps {
			if !hasCap(t.Capabilities, id) {
				continue
			}
			ev, contradicts := evidence(res, t.Name, id, root)
			if !contradicts {
				continue
			}
			what := does[id]
			if ev != "" {
				what += " (" + ev + ")"
			}
			bad = append(bad, what)
		}
		if len(bad) == 0 {
			continue
		}
		sp := t.NameSpan
		if sp == (source.Span{}) {
			sp = t.Span
		}
		out = append(out, finding.Finding{
			Kind: finding.KindHintMismatch, File: t.File, Span: sp, CallSpan: t.Span,
			Rule: RuleHintMismatch, Severity: finding.Warning, Tools: []string{t.Name},
			Message: fmt.Sprintf("tool %s declares %s: %v but it %s", t.Name, h.name, h.value, strings.Join(bad, " and ")),
		})
	}
	return out
}

func hasCap(caps []capability.ID, id capability.ID) bool {
	for _, c := range caps {
		if c == id {
			return true
		}
	}
	return false
}

// evidence names the first call through which tool uses id in a way that
// contradicts an annotation (its path relative to root when absolute), and
// whether there is one. A read-only command
// (package command) is no contradiction for system.exec, nor the removal of
// a temporary file for file.delete (TempCleanup). A tool whose capability
// comes from no finding at all (suppressed everywhere) contradicts it.
func evidence(res *finding.Result, tool string, id capability.ID, root string) (string, bool) {
	seen, benign := false, false
	for _, list := range [][]finding.Finding{res.Findings, res.Suppressed} {
		for i := range list {
			f := &list[i]
			if f.Kind != finding.KindCapability || f.Capability != id || !reaches(f, tool) {
				continue
			}
			seen = true
			switch {
			case id == capability.SystemExec && command.ReadOnly(f.Command),
				id == capability.FileDelete && TempCleanup(f, res):
				benign = true
				continue
			}
			if f.API == "" {
				return "", true
			}
			file := f.File
			if root != "" && filepath.IsAbs(filepath.FromSlash(file)) {
				if rel, err := filepath.Rel(root, filepath.FromSlash(file)); err == nil && !strings.HasPrefix(rel, "..") {
					file = filepath.ToSlash(rel)
				}
			}
			return fmt.Sprintf("%s at %s:%d", f.API, file, f.Span.Start.Line+1), true
		}
	}
	return "", !seen || !benign
}

// tempRoots are where temporary files live, as scopes give them.
var tempRoots = []string{"${TMP}/", "/tmp/", "/var/tmp/"}

func inTemp(scope string) bool {
	for _, r := range tempRoots {
		if strings.HasPrefix(scope, r) {
			return true
		}
	}
	return false
}

// TempCleanup reports whether del, a file.delete finding, removes a
// temporary file the same function created: the function also creates a
// file or directory in the temporary directory (tempfile.mkstemp,
// fs.mkdtemp, os.CreateTemp …), and the path removed is in the temporary
// directory or not a literal (the one created), and not chosen by tool input.
func TempCleanup(del *finding.Finding, res *finding.Result) bool {
	if del.Capability != capability.FileDelete || del.TargetTainted() || del.Func == (source.Span{}) {
		return false
	}
	if del.Scope != "" && !inTemp(del.Scope) {
		return false
	}
	for i := range res.Findings {
		g := &res.Findings[i]
		if g.Kind == finding.KindCapability && g.Capability == capability.FileWrite && g.File == del.File &&
			g.Func == del.Func && inTemp(g.Scope) && !g.TargetTainted() {
			return true
		}
	}
	return false
}
