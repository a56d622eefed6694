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
