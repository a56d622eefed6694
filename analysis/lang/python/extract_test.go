package python

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

func callKeys(f *facts.File) map[string]facts.Call {
	m := map[string]facts.Call{}
	for _, c := range f.Calls {
		k := c.Module + "." + c.Member
		if c.Member == "" {
			k = c.Module
		}
		if c.Access {
			k = "access:" + k
		}
		if _, dup := m[k]; !dup {
			m[k] = c
		}
	}
	return m
}

// TestSymbols checks that bindings, not text, decide the canonical symbol.
func TestSymbols(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		want   []string // Module+"."+Member that must be called
		absent []string // that must not be
	}{
		{"import module", "import os\nos.path.exists(p)\n", []string{"os.path.exists"}, nil},
		{"import dotted binds first", "import os.path\nos.path.exists(p)\n", []string{"os.path.exists"}, nil},
		{"import as", "import os.path as osp\nosp.exists(p)\n", []string{"os.path.exists"}, nil},
		{"from import as", "from subprocess import run as r\nr(c)\n", []string{"subprocess.run"}, nil},
		{"reassigned module", "import subprocess\nsp = subprocess\nsp.run(c)\n", []string{"subprocess.run"}, nil},
		{"reassigned function", "import subprocess\nrun = subprocess.run\nrun(c)\n", []string{"subprocess.run"}, nil},
		{"getattr literal", "import os\ngetattr(os, 'system')(c)\n", []string{"os.system"}, nil},
		{"getattr constant", "import os\nN = 'system'\ngetattr(os, N)(c)\n", []string{"os.system"}, nil},
		{"builtins", "open(p)\neval(s)\n__import__(n)\n", []string{"builtins.open", "builtins.eval", "builtins.__import__"}, nil},
		{"shadowed builtin", "def open(p):\n    pass\nopen(x)\n", nil, []string{"builtins.open"}},
		{"parameter named exec", "def f(exec):\n    exec(x)\n", nil, []string{"builtins.exec"}},
		{"import in function", "def f():\n    import shutil\n    shutil.rmtree(p)\n", []string{"shutil.rmtree"}, nil},
		{"try import", "try:\n    import ujson as json\nexcept ImportError:\n    import json\njson.dumps(x)\n", []string{"json.dumps"}, nil},
		{"star import guesses nothing", "from os import *\nsystem(c)\n", nil, []string{"os.system"}},
		{"relative", "from .utils import run_cmd\nrun_cmd(c)\n", []string{".utils.run_cmd"}, nil},
		{"relative module", "from . import helpers\nhelpers.go(c)\n", []string{".helpers.go"}, nil},
		{"project absolute", "from mypkg.utils import x\nx(c)\n", []string{"mypkg.utils.x"}, nil},
		{"importlib", "import importlib\nimportlib.import_module(n)\n", []string{"importlib.import_module"}, nil},
		{"importlib literal module", "import importlib\nm = importlib.import_module('os')\nm.remove(p)\n", []string{"os.remove"}, nil},
		{"session", "import requests\ns = requests.Session()\ns.get(u)\n", []string{"requests.Session().get"}, nil},
		{"with session", "import requests\nwith requests.Session() as s:\n    s.get(u)\n", []string{"requests.Session().get"}, nil},
		{"client subscripts", "from pymongo import MongoClient\nc = MongoClient(u)\nc[db][coll].find(q)\nc['app'].users.insert_one(d)\n",
			[]string{"pymongo.MongoClient().[].[].find", "pymongo.MongoClient().[].users.insert_one"}, nil},
		{"subscript of a module member is no instance", "import sys\nsys.argv[1].strip()\nsys.modules['x'].run()\n",
			nil, []string{"sys.argv.[].strip", "sys.modules.[].run"}},
		{"attribute reset to None elsewhere", "import asyncpg\nclass Db:\n    def __init__(self):\n        self.pool = None\n    async def connect(self, dsn):\n        self.pool = await asyncpg.create_pool(dsn)\n    async def close(self):\n        self.pool = None\n    async def rows(self, q):\n        return await self.pool.fetch(q)\n", []string{"asyncpg.create_pool().fetch"}, nil},
		{"async with", "import httpx\nasync def f(u):\n    async with httpx.AsyncClient() as client:\n        await client.get(u)\n", []string{"httpx.AsyncClient().get"}, nil},
		{"aiohttp nested", "import aiohttp\nasync def f(u):\n    async with aiohttp.ClientSession() as session:\n        async with session.get(u) as r:\n            pass\n", []string{"aiohttp.ClientSession().get"}, nil},
		{"await connect", "import asyncpg\nasync def f(d):\n    conn = await asyncpg.connect(d)\n    await conn.fetch(q)\n", []string{"asyncpg.connect().fetch"}, nil},
		{"path instance", "from pathlib import Path\np = Path(x)\np.read_text()\n", []string{"pathlib.Path().read_text"}, nil},
		{"path div", "from pathlib import Path\n(Path(x) / 'a').unlink()\n", []string{"pathlib.Path().unlink"}, nil},
		{"path home", "from pathlib import Path\nc = Path.home() / '.config'\nc.mkdir()\n", []string{"pathlib.Path().mkdir"}, nil},
		{"path parent", "from pathlib import Path\nPath(__file__).parent.joinpath('x').read_bytes()\n", []string{"pathlib.Path().read_bytes"}, nil},
		{"self attribute", "import httpx\nclass C:\n    def m(self, u):\n        return self.client.get(u)\n    def __init__(self):\n        self.client = httpx.AsyncClient()\n", []string{"httpx.AsyncClient().get"}, nil},
		{"annotated attribute", "import httpx\nclass C:\n    client: httpx.AsyncClient\n    def m(self, u):\n        self.client.get(u)\n", []string{"httpx.AsyncClient().get"}, nil},
		{"annotated param", "import requests\ndef f(s: requests.Session):\n    s.get(u)\n", []string{"requests.Session().get"}, nil},
		{"global client", "import httpx\nclient = None\ndef init():\n    global client\n    client = httpx.Client()\ndef get(u):\n    return client.get(u)\n", []string{"httpx.Client().get"}, nil},
		{"helper return", "import boto3\ndef f(b):\n    get_client().put_object(Bucket=b)\n    c = get_client()\n    c.delete_object(Bucket=b)\ndef get_client():\n    return boto3.client('s3')\n", []string{"boto3.client().put_object", "boto3.client().delete_object"}, nil},
		{"lazy global factory", "import httpx\n_client = None\nasync def f(u):\n    return await get_client().get(u)\ndef get_client():\n    global _client\n    if _client is None:\n        _client = httpx.AsyncClient()\n    return _client\n", []string{"httpx.AsyncClient().get"}, nil},
		{"method return", "import httpx\nclass A:\n    def g(self, u):\n        return self.client().get(u)\n    def client(self):\n        return httpx.Client()\n", []string{"httpx.Client().get"}, nil},
		{"property", "import httpx\nclass A:\n    @property\n    def client(self):\n        return httpx.Client()\n    def g(self, u):\n        return self.client.get(u)\n", []string{"httpx.Client().get"}, nil},
		{"attribute from helper", "import requests\nclass A:\n    def __init__(self):\n        self.session = self._make()\n    def g(self, u):\n        return self.session.get(u)\n    def _make(self):\n        s = requests.Session()\n        return s\n", []string{"requests.Session().get"}, nil},
		{"contextmanager yield", "import contextlib, psycopg\n@contextlib.contextmanager\ndef conn():\n    c = psycopg.connect(d)\n    yield c\ndef f(q):\n    with conn() as c:\n        c.execute(q)\n", []string{"psycopg.connect().execute"}, nil},
		{"instance of local class returned", "import subprocess\nclass P:\n    def __init__(self, c):\n        self.proc = subprocess.Popen(c)\n    def stop(self):\n        self.proc.kill()\ndef make(c):\n    return P(c)\ndef f(c):\n    make(c).stop()\n", []string{"subprocess.Popen().kill"}, nil},
		{"self process handle", "import subprocess\nclass P:\n    def stop(self):\n        self.proc.kill()\n        self.proc.stdin.write(b'x')\n    def start(self, c):\n        self.proc = subprocess.Popen(c)\n", []string{"subprocess.Popen().kill", "subprocess.Popen().stdin.write"}, nil},
		{"asyncio process", "import asyncio\nasync def f(c):\n    proc = await asyncio.create_subprocess_exec(c)\n    out, err = await proc.communicate()\n    proc.kill()\n", []string{"asyncio.create_subprocess_exec().communicate", "asyncio.create_subprocess_exec().kill"}, nil},
		{"module singleton", "import redis\nr = redis.Redis(host='x')\ndef f(k):\n    return r.get(k)\n", []string{"redis.Redis().get"}, nil},
		{"conn cursor", "import sqlite3\nclass D:\n    def __init__(self, p):\n        self.conn = sqlite3.connect(p)\n    def q(self, s):\n        self.conn.cursor().execute(s)\n", []string{"sqlite3.connect().cursor().execute"}, nil},
		{"two factories cancel", "import httpx, requests\ndef mk(a):\n    if a:\n        return httpx.Client()\n    return requests.Session()\ndef f(u):\n    mk(1).get(u)\n", nil, []string{"httpx.Client().get", "requests.Session().get"}},
		{"dict attribute get", "class A:\n    def __init__(self):\n        self.items = {}\n    def g(self, k):\n        return self.items.get(k)\n", nil, []string{"builtins.dict().get"}},
		{"kill on a local object", "class Game:\n    def kill(self, who):\n        pass\ndef board():\n    return Game()\ndef f(w):\n    board().kill(w)\n", nil, []string{"subprocess.Popen().kill", "os.kill"}},
		{"helper returning a string", "import os\ndef name():\n    return 'x'\ndef f():\n    name().upper()\n", nil, []string{"os.upper"}},
		{"environ", "import os\nos.environ['X']\n", []string{"access:os.environ"}, nil},
		{"environ get", "import os\nos.environ.get('X')\nos.getenv('Y')\n", []string{"os.environ.get", "os.getenv"}, []string{"access:os.environ"}},
		{"re compile is re", "import re\nre.compile(p)\n", []string{"re.compile"}, []string{"builtins.compile"}},
		{"cursor execute", "def f(cursor):\n    cursor.execute(sql)\n", nil, []string{"builtins.exec"}},
		{"strings are not calls", "x = 'os.system(1)'\n# os.system(2)\n'''subprocess.run()'''\n", nil, []string{"os.system", "subprocess.run"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := extractSrc(t, "t.py", []byte(tc.src))
			got := callKeys(f)
			for _, w := range tc.want {
				if _, ok := got[w]; !ok {
					t.Errorf("missing %s; got %v", w, keys(got))
				}
			}
			for _, a := range tc.absent {
				if _, ok := got[a]; ok {
					t.Errorf("unexpected %s", a)
				}
			}
			if len(tc.want) == 0 && len(got) > 0 && len(tc.absent) > 0 {
				for k, c := range got {
					if c.Module == "builtins" || c.Module == "os" || c.Module == "subprocess" {
						t.Errorf("look-alike produced library call %s", k)
					}
				}
			}
		})
	}
}

func keys(m map[string]facts.Call) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestArgs checks argument facts: order, keywords, literal values, taint.
func TestArgs(t *testing.T) {
	src := `import subprocess, os, requests
BASE = "https://api.example.com"
def f(args, arguments: dict, *rest, **kw):
    subprocess.run(["git", "status"], cwd=args.root, check=True)
    requests.get(BASE + "/v1/" + args.id, timeout=3.5)
    requests.get(f"{BASE}/items/{args.id}")
    requests.post("a" "b", json={"q": arguments["query"], "n": -1})
    os.system(arguments.get("cmd"))
    subprocess.call(*rest, **kw)
`
	f := extractSrc(t, "t.py", []byte(src))
	byLine := map[int]facts.Call{}
	for _, c := range f.Calls {
		byLine[c.Span.Start.Line+1] = c
	}
	run := byLine[4]
	if len(run.Args) != 3 || len(run.Args[0].Elems) != 2 || run.Args[0].Elems[1].Value != "status" {
		t.Fatalf("run args = %+v", run.Args)
	}
	if run.Args[1].Name != "cwd" || len(run.Args[1].Refs) != 1 || run.Args[1].Refs[0].Path[0] != "root" || run.Args[1].Refs[0].Fn != 1 {
		t.Errorf("cwd arg = %+v", run.Args[1])
	}
	if run.Args[2].Name != "check" || run.Args[2].Value != "True" {
		t.Errorf("check arg = %+v", run.Args[2])
	}
	get := byLine[5]
	if a := get.Args[0]; !a.Known || !a.Prefix || a.Value != "https://api.example.com/v1/" {
		t.Errorf("concat arg = %+v", a)
	}
	if a := get.Args[1]; a.Name != "timeout" || a.Number != "3.5" {
		t.Errorf("timeout arg = %+v", a)
	}
	if a := byLine[6].Args[0]; !a.Prefix || a.Value != "https://api.example.com/items/" || len(a.Refs) != 1 {
		t.Errorf("f-string arg = %+v", a)
	}
	post := byLine[7]
	if a := post.Args[0]; a.Value != "ab" || a.Prefix {
		t.Errorf("implicit concat = %+v", a)
	}
	if p := post.Args[1].Props; p["q"].Refs[0].Param != 1 || p["q"].Refs[0].Path[0] != "query" || p["n"].Number != "-1" {
		t.Errorf("props = %+v", p)
	}
	if a := byLine[8].Args[0]; len(a.Refs) != 1 || a.Refs[0].Param != 1 || a.Refs[0].Path[0] != "cmd" {
		t.Errorf("arguments.get arg = %+v", a)
	}
	if c := byLine[9]; !c.Spread || c.Args[1].Name != "**" {
		t.Errorf("spread call = %+v", c)
	}
}

// TestTools checks each registration form.
func TestTools(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // "name sdk handlerName inputs"
	}{
		{"decorator call", "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\n@mcp.tool()\ndef read(path: str):\n    pass\n",
			[]string{"read python-sdk read [0:path]"}},
		{"decorator bare fastmcp", "from fastmcp import FastMCP\nserver = FastMCP('x')\n@server.tool\ndef a(x, ctx: Context):\n    pass\n",
			[]string{"a fastmcp a [0:x]"}},
		{"decorator name kw", "from fastmcp import FastMCP\napp = FastMCP('x')\n@app.tool(name='renamed')\ndef a(x):\n    pass\n",
			[]string{"renamed fastmcp a [0:x]"}},
		{"name constant", "from fastmcp import FastMCP\nN = 'n1'\napp = FastMCP('x')\n@app.tool(name=N)\ndef a():\n    pass\n",
			[]string{"n1 fastmcp a []"}},
		{"add_tool", "from mcp.server.fastmcp import FastMCP\nm = FastMCP('x')\ndef w(p, c):\n    pass\nm.add_tool(w, name='write')\n",
			[]string{"write python-sdk w [0:p 1:c]"}},
		{"tool()(fn)", "from mcp.server.fastmcp import FastMCP\nm = FastMCP('x')\ndef d(p):\n    pass\nm.tool()(d)\n",
			[]string{"d python-sdk d [0:p]"}},
		{"server held in self", "import mcp.server.fastmcp as fm\nclass S:\n    def __init__(self):\n        self.mcp = fm.FastMCP('x')\n    def reg(self):\n        @self.mcp.tool()\n        def t(a):\n            pass\n",
			[]string{"t python-sdk t [0:a]"}},
		{"tool(fn) direct", "from fastmcp import FastMCP\nm = FastMCP('x')\ndef d(p):\n    pass\nm.tool(d, name='del')\n",
			[]string{"del fastmcp d [0:p]"}},
		{"unknown receiver", "from .server import mcp\n@mcp.tool()\ndef t(a):\n    pass\n", []string{"t fastmcp t [0:a]"}},
		{"pydantic-ai is not mcp", "from pydantic_ai import Agent\nagent = Agent('m')\n@agent.tool\ndef t(a):\n    pass\n", nil},
		{"low-level if", "from mcp.server import Server\ns = Server('x')\n@s.call_tool()\nasync def h(name, arguments):\n    if name == 'a':\n        pass\n    elif name == 'b':\n        pass\n",
			[]string{"a python-lowlevel case a [1]", "b python-lowlevel case b [1]"}},
		{"low-level in tuple", "from mcp.server import Server\ns = Server('x')\n@s.call_tool()\nasync def h(name, arguments):\n    if name in ('a', 'b'):\n        pass\n",
			[]string{"a python-lowlevel case a [1]", "b python-lowlevel case a [1]"}},
		{"fastmcp subclass self.tool in a setup method", "from fastmcp import FastMCP\nclass S(FastMCP):\n    def setup(self):\n        def find(q):\n            pass\n        wrapped = wrap(find)\n        self.tool(wrapped, name='find-x')\n        self.add_tool(find)\n",
			[]string{"find-x fastmcp find [0:q]", "find fastmcp find [0:q]"}},
		{"instance of a fastmcp subclass of the file", "from mcp.server import FastMCP\nclass W(FastMCP):\n    pass\nmcp = W('x')\n@mcp.tool()\ndef t(a):\n    pass\n",
			[]string{"t python-sdk t [0:a]"}},
		{"subclass through a base of the file", "import fastmcp\nclass B(fastmcp.FastMCP):\n    pass\nclass W(B):\n    def __init__(self):\n        self.tool(self.t, name='tt')\n    def t(self, a):\n        pass\n",
			[]string{"tt fastmcp t [1:a]"}},
		{"plain class with a tool method is not mcp", "class Reg:\n    def tool(self, f=None, name=None):\n        return f\n    def setup(self):\n        self.tool(self.setup, name='x')\nr = Reg()\n@r.tool()\ndef t(a):\n    pass\n", nil},
		{"subclass of another library class is not mcp", "from starlette.routing import Router\nclass R(Router):\n    def setup(self):\n        def h(q):\n            pass\n        self.add_tool(h)\n", nil},
		{"server class named FastMCP from another package", "from core.srv import AcmeFastMCP\nfrom core.tools import scan\nmcp = AcmeFastMCP('x')\nmcp.add_tool(scan, description='d')\n",
			[]string{"scan fastmcp - []"}},
		{"server object from an absolute module", "from pkg.server import mcp\n@mcp.tool()\ndef t(a):\n    pass\n", []string{"t fastmcp t [0:a] via:pkg.server"}},
		{"library instance from an absolute module", "from agents_lib import Agent\na = Agent()\n@a.tool()\ndef t(a):\n    pass\n", nil},
		{"own tool decorator", "from pkg.registry import tool\n@tool('x_y', annotations={'readOnlyHint': True})\ndef t(a):\n    pass\n@tool\ndef u(b):\n    pass\n@tool(name='named')\ndef v(c):\n    pass\n",
			[]string{"x_y fastmcp t [0:a] via:pkg.registry", "u fastmcp u [0:b] via:pkg.registry", "named fastmcp v [0:c] via:pkg.registry"}},
		{"own tool decorator, relative", "from .rpc import tool\n@tool\ndef t(a):\n    pass\n", []string{"t fastmcp t [0:a]"}},
		{"a local tool function is no registration", "def tool(f):\n    return f\n@tool\ndef t(a):\n    pass\n@tooling\ndef u(a):\n    pass\n", nil},
		{"typing.Any server parameter", "from typing import Any\ndef register(mcp: Any):\n    @mcp.tool()\n    def t(a):\n        pass\n", []string{"t fastmcp t [0:a]"}},
		{"a typed non-server parameter", "from pydantic_ai import Agent\ndef register(agent: Agent):\n    @agent.tool()\n    def t(a):\n        pass\n", nil},
		{"variable handler has no name", "from fastmcp import FastMCP\nmcp = FastMCP('x')\ndef reg(fns):\n    for fn in fns:\n        mcp.tool()(fn)\n", []string{"expr:fn.__name__ fastmcp - []"}},
		{"loop over a literal tuple of functions", "from fastmcp import FastMCP\nmcp = FastMCP('x')\ndef a(p):\n    pass\ndef b(q):\n    pass\nfor fn in (a, b):\n    mcp.tool()(fn)\n",
			[]string{"a fastmcp a [0:p]", "b fastmcp b [0:q]"}},
		{"loop over a dict's items with name=", "from fastmcp import FastMCP\nmcp = FastMCP('x')\ndef a(p):\n    pass\nTOOLS = {'read': a, 'write': lambda q: q}\nfor name, fn in TOOLS.items():\n    mcp.add_tool(fn, name=name)\n",
			[]string{"read fastmcp a [0:p]", "write fastmcp  [0:q]"}},
		{"loop over pairs in a setup function, name positional", "def a(p):\n    pass\nNAME_B = 'bee'\ndef setup(server):\n    specs = [('x', a), (NAME_B, a)]\n    for n, h in specs:\n        server.tool(n)(h)\n",
			[]string{"x fastmcp a [0:p]", "bee fastmcp a [0:p]"}},
		{"loop over a list the code does not spell out", "from fastmcp import FastMCP\nmcp = FastMCP('x')\ndef reg(fns):\n    for fn in list(fns):\n        mcp.tool()(fn)\n", []string{"expr:fn.__name__ fastmcp - []"}},
		{"loop over literals registering nothing", "from fastmcp import FastMCP\nmcp = FastMCP('x')\nfor fn in ('a', 'b'):\n    print(fn)\n", nil},
		{"Tool.from_function inline", "from fastmcp import FastMCP\nfrom fastmcp.tools import FunctionTool, Tool\nmcp = FastMCP('x')\ndef a(p):\n    pass\nmcp.add_tool(FunctionTool.from_function(a, tags={'t'}))\nmcp.add_tool(Tool.from_function(a, name='aa'))\nmcp.add_tool(Prompt.from_function(a))\n",
			[]string{"a fastmcp a [0:p]", "aa fastmcp a [0:p]"}},
		{"lambda without a name", "from fastmcp import FastMCP\nmcp = FastMCP('x')\nmcp.add_tool(lambda q: q)\n", []string{"expr:<lambda> fastmcp  [0:q]"}},
		{"tool object made by a library call", "from fastmcp.tools import Tool\nfrom fastmcp import FastMCP\nmcp = FastMCP('x')\ndef a(p):\n    pass\nt = Tool.from_function(a, name='made')\nmcp.add_tool(t)\nu = Tool.from_function(a)\nmcp.add_tool(u)\n",
			[]string{"made fastmcp a [0:p]", "expr:u.name fastmcp a [0:p]"}},
		{"loop over instances of tool classes", "from fastmcp import FastMCP\nmcp = FastMCP('x')\nclass Base:\n    name = ''\nclass R(Base):\n    name = 'read'\n    def run(self, p):\n        pass\nclass W(Base):\n    name = 'write'\n    def run(self, q):\n        pass\nfor t in [R(), W]:\n    mcp.add_tool(t.run, name=t.name)\n",
			[]string{"read fastmcp run [1:p]", "write fastmcp run [1:q]"}},
		{"loop over instances without a literal name", "from fastmcp import FastMCP\nmcp = FastMCP('x')\nclass R:\n    def run(self, p):\n        pass\nfor t in [R()]:\n    mcp.add_tool(t.run, name=t.label)\n", []string{"expr:R().label fastmcp run [1:p]"}},
		{"self.name in a base class's register method", "class Base:\n    name = ''\n    def run(self, a):\n        pass\n    def register(self, server):\n        server.tool(name=self.name)(self.run)\nclass Ls(Base):\n    name = 'ls'\n    def run(self, path):\n        pass\nclass Cat(Base):\n    name = 'cat'\nclass Other:\n    name = 'not-a-tool'\n",
			[]string{"ls fastmcp run [1:path]", "cat fastmcp run [1:a]"}},
		{"self.name with no class giving it", "class Base:\n    def __init__(self, name):\n        self.name = name\n    def run(self, a):\n        pass\n    def register(self, server):\n        server.tool(name=self.name)(self.run)\n", []string{"expr:self.name fastmcp run [1:a]"}},
		{"low-level registry of tool class instances", "from mcp.server import Server\ns = Server('x')\nclass Base:\n    name = ''\nclass R(Base):\n    name = 'read'\n    async def execute(self, args):\n        pass\nclass W(Base):\n    name = 'write'\n    async def execute(self, args):\n        pass\nTOOLS = [R(), W()]\nMAP = {t.name: t for t in TOOLS}\n@s.call_tool()\nasync def h(name, arguments):\n    tool = MAP.get(name)\n    if tool is None:\n        raise ValueError(name)\n    return await tool.execute(arguments)\n",
			[]string{"read python-lowlevel execute [1]", "write python-lowlevel execute [1]"}},
		{"low-level registry dict of instances, called by subscript", "from mcp.server import Server\ns = Server('x')\nclass R:\n    def run(self, args):\n        pass\ndef w(args):\n    pass\n@s.call_tool()\nasync def h(name, arguments):\n    reg = {'read': R(), 'write': w}\n    return reg[name].run(arguments)\n",
			[]string{"read python-lowlevel run [1]", "write python-lowlevel - [0]"}},
		{"low-level registry filtered by a condition", "from mcp.server import Server\ns = Server('x')\nclass R:\n    name = 'r'\n    def run(self, args):\n        pass\nMAP = {t.name: t for t in [R()] if t.enabled}\n@s.call_tool()\nasync def h(name, arguments):\n    return MAP[name].run(arguments)\n", nil},
		{"a lookup by another key is no dispatch", "from mcp.server import Server\ns = Server('x')\ndef a(x):\n    pass\nMAP = {'a': a}\n@s.call_tool()\nasync def h(name, arguments):\n    return MAP[arguments['kind']](arguments)\n", nil},
		{"low-level dispatch by a loop over tool classes", "from mcp.server import Server\ns = Server('x')\nclass R:\n    name = 'read'\n    async def execute(self, args):\n        pass\nclass W:\n    name = 'write'\n    async def execute(self, args):\n        pass\nTOOLS = [R(), W()]\n@s.call_tool()\nasync def h(name, arguments):\n    for t in TOOLS:\n        if t.name == name:\n            return await t.execute(arguments)\n    raise ValueError(name)\n",
			[]string{"read python-lowlevel execute [1]", "write python-lowlevel execute [1]"}},
		{"a loop comparing another field is no dispatch", "from mcp.server import Server\ns = Server('x')\nclass R:\n    name = 'read'\n    async def execute(self, args):\n        pass\n@s.call_tool()\nasync def h(name, arguments):\n    for t in [R()]:\n        if t.name == arguments['kind']:\n            return await t.execute(arguments)\n", nil},
		{"f-string name of a module constant", "import os\nfrom fastmcp import FastMCP\nmcp = FastMCP('x')\nP = 'db'\nE = os.getenv('TOOL_PREFIX', 'pg')\n@mcp.tool(name=f'{P}_search')\ndef a(q):\n    pass\n@mcp.tool(name=f'{E}_query')\ndef b(q):\n    pass\n@mcp.tool(name=f'{P!r}_x')\ndef c(q):\n    pass\n",
			[]string{"db_search fastmcp a [0:q]", "expr:f'{E}_query' fastmcp b [0:q]", "expr:f'{P!r}_x' fastmcp c [0:q]"}},
		{"low-level enum match", "from enum import Enum\nclass T(str, Enum):\n    R = 'read'\n@server.call_tool()\nasync def h(name, arguments):\n    match name:\n        case T.R:\n            pass\n        case T.W.value:\n            pass\n",
			[]string{"read python-lowlevel case read [1]", "ref:T.W python-lowlevel case T.W [1]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := extractSrc(t, "t.py", []byte(tc.src))
			var got []string
			for _, tl := range f.Tools {
				name := tl.Name
				switch {
				case name == "" && tl.NameRef == "" && tl.NameExpr != "":
					name = "expr:" + tl.NameExpr
				case name == "":
					name = "ref:" + tl.NameRef
				}
				h := "-"
				if tl.Handler >= 0 {
					h = f.Functions[tl.Handler].Name
				}
				var in []string
				for _, x := range tl.Inputs {
					s := fmt.Sprint(x.Index)
					if x.Name != "" {
						s += ":" + x.Name
					}
					in = append(in, s)
				}
				line := fmt.Sprintf("%s %s %s [%s]", name, tl.SDK, h, strings.Join(in, " "))
				if tl.ViaModule != "" {
					line += " via:" + tl.ViaModule
				}
				got = append(got, line)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("tools:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestDispatchBranch checks that calls in a case body belong to the
// synthetic function and their taint names its parameters.
func TestDispatchBranch(t *testing.T) {
	src := "import os\nfrom mcp.server import Server\napp = Server('x')\n@app.call_tool()\nasync def h(name: str, arguments: dict):\n    if name == 'rm':\n        os.remove(arguments['path'])\n"
	f := extractSrc(t, "t.py", []byte(src))
	if len(f.Tools) != 1 {
		t.Fatalf("tools = %+v", f.Tools)
	}
	tl := f.Tools[0]
	var rm *facts.Call
	for i := range f.Calls {
		if f.Calls[i].Member == "remove" {
			rm = &f.Calls[i]
		}
	}
	if rm == nil || rm.Func != tl.Handler || tl.Dispatcher != 1 {
		t.Fatalf("remove call %+v, tool %+v", rm, tl)
	}
	r := rm.Args[0].Refs
	if len(r) != 1 || r[0].Fn != tl.Handler || r[0].Param != 1 || r[0].Path[0] != "path" {
		t.Errorf("refs = %+v", r)
	}
	if fn := f.Functions[tl.Handler]; fn.Name != "case rm" || fn.Parent != 1 || len(fn.Params) != 2 {
		t.Errorf("synthetic = %+v", fn)
	}
}

// TestClosureRefs: a closure's use of its parent's parameter names the parent.
func TestClosureRefs(t *testing.T) {
	src := "import subprocess\ndef outer(cmd):\n    def inner():\n        subprocess.run(cmd)\n    return inner\n"
	f := extractSrc(t, "t.py", []byte(src))
	if len(f.Calls) != 1 || f.Calls[0].Func != 2 {
		t.Fatalf("calls = %+v", f.Calls)
	}
	if r := f.Calls[0].Args[0].Refs; len(r) != 1 || r[0].Fn != 1 || r[0].Param != 0 {
		t.Errorf("refs = %+v", r)
	}
	if rs := f.Functions[1].Refs; len(rs) != 1 || rs[0].Func != 2 {
		t.Errorf("outer refs = %+v", rs)
	}
}

// TestBadInput: malformed, deep and odd input never panics and keeps spans in the text.
func TestBadInput(t *testing.T) {
	inputs := []string{
		"",
		"def",
		"((((((((((((((((((((",
		strings.Repeat("(", 5000) + "x" + strings.Repeat(")", 5000),
		strings.Repeat("x = ", 3000) + "1",
		"a" + strings.Repeat(".b()", 3000),
		strings.Repeat("if x:\n", 300) + "  pass\n",
		"\xff\xfe def f(:\n\tmatch x:\n case",
		"s = f'{a' + \"\"\"unterminated",
		"class A(B, metaclass=M):\n  x: int\n  def f(self): self.y = self\n",
		"@a.tool\n@b.call_tool()\nasync def h(name):\n  match name:\n    case 'x' if y:\n      pass\n",
		"lambda: (yield)",
		"print >>sys.stderr, 'x'\nexec 'code'\n",
	}
	for i, in := range inputs {
		src := []byte(in)
		f := extractSrc(t, fmt.Sprintf("bad%d.py", i), src)
		checkSpans(t, f, len(src))
	}
}

func checkSpans(t testing.TB, f *facts.File, n int) {
	t.Helper()
	bad := func(s source.Span) bool {
		return s.Start.Offset < 0 || s.End.Offset > n || s.Start.Offset > s.End.Offset
	}
	for _, c := range f.Calls {
		if bad(c.Span) || bad(c.CalleeSpan) {
			t.Fatalf("call span out of text: %+v", c)
		}
	}
	for _, fn := range f.Functions {
		if bad(fn.Span) || bad(fn.NameSpan) {
			t.Fatalf("function span out of text: %+v", fn)
		}
	}
	for _, s := range f.ParseErrors {
		if bad(s) {
			t.Fatalf("parse error span out of text: %+v", s)
		}
	}
	if len(f.ParseErrors) > maxParseErrors {
		t.Fatalf("%d parse errors, cap is %d", len(f.ParseErrors), maxParseErrors)
	}
	for _, tl := range f.Tools {
		if tl.Handler >= len(f.Functions) || tl.Dispatcher >= len(f.Functions) {
			t.Fatalf("tool refers past functions: %+v", tl)
		}
	}
}

// TestNilTree: a missing tree is an error, not a panic.
func TestNilTree(t *testing.T) {
	f, err := Extract("x.py", []byte("x"), nil)
	if err == nil || f == nil || len(f.Functions) != 1 {
		t.Fatalf("Extract(nil tree) = %+v, %v", f, err)
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"import os\nos.system(x)\n",
		"from mcp.server.fastmcp import FastMCP\nm = FastMCP('a')\n@m.tool()\ndef t(p: str):\n    open(p).read()\n",
		"@s.call_tool()\nasync def h(name, arguments):\n    match name:\n        case 'a':\n            os.remove(arguments['p'])\n",
		"class C:\n    def __init__(self):\n        self.c = httpx.Client()\n    def g(self, u):\n        return self.c.get(f'{u}/x')\n",
		"x = [y for y in z if (w := y)]\n# mcpriv-ignore: file.read -- ok\n",
		"def f(*args, **kwargs):\n    pass\nf(a, b, c, kw=1)\n",
		"class C:\n    def m(self, *a):\n        pass\n    def n(self):\n        self.m(1, 2, 3, x=1, a=2)\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if !utf8.Valid(src) && len(src) > 0 && src[0] == 0 {
			return
		}
		tree, err := parse.Parse(context.Background(), source.Python, src, nil)
		if err != nil {
			return
		}
		defer tree.Close()
		fa, err := Extract("f.py", src, tree)
		if err != nil {
			t.Fatalf("extract: %v", err)
		}
		checkSpans(t, fa, len(src))
	})
}

// TestLocalCallArgs: Args[i] is what the callee's parameter i receives.
func TestLocalCallArgs(t *testing.T) {
	src := `class S:
    def helper(self, path, mode="r"):
        pass
    @staticmethod
    def util(a, b):
        pass
    def run(self, p):
        self.helper(mode="w", path=p)
        S.util(b=p, a=1)
def free(x, y):
    pass
free(y=2, x=1, z=3)
`
	f := extractSrc(t, "t.py", []byte(src))
	got := map[string]string{}
	for _, fn := range f.Functions {
		for _, lc := range fn.LocalCalls {
			got[lc.Callee.Name] = argsStr(lc.Args)
		}
	}
	want := map[string]string{
		"helper": `(?<f3.p-1>, path=?<f3.p1>, mode="w")`,
		"util":   `(a=1, b=?<f3.p1>)`,
		"free":   `(x=1, y=2, z=3)`,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s args = %s, want %s", k, got[k], w)
		}
	}
}

// TestStarArgsKeywords is issue 14 item 12: more positional arguments than
// parameters plus a keyword, f(a, b, c, kw=1) with def f(*args, **kwargs),
// panicked in alignKeywords ("makeslice: cap out of range"), leaving the
// file half-extracted.
func TestStarArgsKeywords(t *testing.T) {
	src := `import os
def f(*args, **kwargs):
    os.system(args[0])
def g(a, *rest, b=None, **kw):
    pass
def tool(cmd):
    f(cmd, "b", "c", kw=1)
    f(1, 2, 3, 4, 5, args=6, kwargs=7)
    g(1, 2, 3, 4, b=cmd, z=2)
os.remove("/tmp/after")
`
	tree, err := parse.Parse(context.Background(), source.Python, []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	f, err := Extract("t.py", []byte(src), tree)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	calls := 0
	for _, fn := range f.Functions {
		for _, lc := range fn.LocalCalls {
			if lc.Callee.Name == "f" || lc.Callee.Name == "g" {
				calls++
			}
		}
	}
	if calls != 3 {
		t.Errorf("%d local calls to f and g, want 3", calls)
	}
	// The statement after the calls was extracted: the file is whole.
	found := false
	for _, c := range f.Calls {
		found = found || c.Module == "os" && c.Member == "remove"
	}
	if !found {
		t.Error("os.remove after the calls is missing")
	}
}

// TestRecv: calls on instances describe the instance (Call.Recv).
func TestRecv(t *testing.T) {
	src := `from pathlib import Path
import httpx
def f(name, body):
    (Path("/etc") / "hosts").read_text()
    t = Path.home() / ".config" / name
    t.write_text(body)
    c = httpx.Client(base_url="https://api.example.com", timeout=3)
    c.get("/v1")
`
	f := extractSrc(t, "t.py", []byte(src))
	want := map[string]string{
		"Path().read_text":  `"/etc/hosts"`,
		"Path().write_text": `"~/.config/"…<f1.p0>`,
		"Client().get":      `{base_url: "https://api.example.com", timeout: 3}`,
	}
	for _, c := range f.Calls {
		w, ok := want[c.Member]
		if !ok {
			continue
		}
		delete(want, c.Member)
		if c.Recv == nil {
			t.Errorf("%s: no Recv", c.Member)
			continue
		}
		got := argStr(*c.Recv)
		if c.Member == "Client().get" {
			r := *c.Recv
			r.Value, r.Known = "", false
			got = argStr(r)
			if c.Recv.Value != "https://api.example.com" {
				t.Errorf("client Recv value = %q", c.Recv.Value)
			}
		}
		if got != w {
			t.Errorf("%s: Recv = %s, want %s", c.Member, got, w)
		}
	}
	if len(want) > 0 {
		t.Errorf("calls not found: %v", want)
	}
}
