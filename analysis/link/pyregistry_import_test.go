package link

import (
	"slices"
	"strings"
	"testing"
)

// Handler classes defined in another module of the project, collected in a
// registry the low-level call_tool dispatches through: each class's literal
// `name` there names the tool and its method is the handler. A class whose
// name is not a literal stays unresolved; a library's class is no handler.
func TestPythonImportedHandlerClasses(t *testing.T) {
	files := map[string]string{
		"src/srv/tools.py": `import subprocess, shutil

class BaseTool:
    name: str = ""
    async def execute(self, arguments): ...

class RunTool(BaseTool):
    name = "run"
    async def execute(self, arguments):
        return subprocess.run(arguments["cmd"])

class CopyTool(BaseTool):
    name = "copy"
    async def execute(self, arguments):
        return shutil.copy(arguments["a"], arguments["b"])

class DynTool(BaseTool):
    def __init__(self, n):
        self.name = n
    async def execute(self, arguments):
        return shutil.rmtree(arguments["p"])
`,
		"src/srv/server.py": `from mcp.server import Server
from .tools import RunTool, CopyTool, DynTool

server = Server("x")
REGISTRY = {t.name: t for t in [RunTool(), CopyTool(), DynTool("dyn")]}

@server.call_tool()
async def call_tool(name, arguments):
    tool = REGISTRY[name]
    return await tool.execute(arguments)
`,
	}
	got := toolCaps(scanTexts(t, files))
	want := map[string]string{"run": "system.exec", "copy": "file.write"}
	for name, c := range want {
		if caps, ok := got[name]; !ok || !slices.Contains(caps, c) {
			t.Errorf("tool %s: capabilities %v (found %v), want %s; tools %v", name, caps, ok, c, got)
		}
	}
	unresolved := 0
	for name := range got {
		if strings.Contains(name, "DynTool") {
			unresolved++
			continue
		}
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected tool %q", name)
		}
	}
	if unresolved != 1 {
		t.Errorf("tools %v: want DynTool's registration once, unresolved", got)
	}
}

// A FastMCP subclass registering its own methods in a loop over a literal
// list: one tool per method. A loop over values that are not the file's
// functions registers nothing it cannot name.
func TestPythonLoopOfBoundMethods(t *testing.T) {
	files := map[string]string{
		"src/sub.py": `import os, requests
from fastmcp import FastMCP

class MyServer(FastMCP):
    def __init__(self):
        super().__init__("s")
        self._setup()

    def _setup(self):
        for fn in [self.get_env, self.fetch]:
            self.tool(fn)
        for label in ["a", "b"]:
            self.tool(label)

    def get_env(self, k: str):
        return os.getenv(k)

    def fetch(self, url: str):
        return requests.get(url)

    def helper(self, p: str):
        os.rmdir(p)
`,
	}
	got := toolCaps(scanTexts(t, files))
	want := map[string][]string{"get_env": {"system.env"}, "fetch": {"network.client"}}
	wantToolCaps(t, got, want, true)
}
