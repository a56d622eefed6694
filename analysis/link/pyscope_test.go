package link

import (
	"testing"

	"github.com/mcpriv/mcpriv/analysis/capability"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// TestPyScopes: the Python forms that carry a literal host to a call
// (issue 15), and the look-alikes whose scope must stay open: a value the
// model chooses (tool input), an environment variable with no default, a
// value a setter or another function may change.
func TestPyScopes(t *testing.T) {
	const tool = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"s\")\n"
	for _, tc := range []struct {
		name   string
		texts  map[string]string
		file   string
		marker string
		want   wantScope
		env    string // finding.ScopeEnv
	}{
		// Class and instance attributes.
		{"class attribute via self", map[string]string{"s.py": `import requests
class C:
    BASE_URL = "https://api.example.com"
    def get(self, p):
        return requests.get(f"{self.BASE_URL}/v1/{p}")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, ""},
		{"class attribute via class name", map[string]string{"s.py": `import requests
class C:
    BASE_URL = "https://api.example.com"
    def get(self, p):
        return requests.get(C.BASE_URL + "/v1/" + p)  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, ""},
		{"class attribute via cls", map[string]string{"s.py": `import requests
class C:
    BASE_URL = "https://api.example.com"
    @classmethod
    def get(cls, p):
        return requests.get(cls.BASE_URL + "/v1/" + p)  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, ""},
		{"instance attribute with env default", map[string]string{"s.py": `import os, requests
class C:
    def __init__(self):
        self.base_url = os.getenv("API_URL", "https://api.example.com")
    def get(self, p):
        return requests.get(f"{self.base_url}/v1/{p}")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, "API_URL"},
		{"instance attribute with env or default", map[string]string{"s.py": `import os, requests
class C:
    def __init__(self):
        self.base_url = os.environ.get("API_URL") or "https://api.example.com"
    def get(self, p):
        return requests.get(self.base_url + "/v1/" + p)  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, "API_URL"},
		{"instance attribute with or default", map[string]string{"s.py": `import requests
class C:
    def __init__(self, base_url=None):
        self.base_url = base_url or "https://api.example.com"
    def get(self, p):
        return requests.get(self.base_url + "/v1/" + p)  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com", dynamic: true}, ""},
		{"instance attribute with urljoin", map[string]string{"s.py": `import requests
from urllib.parse import urljoin
class C:
    def __init__(self):
        self.base_url = "https://api.example.com/"
    def get(self):
        return requests.get(urljoin(self.base_url, "v1/x"))  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, ""},
		{"instance attribute a setter reassigns keeps \"*\"", map[string]string{"s.py": `import requests
class C:
    def __init__(self):
        self.base_url = "https://api.example.com"
    def get(self, p):
        return requests.get(f"{self.base_url}/v1/{p}")  # here
    def set_url(self, u):
        self.base_url = u
`}, "s.py", "# here", wantScope{scope: "api.example.com", dynamic: true}, ""},
		{"instance attribute set to two literals stays open", map[string]string{"s.py": `import requests
class C:
    def __init__(self):
        self.base_url = "https://a.example.com"
    def get(self, p):
        return requests.get(f"{self.base_url}/v1/{p}")  # here
    def use_b(self):
        self.base_url = "https://b.example.com"
`}, "s.py", "# here", wantScope{}, ""},
		{"instance attribute set to None first", map[string]string{"s.py": `import requests
class C:
    def __init__(self):
        self.base_url = None
    def connect(self):
        self.base_url = "https://api.example.com"
    def get(self, p):
        return requests.get(f"{self.base_url}/v1/{p}")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, ""},
		{"instance attribute from env with no default stays open", map[string]string{"s.py": `import os, requests
class C:
    def __init__(self):
        self.base_url = os.getenv("API_URL")
    def get(self, p):
        return requests.get(f"{self.base_url}/v1/{p}")  # here
`}, "s.py", "# here", wantScope{}, ""},
		{"None, then a literal in a branch", map[string]string{"s.py": `import requests
def get(cond, p):
    url = None
    try:
        url = "https://api.example.com/v1/" + p
    except KeyError:
        pass
    return requests.get(url)  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, ""},
		{"a literal or a value that is not one", map[string]string{"s.py": `import requests
def get(cond, p):
    url = "https://api.example.com/v1"
    if cond:
        url = p
    return requests.get(url)  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com", dynamic: true}, ""},
		{"a function returning an env read with a default", map[string]string{"s.py": `import os, requests
def base_url():
    return os.getenv("API_URL", "https://api.example.com/").rstrip("/")
def get(p):
    return requests.get(f"{base_url()}/v1/{p}")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, "API_URL"},
		{"a stripped URL whose end is not known", map[string]string{"s.py": `import requests
def get(host, p):
    return requests.get(("https://api.example.com" + host).rstrip("/") + "/v1")  # here
`}, "s.py", "# here", wantScope{}, ""},
		{"a function returning a literal", map[string]string{"s.py": `import os, requests
def base_url():
    return os.getenv("API_URL", "https://api.example.com")
def get(p):
    return requests.get(base_url() + "/v1/" + p)  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, "API_URL"},
		{"a function returning its argument or a literal", map[string]string{"s.py": `import requests
def resolve(u=None):
    if u:
        return u
    return "https://api.example.com"
def get(u, p):
    return requests.get(f"{resolve(u)}/v1/{p}")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com", dynamic: true}, ""},
		{"a function returning two literals stays open", map[string]string{"s.py": `import requests
def pick(eu):
    if eu:
        return "https://eu.example.com"
    return "https://us.example.com"
def get(eu, p):
    return requests.get(f"{pick(eu)}/v1/{p}")  # here
`}, "s.py", "# here", wantScope{}, ""},
		{"urljoin with a reference the caller chooses stays open", map[string]string{"s.py": `import requests
from urllib.parse import urljoin
BASE = "https://api.example.com/"
def get(endpoint):
    return requests.get(urljoin(BASE, endpoint))  # here
`}, "s.py", "# here", wantScope{}, ""},

		// Clients configured with a base URL.
		{"httpx client with base_url", map[string]string{"s.py": `import httpx
client = httpx.Client(base_url="https://api.example.com")
def get(p):
    return client.get("/v1/x")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, ""},
		{"httpx async client in self", map[string]string{"s.py": `import httpx
class C:
    def __init__(self):
        self.client = httpx.AsyncClient(base_url="https://api.example.com")
    async def get(self, p):
        return await self.client.get(f"/v1/items/{p}")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, ""},
		{"async with client", map[string]string{"s.py": `import httpx
async def get(p):
    async with httpx.AsyncClient(base_url="https://api.example.com") as client:
        return await client.get("/v1/x")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, ""},
		{"client base_url from env with a default", map[string]string{"s.py": `import os, httpx
client = httpx.Client(base_url=os.getenv("API_URL", "https://api.example.com"))
def get(p):
    return client.get("/v1/x")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, "API_URL"},
		{"client with a base_url that falls back to a literal", map[string]string{"s.py": `import httpx
class C:
    def __init__(self, base=None):
        self.base = base or "https://api.example.com"
        self.client = httpx.Client(base_url=self.base)
    def get(self, p):
        return self.client.get(f"/v1/{p}")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com", dynamic: true}, ""},
		{"client with base_url, absolute URL at the call", map[string]string{"s.py": `import httpx
client = httpx.Client(base_url="https://api.example.com")
def get(p):
    return client.get("https://other.example.org/x")  # here
`}, "s.py", "# here", wantScope{scope: "other.example.org"}, ""},
		{"client with base_url, path from tool input stays open", map[string]string{"s.py": tool + `import httpx
client = httpx.AsyncClient(base_url="https://api.example.com")
@mcp.tool()
async def fetch(path: str) -> str:
    return (await client.get(path)).text  # here
`}, "s.py", "# here", wantScope{}, ""},
		{"client with base_url, network-path reference stays open", map[string]string{"s.py": `import httpx
client = httpx.Client(base_url="https://api.example.com")
def get(p):
    return client.get("//evil.example.net/x" + p)  # here
`}, "s.py", "# here", wantScope{}, ""},
		{"client with base_url from env with no default stays open", map[string]string{"s.py": `import os, httpx
client = httpx.Client(base_url=os.environ["API_URL"])
def get(p):
    return client.get("/v1/x")  # here
`}, "s.py", "# here", wantScope{}, ""},

		// Settings objects.
		{"pydantic settings field", map[string]string{"s.py": `import requests
from pydantic_settings import BaseSettings
class Settings(BaseSettings):
    api_url: str = "https://api.example.com"
settings = Settings()
def get(p):
    return requests.get(f"{settings.api_url}/v1/{p}")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, "API_URL"},
		{"pydantic settings field with env_prefix, imported singleton", map[string]string{
			"app/config.py": `from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ACME_")
    api_url: str = Field(default="https://api.example.com", description="API")
settings = Settings()
`,
			"app/client.py": `import httpx
from .config import settings
async def get(p):
    async with httpx.AsyncClient() as c:
        return await c.get(f"{settings.api_url}/v1/{p}")  # here
`}, "app/client.py", "# here", wantScope{scope: "api.example.com"}, "ACME_API_URL"},
		{"pydantic settings field with an alias", map[string]string{"s.py": `import requests
from pydantic import Field
from pydantic_settings import BaseSettings
class Settings(BaseSettings):
    class Config:
        env_prefix = "X_"
    base: str = Field("https://api.example.com", alias="SERVICE_URL")
def get(p):
    return requests.get(f"{Settings().base}/{p}")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, "SERVICE_URL"},
		{"dataclass field", map[string]string{"s.py": `import requests
from dataclasses import dataclass
@dataclass
class Config:
    api_url: str = "https://api.example.com"
config = Config()
def get(p):
    return requests.get(f"{config.api_url}/v1/{p}")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, ""},
		{"tool input model field with a default stays open", map[string]string{"s.py": tool + `import requests
from pydantic import BaseModel, Field
class Args(BaseModel):
    url: str = Field(default="https://api.example.com")
@mcp.tool()
def fetch(args: Args) -> str:
    return requests.get(args.url).text  # here
`}, "s.py", "# here", wantScope{}, ""},

		// Command-line options.
		{"argparse default", map[string]string{"s.py": `import argparse, requests
parser = argparse.ArgumentParser()
parser.add_argument("--api-url", default="https://api.example.com")
args = parser.parse_args()
def get(p):
    return requests.get(f"{args.api_url}/v1/{p}")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, "--api-url"},
		{"argparse default through a rebound global", map[string]string{"s.py": `import argparse, requests
from urllib.parse import urljoin
DEFAULT = "http://127.0.0.1:8080/"
server_url = DEFAULT
def get():
    return requests.get(urljoin(server_url, "methods"))  # here
def main():
    global server_url
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", type=str, default=DEFAULT)
    args = parser.parse_args()
    if args.server:
        server_url = args.server
`}, "s.py", "# here", wantScope{scope: "127.0.0.1:8080"}, "--server"},
		{"global rebound to a value that is not literal keeps \"*\"", map[string]string{"s.py": `import sys, requests
server_url = "http://127.0.0.1:8080/"
def get():
    return requests.get(server_url + "methods")  # here
def main():
    global server_url
    server_url = sys.argv[1]
`}, "s.py", "# here", wantScope{scope: "127.0.0.1:8080", dynamic: true}, ""},
		{"argparse option without a default stays open", map[string]string{"s.py": `import argparse, requests
parser = argparse.ArgumentParser()
parser.add_argument("--api-url")
args = parser.parse_args()
def get(p):
    return requests.get(f"{args.api_url}/v1/{p}")  # here
`}, "s.py", "# here", wantScope{}, ""},
		{"argparse options with two defaults stay open", map[string]string{"s.py": `import argparse, requests
a = argparse.ArgumentParser()
a.add_argument("--url", default="https://a.example.com")
b = argparse.ArgumentParser()
b.add_argument("--url", default="https://b.example.com")
args = a.parse_args()
def get(p):
    return requests.get(f"{args.url}/v1/{p}")  # here
`}, "s.py", "# here", wantScope{}, ""},

		// Module constants of other modules.
		{"module constant imported", map[string]string{
			"pkg/config.py": "API_URL = \"https://api.example.com\"\n",
			"pkg/s.py":      "import requests\nfrom .config import API_URL\ndef get(p):\n    return requests.get(f\"{API_URL}/v1/{p}\")  # here\n",
		}, "pkg/s.py", "# here", wantScope{scope: "api.example.com"}, ""},
		{"module constant imported with env default", map[string]string{
			"pkg/config.py": "import os\nAPI_URL = os.getenv(\"API_URL\", \"https://api.example.com\")\n",
			"pkg/s.py":      "import requests\nfrom pkg.config import API_URL\ndef get(p):\n    return requests.get(API_URL + \"/v1/\" + p)  # here\n",
		}, "pkg/s.py", "# here", wantScope{scope: "api.example.com"}, "API_URL"},
		{"module constant via module", map[string]string{
			"pkg/config.py": "API_URL = \"https://api.example.com\"\n",
			"pkg/s.py":      "import requests\nfrom . import config\ndef get(p):\n    return requests.get(f\"{config.API_URL}/v1/{p}\")  # here\n",
		}, "pkg/s.py", "# here", wantScope{scope: "api.example.com"}, ""},
		{"module constant passed whole", map[string]string{
			"pkg/config.py": "API_URL = \"https://api.example.com/v1\"\n",
			"pkg/s.py":      "import requests\nfrom .config import API_URL\ndef get():\n    return requests.get(API_URL)  # here\n",
		}, "pkg/s.py", "# here", wantScope{scope: "api.example.com"}, ""},
		{"module constant the text after decides", map[string]string{
			"pkg/config.py": "API_URL = \"https://api.example.com\"\n",
			"pkg/s.py":      "import requests\nfrom .config import API_URL\ndef get(p):\n    return requests.get(API_URL + \"@evil.example.net/\" + p)  # here\n",
		}, "pkg/s.py", "# here", wantScope{scope: "evil.example.net"}, ""},
		{"module variable a function rebinds stays open", map[string]string{
			"pkg/config.py": "API_URL = \"https://api.example.com\"\ndef configure(u):\n    global API_URL\n    API_URL = u\n",
			"pkg/s.py":      "import requests\nfrom .config import API_URL\ndef get(p):\n    return requests.get(f\"{API_URL}/v1/{p}\")  # here\n",
		}, "pkg/s.py", "# here", wantScope{}, ""},
		{"module constant from env with no default stays open", map[string]string{
			"pkg/config.py": "import os\nAPI_URL = os.getenv(\"API_URL\")\n",
			"pkg/s.py":      "import requests\nfrom .config import API_URL\ndef get(p):\n    return requests.get(f\"{API_URL}/v1/{p}\")  # here\n",
		}, "pkg/s.py", "# here", wantScope{}, ""},
		{"a library's constant is not followed", map[string]string{
			"s.py": "import requests\nfrom somelib.config import API_URL\ndef get(p):\n    return requests.get(f\"{API_URL}/v1/{p}\")  # here\n",
		}, "s.py", "# here", wantScope{}, ""},
		{"module global used in function", map[string]string{"s.py": `import requests
BASE = "https://api.example.com"
def get(p):
    return requests.get(f"{BASE}/v1/{p}")  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com"}, ""},
		{"tool input with a literal fallback stays open", map[string]string{"s.py": tool + `import requests
@mcp.tool()
def fetch(url: str = "") -> str:
    return requests.get(url or "https://api.example.com").text  # here
`}, "s.py", "# here", wantScope{scope: "api.example.com", dynamic: true}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := scanTexts(t, tc.texts)
			f := findingAt(t, res, tc.texts, tc.file, tc.marker)
			checkScope(t, tc.name, f, tc.want)
			if f.ScopeEnv != tc.env {
				t.Errorf("%s: scopeEnv %q, want %q", tc.name, f.ScopeEnv, tc.env)
			}
		})
	}
}

// TestRelinkPyConstRef edits a Python constant imported from another
// module, and the text after it: the incremental link equals a full link.
func TestRelinkPyConstRef(t *testing.T) {
	config := "import os\nBASE = \"https://a.example.com\"\nOTHER = 1\nclass S:\n    url = \"https://s.example.com\"\nsettings = S()\n"
	server := "import requests\nfrom .config import BASE, settings\ndef get(p):\n    return requests.get(f\"{BASE}/v1/{p}\")\n"
	e, err := newTestEngine()
	if err != nil {
		t.Fatal(err)
	}
	w := &workspace{root: t.TempDir(), paths: []string{"pkg/config.py", "pkg/server.py"}, texts: map[string]string{"pkg/config.py": config, "pkg/server.py": server}}
	res := linkAndCheck(e, w.root, w.extract(t, e, nil))
	if len(res.Findings) != 1 || res.Findings[0].Scope != "a.example.com" {
		t.Fatalf("before the edits: %+v", res.Findings)
	}
	cur := map[string]string{}
	for _, edit := range []struct {
		file, from, to, want, env string
	}{
		{"pkg/config.py", "a.example.com", "b.example.com", "b.example.com", ""},
		{"pkg/server.py", "/v1/", ".c.example.org/", "b.example.com.c.example.org", ""},
		{"pkg/config.py", "BASE = \"https://b.example.com\"", "BASE = os.getenv(\"BASE\", \"https://e.example.com\")", "e.example.com.c.example.org", "BASE"},
		{"pkg/config.py", "OTHER = 1\n", "OTHER = 1\ndef f(x):\n    global BASE\n    BASE = x\n", "", ""},
		{"pkg/server.py", "{BASE}", "{settings.url}", "s.example.com.c.example.org", ""},
		{"pkg/config.py", "s.example.com", "t.example.com", "t.example.com.c.example.org", ""},
	} {
		want := relinkEdit(t, e, w, cur, edit.file, edit.from, edit.to)
		var net []finding.Finding
		for _, f := range want.Findings {
			if f.Capability == capability.NetworkClient {
				net = append(net, f)
			}
		}
		if len(net) != 1 || net[0].Scope != edit.want || net[0].ScopeEnv != edit.env {
			t.Errorf("%s %q → %q: network findings %+v, want scope %q env %q", edit.file, edit.from, edit.to, net, edit.want, edit.env)
		}
	}
}
