package link

import (
	"slices"
	"strings"
	"testing"
)

// Handlers registered through a wrapper run the wrapped function:
// functools.partial, a project wrapper reassigned to the handler's
// variable. A wrapper's tool with no name given stays unresolved (its name
// is the wrapper's), and parameters partial binds are no tool input.
func TestPythonWrappedHandlers(t *testing.T) {
	files := map[string]string{
		"src/w.py": `import functools, os, subprocess
from functools import partial
from fastmcp import FastMCP

mcp = FastMCP("w")

def run_cmd(cmd: str, extra: str) -> str:
    return subprocess.check_output(cmd)

def run_bound(cmd: str, extra: str) -> str:
    return subprocess.run(cmd)

mcp.add_tool(partial(run_bound, "ls"), name="run_fixed")
mcp.tool(name="run_any")(functools.partial(run_cmd, extra="x"))

def make_partial(fn, kw):
    return functools.partial(fn, **kw)

def rm(path: str) -> None:
    os.remove(path)

remover = rm
if os.environ.get("SAFE"):
    remover = make_partial(remover, {"path": "/tmp/x"})
mcp.tool(remover, name="remove_it")

mcp.tool()(make_partial(rm, {}))

def not_a_handler(x: str) -> str:
    return os.popen(x).read()

label = str(not_a_handler)
mcp.tool(label, name="label_tool")
`,
	}
	res := scanTexts(t, files)
	got := toolCaps(res)
	want := map[string][]string{"run_fixed": {"system.exec"}, "run_any": {"system.exec"}, "remove_it": {"file.delete"}}
	wantToolCaps(t, got, want, false)
	unresolved := 0
	for name, caps := range got {
		if strings.Contains(name, "make_partial(rm,{})") {
			unresolved++
			if !slices.Equal(caps, []string{"file.delete"}) {
				t.Errorf("%s: %v, want [file.delete]", name, caps)
			}
		}
	}
	if unresolved != 1 {
		t.Errorf("tools %v: the unnamed wrapper's tool should be reported once, unresolved", got)
	}
	if _, ok := got["label_tool"]; ok && len(got["label_tool"]) > 0 {
		t.Errorf("label_tool credited %v: str(fn) is no wrapper of fn", got["label_tool"])
	}
	for _, f := range res.Findings {
		if f.API == "os.popen" && len(f.Tools) > 0 {
			t.Errorf("os.popen reached by %v: str(fn) does not run fn", f.Tools)
		}
	}
	// partial(run_bound, "ls") binds cmd: the command is no tool input
	// there; partial(run_cmd, extra="x") leaves cmd to the model.
	seen := 0
	for _, f := range res.Findings {
		switch f.API {
		case "subprocess.check_output":
			seen++
			if !f.Tainted {
				t.Errorf("check_output: untainted, want tainted through run_any's cmd")
			}
		case "subprocess.run":
			seen++
			if f.Tainted {
				t.Errorf("subprocess.run tainted (%s): partial binds cmd", f.TaintSource)
			}
		}
	}
	if seen != 2 {
		t.Errorf("%d subprocess findings, want 2", seen)
	}
}
