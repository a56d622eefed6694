package main

import (
	"context"
	"os"
	"os/exec"

	"github.com/mark3labs/mcp-go/mcp"
)

type scanArgs struct {
	target string
	format string
}

// parseScanArgs reads the request into a struct: its fields derive from
// the request as a whole, not from request fields of the same name.
func parseScanArgs(req mcp.CallToolRequest) scanArgs {
	return scanArgs{target: req.GetString("target", ""), format: req.GetString("format", "json")}
}

func handleScan(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	a := parseScanArgs(req)
	exec.Command("trivy", "fs", a.target).Run() // payload: arguments (a fixed program)
	os.ReadFile(a.target)                       // target: arguments
	cfg := loadDefaults(ctx)
	os.ReadFile(cfg.target) // untainted: derived from the context, not the request
	return nil, nil
}

func loadDefaults(ctx context.Context) scanArgs {
	return scanArgs{target: "/etc/trivy.yaml"}
}
