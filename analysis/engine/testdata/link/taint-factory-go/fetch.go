package main

import (
	"context"
	"net/http"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// A factory in the registering package: the closure's request is the input.
func handleFetch(base string) server.ToolHandlerFunc {
	return func(ctx context.Context, request mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		id, _ := request.RequireString("id")
		http.Get(base + "/items/" + id) // target: id
		http.Get(base + "/health")      // untainted: the factory's configuration
		return nil, nil
	}
}
