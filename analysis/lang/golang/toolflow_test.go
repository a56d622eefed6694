package golang_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/engine"
	"github.com/mcpriv/mcpriv/analysis/finding"
)

// scanTools writes files under a temporary module root, scans it as the
// CLI does and returns each tool as "name cap cap…" (sorted), and the
// capability findings as "file:line capability api".
func scanTools(t *testing.T, files map[string]string) (tools, sites []string) {
	t.Helper()
	res := writeAndScan(t, t.TempDir(), files)
	for _, tool := range res.Tools {
		s := tool.Name
		for _, c := range tool.Capabilities {
			s += " " + string(c)
		}
		tools = append(tools, s)
	}
	for _, f := range res.Findings {
		if f.Capability != "" {
			sites = append(sites, filepath.ToSlash(f.File)+":"+strconv.Itoa(f.Span.Start.Line)+" "+string(f.Capability)+" "+f.API)
		}
	}
	sort.Strings(tools)
	sort.Strings(sites)
	return tools, sites
}

// writeAndScan writes files (slash paths) under root and scans root as the
// CLI does.
func writeAndScan(t *testing.T, root string, files map[string]string) *finding.Result {
	t.Helper()
	for p, text := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func assertTools(t *testing.T, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tools:\n got %q\nwant %q", got, want)
	}
}

const goMod = "module example.com/srv\n\ngo 1.22\n"

// TestInterfaceMethodResult: a client reached through a method of a
// project interface declared in another package (provider.GetClientSet()
// returning a struct whose field is a Kubernetes client) keeps its type.
// The look-alike, an interface whose method returns a struct without a
// client, stays silent.
func TestInterfaceMethodResult(t *testing.T) {
	tools, sites := scanTools(t, map[string]string{
		"go.mod": goMod,
		"kube/types.go": `package kube

import (
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
)

type Clients struct {
	Typed   kubernetes.Interface
	Dynamic dynamic.Interface
}

type Provider interface {
	Clients(name string) (*Clients, error)
	Names() []string
}

type Cache struct{ Entries Store }
type Store struct{}

func (Store) List() []string { return nil }

type Lister interface{ Cache() *Cache }
`,
		"tools/pods.go": `package tools

import (
	"context"

	"example.com/srv/kube"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type Toolset struct {
	provider kube.Provider
	lister   kube.Lister
}

type PodsIn struct{ Namespace string }

func (t *Toolset) listPods(ctx context.Context, req *mcp.CallToolRequest, in PodsIn) (*mcp.CallToolResult, any, error) {
	cs, err := t.provider.Clients("")
	if err != nil {
		return nil, nil, err
	}
	_, err = cs.Typed.CoreV1().Pods(in.Namespace).List(ctx, metav1.ListOptions{})
	return nil, nil, err
}

func (t *Toolset) cached(ctx context.Context, req *mcp.CallToolRequest, in PodsIn) (*mcp.CallToolResult, any, error) {
	t.lister.Cache().Entries.List()
	return nil, nil, nil
}

func (t *Toolset) Register(s *mcp.Server) {
	mcp.AddTool(s, &mcp.Tool{Name: "pods_list"}, t.listPods)
	mcp.AddTool(s, &mcp.Tool{Name: "cache_list"}, t.cached)
}
`,
	})
	assertTools(t, tools, []string{"cache_list", "pods_list network.client"})
	for _, s := range sites {
		if strings.Contains(s, "Entries") || strings.Contains(s, "Cache") {
			t.Errorf("look-alike reported: %s", s)
		}
	}
}

// TestProjectToolTables: tools kept in a table of the project's own
// struct type (a literal Name and a handler), in a package variable ranged
// over in another package, or returned by functions and converted to the
// SDK's types in a loop; handlers calling a backend through a project
// interface reach its implementations in that package. Structs whose type
// does not say tool (routes, commands), tool-named structs without a
// literal name, and tool metadata without a handler register nothing.
func TestProjectToolTables(t *testing.T) {
	tools, _ := scanTools(t, map[string]string{
		"go.mod": goMod,
		"tools/table.go": `package tools

type ToolSpec struct {
	Name        string
	Description string
	Handler     any
}

var All = []ToolSpec{
	{Name: "get_weather", Description: "weather", Handler: GetWeather},
	{Name: "read_notes", Description: "notes", Handler: ReadNotes},
	{Name: "echo", Description: "echo", Handler: Echo},
}
`,
		"tools/handlers.go": `package tools

import (
	"context"
	"net/http"
	"os"
)

type WeatherArgs struct{ City string }

func GetWeather(ctx context.Context, a WeatherArgs) (string, error) {
	_, err := http.Get("https://api.weather.example/v1?q=" + a.City)
	return "", err
}

func ReadNotes(ctx context.Context, a WeatherArgs) (string, error) {
	b, err := os.ReadFile("notes.txt")
	return string(b), err
}

func Echo(ctx context.Context, a WeatherArgs) (string, error) { return a.City, nil }
`,
		"main.go": `package main

import (
	"net/http"
	"os"

	"example.com/srv/api"
	"example.com/srv/tools"
	mcpgolang "github.com/metoro-io/mcp-golang"
	"github.com/metoro-io/mcp-golang/transport/stdio"
)

type Route struct {
	Name    string
	Handler http.HandlerFunc
}

var routes = []Route{{Name: "health", Handler: health}}

type Command struct {
	Name string
	Run  func() error
}

var commands = []Command{{Name: "serve", Run: serve}}

type ToolInfo struct {
	Name    string
	Version string
}

var infos = []ToolInfo{{Name: "kubectl", Version: "1.30"}}

func health(w http.ResponseWriter, r *http.Request) { os.Hostname() }

func serve() error { return http.ListenAndServe(":8080", nil) }

func main() {
	s := mcpgolang.NewServer(stdio.NewStdioServerTransport())
	for _, t := range tools.All {
		_ = s.RegisterTool(t.Name, t.Description, t.Handler)
	}
	_ = api.Convert
}
`,
		"api/api.go": `package api

import (
	"context"

	"example.com/srv/backend"
)

type Tool struct {
	Name        string
	Description string
}

type Params struct {
	Backend backend.Backend
	Args    map[string]any
}

type HandlerFunc func(ctx context.Context, p Params) (string, error)

type ServerTool struct {
	Tool    Tool
	Handler HandlerFunc
}

func Convert() {}
`,
		"backend/backend.go": `package backend

import "os/exec"

type Backend interface {
	ImageList() (string, error)
	Version() string
}

type cli struct{ bin string }

func (c *cli) ImageList() (string, error) {
	out, err := exec.Command(c.bin, "images").Output()
	return string(out), err
}

func (c *cli) Version() string { return "1" }
`,
		"srv/tools.go": `package srv

import (
	"context"

	"example.com/srv/api"
)

func imageTools() []api.ServerTool {
	return []api.ServerTool{
		{Tool: api.Tool{Name: "image_list", Description: "list"}, Handler: imageList},
		{Tool: api.Tool{Name: "version", Description: "version"}, Handler: version},
	}
}

func imageList(ctx context.Context, p api.Params) (string, error) { return p.Backend.ImageList() }

func version(ctx context.Context, p api.Params) (string, error) { return p.Backend.Version(), nil }
`,
		"srv/server.go": `package srv

import (
	"context"
	"slices"

	"example.com/srv/api"
	"example.com/srv/backend"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func allTools() []api.ServerTool { return slices.Concat(imageTools()) }

func convert(b backend.Backend, t api.ServerTool) (*mcp.Tool, mcp.ToolHandler) {
	h := func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		_, err := t.Handler(ctx, api.Params{Backend: b})
		return nil, err
	}
	return &mcp.Tool{Name: t.Tool.Name, Description: t.Tool.Description}, h
}

func Start(b backend.Backend) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "x"}, nil)
	for _, t := range allTools() {
		tool, h := convert(b, t)
		s.AddTool(tool, h)
	}
	return s
}
`,
	})
	var named []string
	for _, tl := range tools {
		if !strings.HasPrefix(tl, "unresolved tool") {
			named = append(named, tl)
		}
	}
	assertTools(t, named, []string{"echo", "get_weather network.client", "image_list system.exec", "read_notes file.read", "version"})
}

// TestToolInterfaceImplementations: tools as types implementing a tool
// interface, one method returning the definition (named literally or by
// another method returning a literal) and one method the handler, all
// registered by a loop over the interface. A type with two handler
// methods, or whose name method returns different literals, and a type
// with a handler but no definition, register nothing.
func TestToolInterfaceImplementations(t *testing.T) {
	tools, _ := scanTools(t, map[string]string{
		"go.mod": goMod,
		"tools/tools.go": `package tools

import (
	"context"
	"net/http"
	"os"

	"github.com/mark3labs/mcp-go/mcp"
)

type Tool interface {
	Definition() mcp.Tool
	Handle(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error)
}

type ReadFile struct{ root string }

func (r *ReadFile) Name() string { return "read_file" }

func (r *ReadFile) Definition() mcp.Tool {
	return mcp.NewTool(r.Name(), mcp.WithString("path"))
}

func (r *ReadFile) Handle(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	os.ReadFile(req.GetString("path", ""))
	return nil, nil
}

type Fetch struct{}

func (Fetch) Definition() mcp.Tool { return mcp.NewTool("fetch") }

func (Fetch) Handle(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	http.Get(req.GetString("url", ""))
	return nil, nil
}

type Twice struct{}

func (Twice) Definition() mcp.Tool { return mcp.NewTool("twice") }

func (Twice) Handle(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return nil, nil
}

func (Twice) HandleOld(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	os.Remove("x")
	return nil, nil
}

type Moody struct{ loud bool }

func (m Moody) Name() string {
	if m.loud {
		return "SHOUT"
	}
	return "whisper"
}

func (m Moody) Definition() mcp.Tool { return mcp.NewTool(m.Name()) }

func (m Moody) Handle(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	os.Hostname()
	return nil, nil
}

type NoDef struct{}

func (NoDef) Name() string { return "no_def" }

func (NoDef) Handle(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	os.Getwd()
	return nil, nil
}

func All() []Tool { return []Tool{&ReadFile{}, Fetch{}, Twice{}, Moody{}} }
`,
		"main.go": `package main

import (
	"example.com/srv/tools"
	"github.com/mark3labs/mcp-go/server"
)

func main() {
	s := server.NewMCPServer("x", "1")
	for _, t := range tools.All() {
		s.AddTool(t.Definition(), t.Handle)
	}
}
`,
	})
	assertTools(t, tools, []string{"fetch network.client", "read_file file.read"})
}

// TestNestedHandlerFactories: a handler factory wrapping another factory's
// result (tools.Wrap(net.GetHandler(client), cfg)) runs both closures, each
// tool only its own inner one; a method called on what a project
// constructor returns (runner.NewDry().Run()) is that type's method only,
// not every method of that name in the package.
func TestNestedHandlerFactories(t *testing.T) {
	tools, _ := scanTools(t, map[string]string{
		"go.mod": goMod,
		"tools/tools.go": `package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

type Handler interface {
	Handle(ctx context.Context, params map[string]any) (string, error)
}

type HandlerFunc func(ctx context.Context, params map[string]any) (string, error)

func (f HandlerFunc) Handle(ctx context.Context, params map[string]any) (string, error) {
	return f(ctx, params)
}

func Wrap(h Handler, verbose bool) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		out, err := h.Handle(ctx, req.GetArguments())
		return mcp.NewToolResultText(out), err
	}
}
`,
		"fetch/fetch.go": `package fetch

import (
	"context"
	"net/http"

	"example.com/srv/tools"
)

func GetHandler(client *http.Client) tools.Handler {
	return tools.HandlerFunc(func(ctx context.Context, params map[string]any) (string, error) {
		_, err := client.Get("https://api.example.com/items")
		return "", err
	})
}
`,
		"files/files.go": `package files

import (
	"context"
	"os"

	"example.com/srv/tools"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func HandlePlain(r any) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) { return nil, nil }
}

func ReadHandler(root string) tools.Handler {
	return tools.HandlerFunc(func(ctx context.Context, params map[string]any) (string, error) {
		b, err := os.ReadFile(root + "/notes.txt")
		return string(b), err
	})
}
`,
		"runner/runner.go": `package runner

import (
	"os"
	"os/exec"
)

type Runner struct{}

func NewRunner() *Runner {
	os.Getenv("RUNNER_BIN")
	return &Runner{}
}

func (r *Runner) Run(name string) error { return exec.Command(name).Run() }

type Dry struct{}

func NewDry() *Dry { return &Dry{} }

func (d *Dry) Run(name string) error { return nil }
`,
		"main.go": `package main

import (
	"context"
	"net/http"

	"example.com/srv/fetch"
	"example.com/srv/files"
	"example.com/srv/runner"
	"example.com/srv/tools"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func dryRun(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return nil, runner.NewDry().Run("ls")
}

func realRun(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return nil, runner.NewRunner().Run("ls")
}

func main() {
	s := server.NewMCPServer("x", "1")
	s.AddTool(mcp.NewTool("fetch_items"), tools.Wrap(fetch.GetHandler(http.DefaultClient), true))
	s.AddTool(mcp.NewTool("read_notes"), tools.Wrap(files.ReadHandler("/data"), true))
	s.AddTool(mcp.NewTool("dry_run"), dryRun)
	// A client a constructor made is an argument of the factory, no handler:
	// what NewRunner does runs at start-up, not for this tool.
	r := runner.NewRunner()
	s.AddTool(mcp.NewTool("wrapped_plain"), files.HandlePlain(r))
	s.AddTool(mcp.NewTool("real_run"), realRun)
}
`,
	})
	assertTools(t, tools, []string{"dry_run", "fetch_items network.client", "read_notes file.read", "real_run system.env system.exec", "wrapped_plain"})
}

// TestStructIsNoInterface: a call on a struct of another package that
// declares no such method (it comes from an embedded type the index does
// not see) reaches no method of that name of other types there; the same
// call on an interface of that package reaches its implementation.
func TestStructIsNoInterface(t *testing.T) {
	tools, _ := scanTools(t, map[string]string{
		"go.mod": goMod,
		"store/store.go": `package store

import (
	"net/http"
	"os"
)

type Cache struct {
	hc *http.Client
	base
}

type base struct{ hc *http.Client }

type Flusher interface{ Flush() error }

type Disk struct{}

func (Disk) Flush() error { return os.WriteFile("cache.db", nil, 0o600) }
`,
		"main.go": `package main

import (
	"context"

	"example.com/srv/store"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

type srv struct {
	c *store.Cache
	f store.Flusher
}

func (s *srv) viaStruct(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return nil, s.c.Flush()
}

func (s *srv) viaInterface(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return nil, s.f.Flush()
}

func main() {
	s := server.NewMCPServer("x", "1")
	h := &srv{}
	s.AddTool(mcp.NewTool("struct_flush"), h.viaStruct)
	s.AddTool(mcp.NewTool("interface_flush"), h.viaInterface)
}
`,
	})
	assertTools(t, tools, []string{"interface_flush file.write", "struct_flush"})
}
