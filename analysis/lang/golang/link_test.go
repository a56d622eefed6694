package golang_test

import (
	"context"
	"reflect"
	"sort"
	"testing"

	"github.com/mcpriv/mcpriv/analysis/engine"
	"github.com/mcpriv/mcpriv/analysis/facts"
	"github.com/mcpriv/mcpriv/analysis/lang/golang"
	"github.com/mcpriv/mcpriv/analysis/parse"
	"github.com/mcpriv/mcpriv/analysis/source"
)

// TestLinkAcrossFiles checks, through the index, that tools registered in
// one file and defined in another get their names (NameRef through
// File.Constants, "func:Name" for functions returning a tool), and that
// typed inputs report JSON field names as taint sources.
func TestLinkAcrossFiles(t *testing.T) {
	files := map[string]string{
		"srv/main.go": `package main

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	gosdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

func main() {
	s := server.NewMCPServer("files", "1.0.0")
	s.AddTool(readTool, handleRead)
	s.AddTool(WriteTool(), handleWrite)
	for _, t := range table {
		s.AddTool(t.Tool, t.Handler)
	}
	g := gosdk.NewServer(nil, nil)
	gosdk.AddTool(g, &gosdk.Tool{Name: "remove"}, remove)
	_ = context.Background()
}
`,
		"srv/tools.go": `package main

import (
	"context"
	"net/http"
	"os"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	gosdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

const writeName = "write_file"

var readTool = mcp.NewTool("read_file", mcp.WithReadOnlyHintAnnotation(true))

func WriteTool() mcp.Tool {
	return mcp.NewTool(writeName)
}

var table = []server.ServerTool{
	{Tool: mcp.NewTool("fetch"), Handler: fetch},
}

func handleRead(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p, _ := req.RequireString("path")
	os.ReadFile(p)
	return nil, nil
}

func handleWrite(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	os.WriteFile(req.GetString("file", ""), nil, 0o600)
	return nil, nil
}

func fetch(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	http.Get(req.GetString("url", ""))
	return nil, nil
}

type RemoveIn struct {
	Target string ` + "`json:\"target_path\"`" + `
}

func remove(ctx context.Context, req *gosdk.CallToolRequest, in RemoveIn) (*gosdk.CallToolResult, any, error) {
	return nil, nil, os.Remove(in.Target)
}
`,
	}
	var fs []*facts.File
	for _, p := range []string{"srv/main.go", "srv/tools.go"} {
		src := []byte(files[p])
		tree, err := parse.Parse(context.Background(), source.Go, src, nil)
		if err != nil {
			t.Fatal(err)
		}
		f, err := golang.Extract(p, src, tree)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	e, err := engine.New(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := e.Link(t.TempDir(), fs)
	var tools []string
	for _, tool := range res.Tools {
		caps := ""
		for _, c := range tool.Capabilities {
			caps += " " + string(c)
		}
		tools = append(tools, tool.Name+caps)
	}
	sort.Strings(tools)
	want := []string{"fetch network.client", "read_file file.read", "remove file.delete", "write_file file.write"}
	if !reflect.DeepEqual(tools, want) {
		t.Errorf("tools = %q, want %q", tools, want)
	}
	taint := map[string]string{}
	for _, f := range res.Findings {
		if f.Tainted {
			taint[f.TaintTool] = f.TaintSource
		}
	}
	wantTaint := map[string]string{"read_file": "path", "write_file": "file", "fetch": "url", "remove": "target_path"}
	if !reflect.DeepEqual(taint, wantTaint) {
		t.Errorf("taint sources = %v, want %v", taint, wantTaint)
	}
}

// TestToolsAcrossPackages: tools whose definitions and handlers live in
// another package of the module: handler functions, handler factories
// (tools.HandleRead(root) returns the closure that runs), method values
// on instances of its types, server.ServerTool tables naming tool
// variables of that package, and AddTool on a server reached through a
// project interface with a handler typed as a tool handler. Look-alikes
// register nothing.
func TestToolsAcrossPackages(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		// A module path without a dot is a project's too.
		"go.mod": "module g1\n\ngo 1.22\n",
		"internal/server/server.go": `package server

import (
	"context"

	"g1/internal/app"
	"g1/internal/tools"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

type holder struct{ ops *tools.Ops }

func (h *holder) register(a app.Server) {
	s := server.NewMCPServer("g1", "1.0.0")
	readTool := tools.NewReadTool()
	s.AddTool(readTool, tools.HandleRead("/srv"))
	s.AddTool(tools.NewFetchTool(), tools.HandleFetch())
	var all []server.ServerTool
	all = append(all, server.ServerTool{Tool: tools.ExecTool, Handler: tools.HandleExec})
	s.AddTools(all...)
	s.AddTool(mcp.NewTool("delete_file"), h.ops.HandleDelete)
	o := tools.NewOps()
	s.AddTool(mcp.NewTool("write_file"), o.HandleWrite)
	m := a.MCP()
	m.AddTool(statusTool(), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return nil, tools.Status()
	})
	// A project helper taking the tool and a handler built in another package.
	addOne(s, mcp.NewTool("list_dir"), tools.HandleList("/srv"))
	// Look-alikes: a menu's AddTool, a handler that is no tool handler.
	var menu app.Menu
	menu.AddTool(readTool, func(ctx context.Context, item string) error { return tools.Status() })
	menu.AddTool(readTool, tools.HandleFetch())
}

func statusTool() mcp.Tool { return mcp.NewTool("status") }

func addOne(s *server.MCPServer, t mcp.Tool, h server.ToolHandlerFunc) { s.AddTool(t, h) }
`,
		"internal/app/app.go": `package app

import "github.com/mark3labs/mcp-go/server"

type Server interface{ MCP() *server.MCPServer }

type Menu struct{}

func (Menu) AddTool(tool any, h any) {}
`,
		"internal/tools/tools.go": `package tools

import (
	"context"
	"net/http"
	"os"
	"os/exec"

	"github.com/mark3labs/mcp-go/mcp"
)

const readName = "read_file"

func NewReadTool() mcp.Tool { return mcp.NewTool(readName) }

func NewFetchTool() mcp.Tool { return mcp.NewTool("fetch_url") }

var ExecTool = mcp.NewTool("run_cmd")

func HandleRead(root string) func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		p, _ := req.RequireString("path")
		b, err := os.ReadFile(root + p)
		return mcp.NewToolResultText(string(b)), err
	}
}

func HandleFetch() func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		u, _ := req.RequireString("url")
		_, err := http.Get(u)
		return nil, err
	}
}

func HandleExec(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	c, _ := req.RequireString("cmd")
	return nil, exec.Command(c).Run()
}

func HandleList(root string) func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		_, err := os.ReadDir(root)
		return nil, err
	}
}

func Status() error { _, err := os.Hostname(); return err }

type Ops struct{ root string }

func NewOps() *Ops { return &Ops{} }

func (o *Ops) HandleDelete(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p, _ := req.RequireString("path")
	return nil, os.Remove(o.root + p)
}

func (o *Ops) HandleWrite(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p, _ := req.RequireString("path")
	return nil, os.WriteFile(p, nil, 0o600)
}
`,
	}
	res := writeAndScan(t, root, files)
	var tools []string
	for _, tool := range res.Tools {
		caps := ""
		for _, c := range tool.Capabilities {
			caps += " " + string(c)
		}
		tools = append(tools, tool.Name+caps)
	}
	sort.Strings(tools)
	want := []string{"delete_file file.delete", "fetch_url network.client", "list_dir file.read", "read_file file.read", "run_cmd system.exec",
		"status system.info", "write_file file.write"}
	if !reflect.DeepEqual(tools, want) {
		t.Errorf("tools = %q, want %q", tools, want)
	}
	taint := map[string]string{}
	for _, f := range res.Findings {
		if f.Tainted {
			taint[f.TaintTool] = f.TaintSource
		}
	}
	// A factory's closure takes the tool input (link/factory.go): its
	// request's fields taint read_file and fetch_url, while list_dir's
	// closure reads only the factory's configuration and stays clean.
	wantTaint := map[string]string{"delete_file": "path", "write_file": "path", "run_cmd": "cmd", "read_file": "path", "fetch_url": "url"}
	if !reflect.DeepEqual(taint, wantTaint) {
		t.Errorf("taint sources = %v, want %v", taint, wantTaint)
	}
}
