package engine

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestGoToolTablesAcrossPackages scans a module whose tools are a table a
// function of another package returns, named by constants of a third
// package that mentions no rule's words (skipped by the pre-filter), with
// handlers that are methods of a service type of a fourth: the scan reads
// the imported packages, names the tools and links their handlers.
func TestGoToolTablesAcrossPackages(t *testing.T) {
	files := map[string]string{
		"go.mod": `module example.com/srv

go 1.22
`,
		"main.go": `package main

import (
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"example.com/srv/svc"
	"example.com/srv/tools"
)

func main() {
	s := server.NewMCPServer("x", "1")
	service := svc.New("/")
	for _, t := range tools.All(service) {
		s.AddTool(t.Tool, t.Handler)
	}
	for name, h := range tools.Handlers(service) {
		s.AddTool(mcp.NewTool(name), h)
	}
	s.AddTool(mcp.NewTool("direct_read"), service.Read)
}
`,
		"names/names.go": `package names

const (
	ReadTool  = "read_file"
	ExecTool  = "run_cmd"
)
`,
		"svc/svc.go": `package svc

import (
	"context"
	"os"
	"os/exec"

	"github.com/mark3labs/mcp-go/mcp"
)

type Service struct{ root string }

func New(root string) *Service { return &Service{root: root} }

func (s *Service) Read(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p, _ := req.RequireString("path")
	os.ReadFile(p)
	return nil, nil
}

func (s *Service) Exec(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	c, _ := req.RequireString("cmd")
	cmd := exec.CommandContext(ctx, "sh", "-c", c)
	cmd.Run()
	return nil, nil
}
`,
		"tools/tools.go": `package tools

import (
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"example.com/srv/names"
	"example.com/srv/svc"
)

type ToolDef struct {
	Tool    mcp.Tool
	Handler server.ToolHandlerFunc
}

func All(s *svc.Service) []ToolDef {
	return []ToolDef{
		{Tool: mcp.NewTool(names.ReadTool), Handler: s.Read},
		{Tool: mcp.NewTool(names.ExecTool), Handler: s.Exec},
	}
}

func Handlers(s *svc.Service) map[string]server.ToolHandlerFunc {
	return map[string]server.ToolHandlerFunc{
		"map_read": s.Read,
		"map_exec": s.Exec,
	}
}
`,
	}
	root := t.TempDir()
	for p, src := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, tl := range res.Tools {
		for _, c := range tl.Capabilities {
			got[tl.Name] = append(got[tl.Name], string(c))
		}
		if _, ok := got[tl.Name]; !ok {
			got[tl.Name] = nil
		}
	}
	for name, want := range map[string]string{"read_file": "file.read", "run_cmd": "system.exec", "direct_read": "file.read"} {
		if caps, ok := got[name]; !ok || !slices.Contains(caps, want) {
			t.Errorf("tool %s: %v (reported %v), want %s; tools %v", name, caps, ok, want, got)
		}
	}
}
