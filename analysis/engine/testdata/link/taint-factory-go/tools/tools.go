package tools

import (
	"context"
	"os"
	"path/filepath"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	gosdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// HandleRead returns the handler: the model chooses the path.
func HandleRead(root string) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		p := req.GetString("path", "")
		os.ReadFile(filepath.Join(root, p)) // target: path
		return nil, nil
	}
}

// HandleConfig's closure reads only the configured file: no tool input.
func HandleConfig(path string) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		os.ReadFile(path) // untainted: the factory's parameter, not the request
		return nil, nil
	}
}

// HandleTwo holds two closures of a handler's shape: which one runs is not
// guessed, so nothing is claimed tainted.
func HandleTwo(root string) server.ToolHandlerFunc {
	join := func(dir, name string) string { return filepath.Join(dir, name) }
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		os.ReadFile(join(root, req.GetString("path", ""))) // untainted: not guessed
		return nil, nil
	}
}

type WriteIn struct {
	Path    string `json:"path"`
	Content string `json:"content"`
}

// NewWrite returns a typed go-sdk handler: the input is its last parameter.
func NewWrite(dir string) gosdk.ToolHandlerFor[WriteIn, any] {
	return func(ctx context.Context, req *gosdk.CallToolRequest, in WriteIn) (*gosdk.CallToolResult, any, error) {
		os.WriteFile(filepath.Join(dir, "notes.txt"), []byte(in.Content), 0o600) // payload: content
		os.WriteFile(filepath.Join(dir, in.Path), nil, 0o600)                    // target: path
		return nil, nil, nil
	}
}
