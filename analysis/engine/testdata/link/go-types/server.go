package ghmcp

import (
	"context"

	"github.com/google/go-github/v79/github"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"example.com/ghmcp/internal/raw"
)

// New registers the tools.
func New(gh *github.Client, getRaw raw.GetRawClientFn) *Server {
	s := &Server{client: gh, mcp: server.NewMCPServer("github", "1.0.0")}
	s.deps.GetClient = func(context.Context) (*github.Client, error) { return gh, nil }
	s.mcp.AddTool(GetMe(s.deps.GetClient))
	s.mcp.AddTool(GetRaw(getRaw))
	s.mcp.AddTool(mcp.NewTool("list_issues", mcp.WithString("owner", mcp.Required())), s.listIssues)
	s.mcp.AddTool(mcp.NewTool("get_ref", mcp.WithString("ref", mcp.Required())), s.getRef)
	s.mcp.AddTool(mcp.NewTool("read_file", mcp.WithString("path", mcp.Required())), readFile)
	return s
}
