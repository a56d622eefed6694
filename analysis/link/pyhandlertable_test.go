package link

import (
	"testing"
)

// A low-level call_tool dispatching through a dict of handlers another
// module defines: each tool list_tools declares is handled by the entry of
// its name. A name the dict lacks keeps the dispatcher's code only; a dict
// from a library resolves no handler.
func TestPythonImportedHandlerTable(t *testing.T) {
	files := map[string]string{
		"src/srv/handlers.py": `import subprocess

def do_read(args):
    return open(args["path"]).read()

def do_run(args):
    return subprocess.run(args["cmd"], shell=True)

HANDLERS = {"read": do_read, "run": do_run}
`,
		"src/srv/server.py": `from mcp.server import Server
from mcp.types import Tool
from .handlers import HANDLERS

server = Server("y")

@server.list_tools()
async def list_tools():
    return [Tool(name="read", inputSchema={}), Tool(name="run", inputSchema={}), Tool(name="missing", inputSchema={})]

@server.call_tool()
async def call_tool(name, arguments):
    handler = HANDLERS.get(name)
    if handler is None:
        raise ValueError(name)
    return await handler(arguments)
`,
		"src/lib/server.py": `from mcp.server import Server
from mcp.types import Tool
from somelib.registry import HANDLERS

server = Server("z")

@server.list_tools()
async def list_tools():
    return [Tool(name="lib_tool", inputSchema={})]

@server.call_tool()
async def call_tool(name, arguments):
    return await HANDLERS[name](arguments)
`,
	}
	res := scanTexts(t, files)
	got := toolCaps(res)
	want := map[string][]string{"read": {"file.read"}, "run": {"system.exec"}, "missing": {}, "lib_tool": {}}
	wantToolCaps(t, got, want, true)
	for _, f := range res.Findings {
		if f.API == "subprocess.run" && !f.Tainted {
			t.Errorf("subprocess.run untainted: the entry receives the tool's arguments")
		}
	}
}

// One tool's code calling the function another tool is registered with
// runs that function: summary() gets read_config()'s capability. A
// dispatcher's lookups still reach each handler for its own tool only.
func TestPythonToolCallsAnotherTool(t *testing.T) {
	files := map[string]string{
		"src/s.py": `import os, subprocess
from mcp.server.fastmcp import FastMCP
mcp = FastMCP("s")

@mcp.tool()
def read_config(path: str) -> str:
    return open(path).read()

@mcp.tool()
def summary(path: str) -> str:
    return read_config(path)[:100]
`,
		"src/low.py": `import os, subprocess
from mcp.server import Server
server = Server("l")

def ls(args):
    return subprocess.run(["ls"])

def env(args):
    return os.environ.get(args["k"])

TABLE = {"ls": ls, "env": env}

@server.call_tool()
async def call_tool(name, arguments):
    return await TABLE[name](arguments)
`,
	}
	got := toolCaps(scanTexts(t, files))
	want := map[string][]string{"read_config": {"file.read"}, "summary": {"file.read"}, "ls": {"system.exec"}, "env": {"system.env"}}
	wantToolCaps(t, got, want, true)
}
