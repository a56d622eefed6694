package link

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Python tools registered through names imported from other files: a server
// object made in another module, the project's own `@tool` decorator. They
// count only when that module is one of the project's files: the same
// spellings from a library (an agent framework's `@tool`, `helper.tool()`)
// stay silent.
func TestPythonProjectRegistrations(t *testing.T) {
	files := map[string]string{
		"src/pkg/server.py": `from fastmcp import FastMCP
mcp = FastMCP("x")
`,
		"src/pkg/registry.py": `def tool(name=None, **options):
    def decorate(fn):
        return fn
    return decorate
`,
		"src/pkg/tools/files.py": `import subprocess
from typing import Any
from pkg.server import mcp
from pkg.registry import tool
from langchain_core.tools import tool as lc_tool
from somelib.agents import helper

@mcp.tool()
def read_file(path: str) -> str:
    return open(path).read()

@tool("run_ls")
def run(args: str):
    subprocess.run(["ls", args])

@tool
def list_env():
    subprocess.run(["env"])

@lc_tool
def agent_tool(q: str):
    subprocess.run(["ls"])

@helper.tool()
def not_a_tool(q: str):
    subprocess.run(["ls"])

def register(server: Any):
    @server.tool()
    def ping() -> str:
        subprocess.run(["ping", "-c1", "localhost"])
        return "ok"
`,
	}
	res := scanTexts(t, files)
	got := map[string][]string{}
	for _, tl := range res.Tools {
		var caps []string
		for _, c := range tl.Capabilities {
			caps = append(caps, string(c))
		}
		got[tl.Name] = caps
	}
	want := map[string]string{"read_file": "file.read", "run_ls": "system.exec", "list_env": "system.exec", "ping": "system.exec"}
	if len(got) != len(want) {
		t.Errorf("tools %v, want %v", got, want)
	}
	for name, c := range want {
		if caps, ok := got[name]; !ok || !slices.Contains(caps, c) {
			t.Errorf("tool %s: capabilities %v (found %v), want %s", name, caps, ok, c)
		}
	}
	for _, silent := range []string{"agent_tool", "not_a_tool"} {
		if _, ok := got[silent]; ok {
			t.Errorf("%s is reported as a tool: a library's `tool` is not the project's registration", silent)
		}
	}
	for name := range got {
		if strings.Contains(name, "unresolved") {
			t.Errorf("unresolved tool %q", name)
		}
	}
}

// A Python name imported from a package that only re-exports it (its
// __init__ imports it from a submodule), and methods of project classes
// constructed from another file, reach the code that defines them.
func TestPythonReexportsAndClassMethods(t *testing.T) {
	files := map[string]string{
		"src/pkg/__init__.py":       "from .utils.shell import run_shell\nfrom .client import Fetcher\n",
		"src/pkg/utils/__init__.py": "from .files import read_any as read_it\n",
		"src/pkg/utils/shell.py":    "import subprocess\n\ndef run_shell(cmd):\n    return subprocess.run(cmd, shell=True)\n",
		"src/pkg/utils/files.py":    "def read_any(p):\n    return open(p).read()\n",
		"src/pkg/client.py": `import requests

class Fetcher:
    def __init__(self, base):
        self.base = base
        self.session = requests.Session()

    def get(self, path):
        return self.session.get(self.base + path)

    def size(self, path):
        return len(path)
`,
		"src/pkg/server.py": `from fastmcp import FastMCP
from pkg import run_shell, Fetcher
from .utils import read_it
from .client import Fetcher as Direct
from . import run_shell as rs, Fetcher as Pkg

mcp = FastMCP("x")

class Service:
    def __init__(self):
        self.fetcher = Pkg("https://api.example.com")

    def fetch(self, p):
        return self.fetcher.get(p)

svc = Service()

@mcp.tool()
def from_package(c: str):
    return rs(c)

@mcp.tool()
def through_attribute(p: str):
    return svc.fetch(p)

@mcp.tool()
def shell(cmd: str):
    return run_shell(cmd)

@mcp.tool()
def read(p: str):
    return read_it(p)

@mcp.tool()
def fetch(p: str):
    return Fetcher("https://api.example.com").get(p)

@mcp.tool()
def fetch_direct(p: str):
    return Direct("https://api.example.com").get(p)

@mcp.tool()
def size(p: str):
    return Direct("https://api.example.com").size(p)
`,
	}
	res := scanTexts(t, files)
	got := map[string]string{}
	for _, tl := range res.Tools {
		var caps []string
		for _, c := range tl.Capabilities {
			caps = append(caps, string(c))
		}
		got[tl.Name] = strings.Join(caps, ",")
	}
	want := map[string]string{"shell": "system.exec", "read": "file.read", "fetch": "network.client", "fetch_direct": "network.client", "size": "",
		"from_package": "system.exec", "through_attribute": "network.client"}
	for name, caps := range want {
		if g, ok := got[name]; !ok || g != caps {
			t.Errorf("tool %s: capabilities %q (found %v), want %q", name, g, ok, caps)
		}
	}
}

// Tool names spelled through a module and an Enum of another file
// (names.ToolName.RUN, ToolName.READ.value) resolve to the member's value.
func TestPythonQualifiedEnumNames(t *testing.T) {
	files := map[string]string{
		"pkg/__init__.py": "",
		"pkg/names.py":    "from enum import Enum\n\nclass ToolName(str, Enum):\n    READ = \"read_file\"\n    RUN = \"run\"\n\nRUN = \"not-this-one\"\n",
		"pkg/server.py": `import subprocess
from fastmcp import FastMCP
from . import names
from .names import ToolName

mcp = FastMCP("x")

@mcp.tool(name=names.ToolName.RUN)
def run(c: str):
    subprocess.run(c)

@mcp.tool(name=ToolName.READ.value)
def read(p: str):
    return open(p).read()
`,
	}
	res := scanTexts(t, files)
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
	}
	slices.Sort(names)
	if want := []string{"read_file", "run"}; !slices.Equal(names, want) {
		t.Errorf("tools %q, want %q", names, want)
	}
}

// A tool function imported from another module and registered with
// mcp.add_tool(fn) runs that module's code; a method called on what a
// project function returns (get_client().list_items()) runs the method of
// the class the function is annotated to return, also when that class is
// imported from a third module.
func TestPythonAddToolImportedAndReturnedClients(t *testing.T) {
	files := map[string]string{
		"packages/core/src/core/client.py": `import httpx

class ApiClient:
    async def list_items(self):
        async with httpx.AsyncClient() as c:
            return await c.get("https://api.example.com/items")

    def size(self):
        return 1
`,
		"packages/core/src/core/utils.py": `from .client import ApiClient

_client = None

def get_client() -> ApiClient:
    global _client
    if _client is None:
        _client = ApiClient()
    return _client
`,
		"packages/core/src/core/tools/list_items.py": `from core.utils import get_client

async def list_items():
    return await get_client().list_items()
`,
		"packages/core/src/core/tools/count.py": `from core.utils import get_client

def count():
    client = get_client()
    return client.size()
`,
		"packages/dev/src/dev/server.py": `from mcp.server.fastmcp import FastMCP
from core.tools.list_items import list_items
from core.tools.count import count

mcp = FastMCP("x")
mcp.add_tool(list_items, description="d")
mcp.add_tool(count)
`,
	}
	res := scanTexts(t, files)
	got := map[string][]string{}
	for _, tl := range res.Tools {
		got[tl.Name] = []string{}
		for _, c := range tl.Capabilities {
			got[tl.Name] = append(got[tl.Name], string(c))
		}
	}
	want := map[string][]string{"list_items": {"network.client"}, "count": {}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tools %v, want %v", got, want)
	}
}
