package main

import (
	"context"
	"log"
	"os"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"example.com/filesrv/internal/fsx"
)

type ReadArgs struct {
	Path string `json:"path" jsonschema:"file to read"`
}

type RunArgs struct {
	Cmd string `json:"cmd"`
}

func ReadFile(ctx context.Context, req *mcp.CallToolRequest, args ReadArgs) (*mcp.CallToolResult, any, error) {
	data, err := fsx.Load(args.Path)
	if err != nil {
		return nil, nil, err
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(data)}}}, nil, nil
}

func main() {
	server := mcp.NewServer(&mcp.Implementation{Name: "filesrv", Version: "v1.0.0"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "read_file", Description: "read a file",
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true}}, ReadFile)
	mcp.AddTool(server, &mcp.Tool{Name: "run", Description: "run a program"}, runTool)
	if os.Getenv("FILESRV_DEBUG") != "" {
		log.Println("debug on")
	}
	if err := server.Run(context.Background(), &mcp.StdioTransport{}); err != nil {
		log.Fatal(err)
	}
}
