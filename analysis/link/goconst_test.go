package link

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/finding"
)

// scanGoTexts is scanTexts with the go.mod of texts written to disk, where
// the link reads module paths.
func scanGoTexts(t *testing.T, texts map[string]string) *finding.Result {
	t.Helper()
	e, w := textWorkspace(t, texts)
	if m, ok := texts["go.mod"]; ok {
		if err := os.WriteFile(filepath.Join(w.root, "go.mod"), []byte(m), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return linkAndCheck(e, w.root, w.extract(t, e, nil))
}

// TestGoConstScopes follows Go struct fields, package variables and
// constants of other files to the calls that use them, and keeps open
// what something else may set: an env variable with no default, a
// library filling the struct, tool input.
func TestGoConstScopes(t *testing.T) {
	const gomod = "module example.com/c\n\ngo 1.23\n"
	client := `package main

import "net/http"

const defaultBaseURL = "https://api.example.com/v2"

type Client struct {
	baseURL string
	hc      *http.Client
}

func NewClient() *Client {
	return &Client{baseURL: defaultBaseURL, hc: &http.Client{}}
}
`
	for _, tc := range []struct {
		name  string
		texts map[string]string
		file  string
		want  wantScope
		env   string
	}{
		{"field set in a constructor, request sent with Do", map[string]string{"client.go": client, "get.go": `package main

import (
	"context"
	"net/http"
)

func (c *Client) get(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.baseURL+path, nil)
	if err != nil {
		return nil, err
	}
	return c.hc.Do(req) // here
}
`}, "get.go", wantScope{scope: "api.example.com"}, ""},
		{"Sprintf of a field", map[string]string{"client.go": client, "get.go": `package main

import (
	"fmt"
	"net/http"
)

func (c *Client) item(id string) (*http.Response, error) {
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/items/%s", c.baseURL, id), nil)
	return http.DefaultClient.Do(req) // here
}
`}, "get.go", wantScope{scope: "api.example.com"}, ""},
		{"url.JoinPath of a field", map[string]string{"client.go": client, "get.go": `package main

import (
	"net/http"
	"net/url"
)

func (c *Client) item(id string) (*http.Response, error) {
	u, err := url.JoinPath(c.baseURL, "items", id)
	if err != nil {
		return nil, err
	}
	return c.hc.Get(u) // here
}
`}, "get.go", wantScope{scope: "api.example.com"}, ""},
		{"a parsed URL field copied and its path set", map[string]string{"c.go": `package main

import (
	"net/http"
	"net/url"
)

type Client struct{ base *url.URL }

func New() *Client {
	u, _ := url.Parse("https://files.example.com")
	return &Client{base: u}
}

func (c *Client) file(p string) (*http.Response, error) {
	u := *c.base
	u.Path = p
	req, _ := http.NewRequest("GET", u.String(), nil)
	return http.DefaultClient.Do(req) // here
}
`}, "c.go", wantScope{scope: "files.example.com"}, ""},
		{"constant of another file", map[string]string{"client.go": client, "get.go": `package main

import "net/http"

func ping() { http.Get(defaultBaseURL + "/ping") } // here
`}, "get.go", wantScope{scope: "api.example.com"}, ""},
		{"constant of another package of the module", map[string]string{
			"go.mod":           gomod,
			"config/config.go": "package config\n\nconst APIBase = \"https://cfg.example.com/api\"\n",
			"main.go": `package main

import (
	"net/http"

	"example.com/c/config"
)

func main() { http.Get(config.APIBase + "/v1") } // here
`}, "main.go", wantScope{scope: "cfg.example.com"}, ""},
		{"field with an env default", map[string]string{"c.go": `package main

import (
	"cmp"
	"net/http"
	"os"
)

type Config struct{ URL string }

func load() *Config {
	return &Config{URL: cmp.Or(os.Getenv("API_URL"), "https://env.example.com")}
}

func get(c *Config) { http.Get(c.URL + "/x") } // here
`}, "c.go", wantScope{scope: "env.example.com"}, "API_URL"},
		{"field with a flag default", map[string]string{"c.go": `package main

import (
	"flag"
	"net/http"
)

type Config struct{ URL string }

var cfg Config

func main() {
	flag.StringVar(&cfg.URL, "url", "https://flag.example.com", "server")
	flag.Parse()
	http.Get(cfg.URL + "/x") // here
}
`}, "c.go", wantScope{scope: "flag.example.com"}, "-url"},
		{"cobra flag into a package variable read in another file", map[string]string{
			"cmd.go": `package main

import "github.com/spf13/cobra"

var serverURL string

func root() *cobra.Command {
	cmd := &cobra.Command{Use: "x"}
	cmd.Flags().StringVarP(&serverURL, "server", "s", "https://cobra.example.com", "server")
	return cmd
}
`,
			"get.go": `package main

import "net/http"

func get() { http.Get(serverURL + "/x") } // here
`}, "get.go", wantScope{scope: "cobra.example.com"}, "-server"},
		{"fallback beside an env variable without a default", map[string]string{"c.go": `package main

import (
	"net/http"
	"os"
)

type Config struct{ URL string }

func load() *Config {
	c := &Config{URL: os.Getenv("API_URL")}
	if c.URL == "" {
		c.URL = "https://fallback.example.com"
	}
	return c
}

func get(c *Config) { http.Get(c.URL + "/x") } // here
`}, "c.go", wantScope{scope: "fallback.example.com", dynamic: true}, ""},
		{"package variable default a function reassigns", map[string]string{
			"a.go": "package main\n\nimport \"os\"\n\nvar base = \"https://var.example.com\"\n\nfunc init() { base = os.Getenv(\"BASE\") }\n",
			"b.go": "package main\n\nimport \"net/http\"\n\nfunc get() { http.Get(base + \"/x\") } // here\n",
		}, "b.go", wantScope{scope: "var.example.com", dynamic: true}, ""},
		{"two constructors, two hosts", map[string]string{"c.go": `package main

import "net/http"

type C struct{ base string }

func Prod() *C    { return &C{base: "https://prod.example.com"} }
func Staging() *C { return &C{base: "https://staging.example.com"} }

func (c *C) get() { http.Get(c.base + "/x") } // here
`}, "c.go", wantScope{scope: "prod.example.com", scopes: []string{"prod.example.com", "staging.example.com"}}, ""},

		// Look-alikes that must stay unknown or open.
		{"field set only from an env variable", map[string]string{"c.go": `package main

import (
	"net/http"
	"os"
)

type C struct{ base string }

func New() *C { return &C{base: os.Getenv("BASE_URL")} }

func (c *C) get() { http.Get(c.base + "/x") } // here
`}, "c.go", wantScope{}, ""},
		{"field never set", map[string]string{"c.go": `package main

import "net/http"

type C struct{ base string }

func (c *C) get() { http.Get(c.base + "/x") } // here
`}, "c.go", wantScope{}, ""},
		{"struct decoded by a library", map[string]string{"c.go": `package main

import (
	"encoding/json"
	"net/http"
	"os"
)

type Config struct{ URL string }

func load() (*Config, error) {
	c := &Config{URL: "https://default.example.com"}
	data, err := os.ReadFile("config.json")
	if err != nil {
		return nil, err
	}
	return c, json.Unmarshal(data, c)
}

func get(c *Config) { http.Get(c.URL + "/x") } // here
`}, "c.go", wantScope{scope: "default.example.com", dynamic: true}, ""},
		{"field set through a value of a type not known here", map[string]string{
			"a.go": "package main\n\ntype C struct{ base string }\n\nfunc New() *C { return &C{base: \"https://a.example.com\"} }\n",
			"b.go": "package main\n\nimport \"net/http\"\n\nfunc (c *C) get() { http.Get(c.base + \"/x\") } // here\n",
			"c.go": "package main\n\nfunc set(u string) { other().base = u }\n",
		}, "b.go", wantScope{scope: "a.example.com", dynamic: true}, ""},
		{"field from tool input", map[string]string{"go.mod": gomod, "main.go": `package main

import (
	"context"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type Args struct {
	URL string ` + "`json:\"url\"`" + `
}

var example = Args{URL: "https://example.example.com"}

func fetch(ctx context.Context, req *mcp.CallToolRequest, args Args) (*mcp.CallToolResult, any, error) {
	resp, err := http.Get(args.URL) // here
	if err == nil {
		resp.Body.Close()
	}
	return nil, nil, err
}

func main() {
	s := mcp.NewServer(&mcp.Implementation{Name: "x", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "fetch"}, fetch)
}
`}, "main.go", wantScope{scope: "example.example.com", dynamic: true}, ""},
		{"the text after a constant decides the host", map[string]string{
			"a.go": "package main\n\nconst host = \"https://api.example.com\"\n",
			"b.go": "package main\n\nimport \"net/http\"\n\nfunc ping() { http.Get(host + \"@evil.example.net/\") } // here\n",
		}, "b.go", wantScope{scope: "evil.example.net"}, ""},
		{"a constant too short to name a host", map[string]string{
			"a.go": "package main\n\nconst scheme = \"https://\"\n",
			"b.go": "package main\n\nimport \"net/http\"\n\nfunc ping(h string) { http.Get(scheme + h) } // here\n",
		}, "b.go", wantScope{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := scanGoTexts(t, tc.texts)
			f := findingAt(t, res, tc.texts, tc.file, "// here")
			checkScope(t, tc.name, f, tc.want)
			if f.ScopeEnv != tc.env {
				t.Errorf("%s: scope env %q, want %q", tc.name, f.ScopeEnv, tc.env)
			}
		})
	}
}

// TestGoConstPass follows a constructor's parameter stored in a field to
// the values its callers pass, and stops at cycles.
func TestGoConstPass(t *testing.T) {
	c := `package main

import "net/http"

type C struct{ base string }

func New(base string) *C { return &C{base: base} }

func (c *C) get() { http.Get(c.base + "/x") } // here
`
	for _, tc := range []struct {
		name string
		main string
		want wantScope
	}{
		{"literal", "package main\n\nfunc main() { New(\"https://pass.example.com\").get() }\n", wantScope{scope: "pass.example.com"}},
		{"constant", "package main\n\nconst u = \"https://const.example.com\"\n\nfunc main() { New(u).get() }\n", wantScope{scope: "const.example.com"}},
		{"env without a default", "package main\n\nimport \"os\"\n\nfunc main() { New(os.Getenv(\"U\")).get() }\n", wantScope{}},
		{"literal and env", "package main\n\nimport \"os\"\n\nfunc main() {\n\tNew(\"https://a.example.com\").get()\n\tNew(os.Getenv(\"U\")).get()\n}\n", wantScope{scope: "a.example.com", dynamic: true}},
		{"the field passed back in", "package main\n\nfunc (c *C) clone() *C { return New(c.base) }\n\nfunc main() { New(\"https://cyc.example.com\").clone().get() }\n", wantScope{scope: "cyc.example.com", dynamic: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			texts := map[string]string{"c.go": c, "main.go": tc.main}
			res := scanGoTexts(t, texts)
			checkScope(t, tc.name, findingAt(t, res, texts, "c.go", "// here"), tc.want)
		})
	}
}

// TestGoRequestHelper follows a helper's url parameter through the request
// it builds to the URLs its callers pass; a body or method parameter
// beside it keeps the scope open.
func TestGoRequestHelper(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       wantScope
	}{
		{"url parameter", `package main

import (
	"context"
	"fmt"
	"net/http"
)

func call(ctx context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req) // here
}

func main() {
	call(context.Background(), fmt.Sprintf("https://management.example.com/subs/%s", "x"))
}
`, wantScope{scope: "management.example.com"}},
		{"url parameter from tool input elsewhere", `package main

import (
	"context"
	"net/http"
	"os"
)

func call(ctx context.Context, url string) (*http.Response, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	return http.DefaultClient.Do(req) // here
}

func main() {
	call(context.Background(), "https://a.example.com/")
	call(context.Background(), os.Args[1])
}
`, wantScope{scope: "a.example.com", dynamic: true}},
		{"method parameter beside it", `package main

import (
	"context"
	"net/http"
)

func call(ctx context.Context, method, url string) (*http.Response, error) {
	req, _ := http.NewRequestWithContext(ctx, method, url, nil)
	return http.DefaultClient.Do(req) // here
}

func main() { call(context.Background(), "GET", "https://a.example.com/") }
`, wantScope{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			texts := map[string]string{"c.go": tc.text}
			res := scanGoTexts(t, texts)
			checkScope(t, tc.name, findingAt(t, res, texts, "c.go", "// here"), tc.want)
		})
	}
}

// TestGoTagDefaults reads the defaults struct tags give configuration
// fields.
func TestGoTagDefaults(t *testing.T) {
	for _, tc := range []struct {
		name, tag string
		want      wantScope
		env       string
	}{
		{"env default", "`env:\"API_URL\" envDefault:\"https://tag.example.com\"`", wantScope{scope: "tag.example.com"}, "API_URL"},
		{"envconfig default", "`envconfig:\"API_URL\" default:\"https://tag.example.com\"`", wantScope{scope: "tag.example.com"}, "API_URL"},
		{"flag default", "`long:\"url\" default:\"https://tag.example.com\"`", wantScope{scope: "tag.example.com"}, "-url"},
		{"default of a file's key", "`toml:\"url\" default:\"https://tag.example.com\"`", wantScope{scope: "tag.example.com", dynamic: true}, ""},
		{"no default", "`env:\"API_URL\"`", wantScope{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			texts := map[string]string{"c.go": "package main\n\nimport \"net/http\"\n\ntype Config struct {\n\tURL string " + tc.tag + "\n}\n\nfunc get(c *Config) { http.Get(c.URL + \"/x\") } // here\n"}
			res := scanGoTexts(t, texts)
			f := findingAt(t, res, texts, "c.go", "// here")
			checkScope(t, tc.name, f, tc.want)
			if f.ScopeEnv != tc.env {
				t.Errorf("%s: scope env %q, want %q", tc.name, f.ScopeEnv, tc.env)
			}
		})
	}
}

// TestGoEnvLoader: an env loader sets a tagged field to its variable or
// its default, and every other field to a variable; another library may
// set any field.
func TestGoEnvLoader(t *testing.T) {
	src := func(loader, call string) string {
		return `package main

import (
	"net/http"

	` + loader + `
)

type Config struct {
	URL   string ` + "`env:\"API_URL\" envDefault:\"https://tag.example.com\"`" + `
	Other string
}

func load() (*Config, error) {
	c := &Config{Other: "https://lit.example.com"}
	return c, ` + call + `
}

func get(c *Config) {
	http.Get(c.URL + "/x") // here
	http.Get(c.Other + "/y") // other
}
`
	}
	texts := map[string]string{"c.go": src(`"github.com/caarlos0/env/v11"`, "env.Parse(c)")}
	res := scanGoTexts(t, texts)
	f := findingAt(t, res, texts, "c.go", "// here")
	checkScope(t, "tagged", f, wantScope{scope: "tag.example.com"})
	if f.ScopeEnv != "API_URL" {
		t.Errorf("tagged: scope env %q, want API_URL", f.ScopeEnv)
	}
	checkScope(t, "untagged", findingAt(t, res, texts, "c.go", "// other"), wantScope{scope: "lit.example.com", dynamic: true})

	texts = map[string]string{"c.go": src(`"gopkg.in/yaml.v3"`, "yaml.Unmarshal(nil, c)")}
	res = scanGoTexts(t, texts)
	checkScope(t, "decoded", findingAt(t, res, texts, "c.go", "// here"), wantScope{scope: "tag.example.com", dynamic: true})
}

// TestGoLibraryDefault grants a client library's default host, and beside
// it the hosts the project's overrides give.
func TestGoLibraryDefault(t *testing.T) {
	bot := `package main

import "github.com/slack-go/slack"

type Bot struct{ api *slack.Client }

func (b *Bot) say(ch, text string) error {
	_, _, err := b.api.PostMessage(ch, slack.MsgOptionText(text, false)) // here
	return err
}
`
	gh := `package main

import (
	"context"

	"github.com/google/go-github/v72/github"
)

type S struct{ gh *github.Client }

func (s *S) repo(ctx context.Context) error {
	_, _, err := s.gh.Repositories.Get(ctx, "o", "r") // here
	return err
}
`
	for _, tc := range []struct {
		name  string
		texts map[string]string
		want  wantScope
	}{
		{"slack default", map[string]string{"bot.go": bot, "new.go": "package main\n\nimport \"github.com/slack-go/slack\"\n\nfunc New(tok string) *Bot { return &Bot{api: slack.New(tok)} }\n"},
			wantScope{scope: "slack.com"}},
		{"slack overrides", map[string]string{"bot.go": bot, "new.go": `package main

import "github.com/slack-go/slack"

func New(tok string, gov bool, url string) *Bot {
	if gov {
		return &Bot{api: slack.New(tok, slack.OptionAPIURL("https://slack-gov.com/api/"))}
	}
	return &Bot{api: slack.New(tok, slack.OptionAPIURL(url+"api/"))}
}
`}, wantScope{scope: "slack-gov.com", scopes: []string{"slack-gov.com", "slack.com"}, dynamic: true}},
		{"github default", map[string]string{"s.go": gh, "new.go": "package main\n\nimport \"github.com/google/go-github/v72/github\"\n\nfunc New(tok string) *S { return &S{gh: github.NewClient(nil).WithAuthToken(tok)} }\n"},
			wantScope{scope: "api.github.com"}},
		{"github enterprise", map[string]string{"s.go": gh, "new.go": `package main

import (
	"os"

	"github.com/google/go-github/v72/github"
)

func New(tok string) (*S, error) {
	c := github.NewClient(nil).WithAuthToken(tok)
	if h := os.Getenv("GITHUB_HOST"); h != "" {
		var err error
		if c, err = c.WithEnterpriseURLs(h, h); err != nil {
			return nil, err
		}
	}
	return &S{gh: c}, nil
}
`}, wantScope{scope: "api.github.com", dynamic: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := scanGoTexts(t, tc.texts)
			file := "bot.go"
			if _, ok := tc.texts["s.go"]; ok {
				file = "s.go"
			}
			checkScope(t, tc.name, findingAt(t, res, tc.texts, file, "// here"), tc.want)
		})
	}
}

// TestGoFieldPointer: a field written through a pointer to it stays open.
func TestGoFieldPointer(t *testing.T) {
	for _, tc := range []struct{ name, set string }{
		{"pointer variable", "func set(c *C, v string) { p := &c.base; *p = v }"},
		{"pointer passed to a function", "func set(c *C, v string) { write(&c.base, v) }\n\nfunc write(p *string, v string) { *p = v }"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			texts := map[string]string{"c.go": "package main\n\nimport \"net/http\"\n\ntype C struct{ base string }\n\nfunc New() *C { return &C{base: \"https://a.example.com\"} }\n\n" + tc.set + "\n\nfunc (c *C) get() { http.Get(c.base + \"/x\") } // here\n"}
			res := scanGoTexts(t, texts)
			checkScope(t, tc.name, findingAt(t, res, texts, "c.go", "// here"), wantScope{scope: "a.example.com", dynamic: true})
		})
	}
}

// TestGoFieldNotInstanceLiteral: a field set from a call whose argument is
// a literal is not that literal (os.Getenv("X") is not "X").
func TestGoFieldNotInstanceLiteral(t *testing.T) {
	texts := map[string]string{"c.go": `package main

import (
	"os"
	"path/filepath"
)

type C struct{ cache, dir string }

func New(home string) *C {
	return &C{cache: os.Getenv("APP_CACHE"), dir: filepath.Join(home, ".app")}
}

func (c *C) load() {
	os.ReadFile(c.cache) // here
	os.MkdirAll(c.dir, 0o755) // dir
}
`}
	res := scanGoTexts(t, texts)
	checkScope(t, "env", findingAt(t, res, texts, "c.go", "// here"), wantScope{})
	checkScope(t, "join", findingAt(t, res, texts, "c.go", "// dir"), wantScope{})
}

// TestGoEnvFallbackToConstant: an env variable falling back to a constant
// of another file is not narrowed to the constant.
func TestGoEnvFallbackToConstant(t *testing.T) {
	texts := map[string]string{
		"a.go": "package main\n\nconst defaultURL = \"https://d.example.com\"\n",
		"b.go": "package main\n\nimport (\n\t\"net/http\"\n\t\"os\"\n)\n\nfunc get() {\n\tu := os.Getenv(\"API_URL\")\n\tif u == \"\" {\n\t\tu = defaultURL\n\t}\n\thttp.Get(u + \"/x\") // here\n}\n",
	}
	res := scanGoTexts(t, texts)
	checkScope(t, "env then constant", findingAt(t, res, texts, "b.go", "// here"), wantScope{})
}

// TestGoPackageVariableSetElsewhere: a package variable set from another
// package, or through a pointer, stays open.
func TestGoPackageVariableSetElsewhere(t *testing.T) {
	for _, tc := range []struct {
		name  string
		texts map[string]string
		file  string
	}{
		{"assigned from another package", map[string]string{
			"go.mod":           "module example.com/c\n\ngo 1.23\n",
			"config/config.go": "package config\n\nvar BaseURL = \"https://cfg.example.com\"\n",
			"config/get.go":    "package config\n\nimport \"net/http\"\n\nfunc Get() { http.Get(BaseURL + \"/x\") } // here\n",
			"main.go":          "package main\n\nimport (\n\t\"os\"\n\n\t\"example.com/c/config\"\n)\n\nfunc main() {\n\tconfig.BaseURL = os.Getenv(\"BASE\")\n\tconfig.Get()\n}\n",
		}, "config/get.go"},
		{"decoded through a pointer in its own file", map[string]string{
			"a.go": "package main\n\nimport \"encoding/json\"\n\nvar base = \"https://a.example.com\"\n\nfunc load(b []byte) error { return json.Unmarshal(b, &base) }\n",
			"b.go": "package main\n\nimport \"net/http\"\n\nfunc get() { http.Get(base + \"/x\") } // here\n",
		}, "b.go"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := scanGoTexts(t, tc.texts)
			f := findingAt(t, res, tc.texts, tc.file, "// here")
			if f.Scope == "" || !f.ScopeDynamic {
				t.Errorf("%s: scope %q dynamic %v, want the literal beside \"*\"", tc.name, f.Scope, f.ScopeDynamic)
			}
		})
	}
}
