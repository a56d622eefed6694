package main

import (
	"context"
	"os/exec"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func runTool(ctx context.Context, req *mcp.CallToolRequest, args RunArgs) (*mcp.CallToolResult, any, error) {
	out, err := runIt(ctx, args.Cmd)
	if err != nil {
		return nil, nil, err
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: out}}}, nil, nil
}

func runIt(ctx context.Context, name string) (string, error) {
	out, err := exec.CommandContext(ctx, name).Output()
	return string(out), err
}
