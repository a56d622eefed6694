package link

import (
	"slices"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/finding"
)

// toolCaps maps each tool of res to its capabilities.
func toolCaps(res *finding.Result) map[string][]string {
	got := map[string][]string{}
	for _, tl := range res.Tools {
		caps := []string{}
		for _, c := range tl.Capabilities {
			caps = append(caps, string(c))
		}
		got[tl.Name] = caps
	}
	return got
}

// wantToolCaps checks that each tool of want has exactly its capabilities
// in got and, when exact, that got holds no other tool.
func wantToolCaps(t *testing.T, got, want map[string][]string, exact bool) {
	t.Helper()
	if exact && len(got) != len(want) {
		t.Errorf("tools %v, want %v", got, want)
	}
	for name, caps := range want {
		if g, ok := got[name]; !ok || !slices.Equal(g, caps) {
			t.Errorf("tool %s: %v (found %v), want %v", name, g, ok, caps)
		}
	}
}

// What a server's lifespan yields (an instance, or a dict of clients) is
// what its tools read as ctx.request_context.lifespan_context: the methods
// they call on it are the instance's. Look-alikes stay without the
// capability: Starlette's router.lifespan_context, a file naming two
// lifespans, a generator that is no lifespan.
func TestPythonLifespanContext(t *testing.T) {
	files := map[string]string{
		"src/app/instance.py": `from contextlib import asynccontextmanager
import requests
from mcp.server.fastmcp import FastMCP, Context

class Connector:
    def __init__(self, url: str):
        self.url = url

    def search(self, q):
        return requests.get(self.url, params={"q": q})

class AppContext:
    def __init__(self, connector: Connector):
        self.connector = connector

@asynccontextmanager
async def lifespan(server: FastMCP):
    yield AppContext(Connector("https://api.example.com/search"))

mcp = FastMCP("a", lifespan=lifespan)

@mcp.tool()
def find(q: str, ctx: Context) -> str:
    connector = ctx.request_context.lifespan_context.connector
    return connector.search(q).text

@mcp.tool()
def echo(q: str) -> str:
    return q
`,
		"src/app/dict.py": `from contextlib import asynccontextmanager
import httpx
from mcp.server.fastmcp import FastMCP, Context

@asynccontextmanager
async def app_lifespan(server):
    client = httpx.AsyncClient()
    try:
        yield {"http": client, "name": "x"}
    finally:
        await client.aclose()

mcp = FastMCP("b", lifespan=app_lifespan)

@mcp.tool()
async def fetch(url: str, ctx: Context) -> str:
    r = await ctx.request_context.lifespan_context["http"].get(url)
    return r.text

@mcp.tool()
async def name_of(ctx: Context) -> str:
    return ctx.request_context.lifespan_context["name"].upper()
`,
		"src/app/twolifespans.py": `from contextlib import asynccontextmanager
import httpx
from mcp.server.fastmcp import FastMCP, Context

class Fake:
    def get(self, url):
        return None

@asynccontextmanager
async def one(server):
    yield {"http": httpx.AsyncClient()}

@asynccontextmanager
async def two(server):
    yield {"http": Fake()}

a = FastMCP("a", lifespan=one)
b = FastMCP("b", lifespan=two)

@b.tool()
async def which(url: str, ctx: Context) -> str:
    return ctx.request_context.lifespan_context["http"].get(url)
`,
		"src/app/starlette.py": `from contextlib import asynccontextmanager
import httpx
from mcp.server.fastmcp import FastMCP

@asynccontextmanager
async def lifespan(server):
    yield {"http": httpx.AsyncClient()}

mcp = FastMCP("c", lifespan=lifespan)

@mcp.tool()
async def router_state(app) -> str:
    state = app.router.lifespan_context["http"]
    return state.get("x")
`,
	}
	got := toolCaps(scanTexts(t, files))
	want := map[string][]string{
		"find": {"network.client"}, "echo": {}, "fetch": {"network.client"}, "name_of": {},
		"which": {}, "router_state": {},
	}
	wantToolCaps(t, got, want, true)
}

// `try: from .app import mcp` with `mcp = None` when the import fails, or
// `mcp = FastMCP(…)` with a stub of the file's own in the except clause: the
// tools decorated on mcp are still the server's. The same fallback around a
// library's object (an agent framework's helper) registers nothing, nor
// does the stub used alone.
func TestPythonServerImportFallback(t *testing.T) {
	files := map[string]string{
		"src/pkg/app.py": `from fastmcp import FastMCP
app = FastMCP("x")
`,
		"src/pkg/mouse.py": `import subprocess
try:
    from pkg.app import app
except ImportError:
    app = None

if app is not None:
    @app.tool()
    def run_it(cmd: str) -> str:
        return subprocess.check_output(cmd, shell=True)
`,
		"src/pkg/agent.py": `import subprocess
try:
    from somelib.agents import helper
except ImportError:
    helper = None

@helper.tool()
def not_a_tool(cmd: str) -> str:
    return subprocess.check_output(cmd, shell=True)
`,
		"src/pkg/stub.py": `import os
try:
    from mcp.server.fastmcp import FastMCP
except ImportError:
    FastMCP = None

class _Stub:
    def tool(self, **kw):
        return lambda f: f

try:
    mcp = FastMCP(name="m")
except TypeError:
    mcp = _Stub()

@mcp.tool(annotations=None)
def get_home() -> str:
    return os.environ["HOME"]

local = _Stub()

@local.tool()
def stub_only() -> str:
    return os.environ["HOME"]
`,
	}
	got := toolCaps(scanTexts(t, files))
	want := map[string][]string{"run_it": {"system.exec"}, "get_home": {"system.env"}}
	// A library's helper or the file's own stub registers nothing.
	wantToolCaps(t, got, want, true)
}
