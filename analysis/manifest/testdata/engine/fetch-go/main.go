// Command fetch is an MCP server that fetches web pages (mcp-go, streamable HTTP).
package main

import (
	"context"
	"io"
	"net/http"
	"os"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

var userAgent = os.Getenv("FETCH_USER_AGENT")

func main() {
	s := server.NewMCPServer("fetch", "1.0.0")
	s.AddTool(mcp.NewTool("fetch",
		mcp.WithDescription("Fetch a URL"),
		mcp.WithString("url", mcp.Required()),
		mcp.WithReadOnlyHintAnnotation(true),
		mcp.WithOpenWorldHintAnnotation(true),
	), fetch)
	s.AddTool(mcp.NewTool("fetch_robots",
		mcp.WithDescription("Fetch robots.txt of example.com"),
		mcp.WithOpenWorldHintAnnotation(false),
	), fetchRobots)
	httpServer := server.NewStreamableHTTPServer(s)
	if err := http.ListenAndServe(":8080", httpServer); err != nil {
		os.Exit(1)
	}
}

func fetch(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	url, err := req.RequireString("url")
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	r.Header.Set("User-Agent", userAgent)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	f, err := os.CreateTemp("", "fetch-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	io.Copy(f, resp.Body)
	return mcp.NewToolResultText(f.Name()), nil
}

func fetchRobots(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	resp, err := http.Get("https://example.com/robots.txt")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return mcp.NewToolResultText(string(b)), nil
}
