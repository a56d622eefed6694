package main

import (
	"context"
	"os"
	"path/filepath"

	gosdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

type removeInput struct {
	Name string `json:"name"`
}

// HandleRemove is typed: the decoded arguments are its last parameter.
func (m *Manager) HandleRemove(ctx context.Context, req *gosdk.CallToolRequest, in removeInput) (*gosdk.CallToolResult, any, error) {
	return nil, nil, os.Remove(filepath.Join(m.dir, in.Name)) // target: name
}

// HandleStat reads only the manager's directory: the request is unused.
func (m *Manager) HandleStat(ctx context.Context, req *gosdk.CallToolRequest, in struct{}) (*gosdk.CallToolResult, any, error) {
	_, err := os.Stat(m.dir) // untainted: configuration
	return nil, nil, err
}
