// Command files-go is an MCP server that reads, writes and cleans up files in
// a project directory and runs the project's tests.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type ReadFileInput struct {
	Path string `json:"path" jsonschema:"path of the file, relative to the project"`
}

type ReadFileOutput struct {
	Content string `json:"content"`
}

func readFile(ctx context.Context, req *mcp.CallToolRequest, in ReadFileInput) (*mcp.CallToolResult, ReadFileOutput, error) {
	p, err := projectPath(in.Path)
	if err != nil {
		return nil, ReadFileOutput{}, err
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, ReadFileOutput{}, err
	}
	return nil, ReadFileOutput{Content: string(data)}, nil
}

type WriteFileInput struct {
	Path    string `json:"path" jsonschema:"path of the file, relative to the project"`
	Content string `json:"content" jsonschema:"the new content"`
}

func writeFile(ctx context.Context, req *mcp.CallToolRequest, in WriteFileInput) (*mcp.CallToolResult, any, error) {
	p, err := projectPath(in.Path)
	if err != nil {
		return nil, nil, err
	}
	if err := os.WriteFile(p, []byte(in.Content), 0o644); err != nil {
		return nil, nil, err
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprintf("wrote %d bytes", len(in.Content))}}}, nil, nil
}

type CleanInput struct {
	Dir string `json:"dir" jsonschema:"build output directory to remove"`
}

func cleanDir(ctx context.Context, req *mcp.CallToolRequest, in CleanInput) (*mcp.CallToolResult, any, error) {
	p, err := projectPath(in.Dir)
	if err != nil {
		return nil, nil, err
	}
	if err := os.RemoveAll(p); err != nil {
		return nil, nil, err
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "removed " + in.Dir}}}, nil, nil
}

type TestInput struct {
	Package string `json:"package" jsonschema:"package pattern, e.g. ./..."`
}

func runTests(ctx context.Context, req *mcp.CallToolRequest, in TestInput) (*mcp.CallToolResult, any, error) {
	cmd := exec.CommandContext(ctx, "go", "test", in.Package)
	cmd.Dir = projectRoot
	out, err := cmd.CombinedOutput()
	res := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(out)}}}
	if err != nil {
		res.IsError = true
	}
	return res, nil, nil
}

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: files-go PROJECT_DIR")
	}
	if err := setRoot(os.Args[1]); err != nil {
		log.Fatal(err)
	}
	server := mcp.NewServer(&mcp.Implementation{Name: "files-go", Version: "v0.1.0"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "read_file", Description: "Read a file of the project"}, readFile)
	mcp.AddTool(server, &mcp.Tool{Name: "write_file", Description: "Create or replace a file of the project"}, writeFile)
	mcp.AddTool(server, &mcp.Tool{Name: "clean", Description: "Remove a build output directory"}, cleanDir)
	mcp.AddTool(server, &mcp.Tool{Name: "run_tests", Description: "Run go test on a package"}, runTests)
	if err := server.Run(context.Background(), &mcp.StdioTransport{}); err != nil {
		log.Fatal(err)
	}
}
