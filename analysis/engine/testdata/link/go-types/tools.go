package ghmcp

import (
	"context"
	"os"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"example.com/ghmcp/internal/raw"
)

// GetMe is the get_me tool: getClient's type is declared in types.go.
func GetMe(getClient GetClientFn) (mcp.Tool, server.ToolHandlerFunc) {
	return mcp.NewTool("get_me", mcp.WithDescription("the authenticated user")),
		func(ctx context.Context, request mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			client, err := getClient(ctx)
			if err != nil {
				return nil, err
			}
			user, _, err := client.Users.Get(ctx, "")
			if err != nil {
				return nil, err
			}
			return mcp.NewToolResultText(user.GetLogin()), nil
		}
}

// listIssues is a method of Server, declared in types.go with its client field.
func (s *Server) listIssues(ctx context.Context, request mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	owner, err := request.RequireString("owner")
	if err != nil {
		return nil, err
	}
	issues, _, err := s.client.Issues.ListByRepo(ctx, owner, "repo", nil)
	if err != nil {
		return nil, err
	}
	return mcp.NewToolResultText(issues[0].GetTitle()), nil
}

// getRef goes through a field whose type is a named type of types.go.
func (s *Server) getRef(ctx context.Context, request mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	ref, _ := request.RequireString("ref")
	c, err := s.deps.GetClient(ctx)
	if err != nil {
		return nil, err
	}
	r, _, err := c.Git.GetRef(ctx, "o", "r", ref)
	if err != nil {
		return nil, err
	}
	return mcp.NewToolResultText(r.GetURL()), nil
}

// GetRaw uses a getter type of another package of the project.
func GetRaw(getRawClient raw.GetRawClientFn) (mcp.Tool, server.ToolHandlerFunc) {
	return mcp.NewTool("get_raw", mcp.WithString("url", mcp.Required())),
		func(ctx context.Context, request mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			u, _ := request.RequireString("url")
			rc, err := getRawClient(ctx)
			if err != nil {
				return nil, err
			}
			resp, err := rc.HTTP.Get(u)
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			return mcp.NewToolResultText(resp.Status), nil
		}
}

// readFile reassigns the path in a branch: it stays tool input.
func readFile(ctx context.Context, request mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p, err := request.RequireString("path")
	if err != nil {
		return nil, err
	}
	cwd, _ := os.Getwd()
	if p == "." {
		p = cwd
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	return mcp.NewToolResultText(string(data)), nil
}
