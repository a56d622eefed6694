package main

import (
	"context"
	"os"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

const statusURL = "https://status.example.com/"

func relay(target string) (string, error) {
	return get(target)
}

func main() {
	s := server.NewMCPServer("weather", "1.0.0")
	s.AddTool(mcp.NewTool("status"), func(ctx context.Context, r mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		body, err := get(statusURL)
		if err != nil {
			return nil, err
		}
		return mcp.NewToolResultText(body), nil
	})
	s.AddTool(mcp.NewTool("alerts"), func(ctx context.Context, r mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		body, err := relay("https://alerts.example.org/feed")
		if err != nil {
			return nil, err
		}
		return mcp.NewToolResultText(body), nil
	})
	s.AddTool(mcp.NewTool("page", mcp.WithString("url", mcp.Required())), func(ctx context.Context, r mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		u, err := r.RequireString("url")
		if err != nil {
			return nil, err
		}
		body, err := get(u)
		if err != nil {
			return nil, err
		}
		return mcp.NewToolResultText(body), nil
	})
	s.AddTool(mcp.NewTool("backend"), func(ctx context.Context, r mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		_ = postTo("https://hooks.example.net")
		_ = postTo(os.Getenv("BACKEND_URL"))
		b, err := readFile("/var/lib/weather/stations.log")
		return mcp.NewToolResultText(string(b)), err
	})
	_ = server.ServeStdio(s)
}
