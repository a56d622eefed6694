package main

import (
	"bytes"
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
		note, _ := request.RequireString("note")
		post, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/notes", bytes.NewBufferString(note))
		http.DefaultClient.Do(post) // payload: note (the body of a request to a fixed URL)
		del, _ := http.NewRequestWithContext(ctx, http.MethodDelete, base+"/items/"+id, bytes.NewBufferString(note))
		http.DefaultClient.Do(del) // target: id (the URL), the body besides
		return nil, nil
	}
}
