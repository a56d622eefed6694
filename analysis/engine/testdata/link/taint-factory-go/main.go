package main

import (
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	gosdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"example.com/factory/tools"
)

func main() {
	s := server.NewMCPServer("factory", "1.0.0")
	s.AddTool(mcp.NewTool("read_file"), tools.HandleRead("/srv/data"))
	s.AddTool(mcp.NewTool("config_only"), tools.HandleConfig("/etc/app.conf"))
	s.AddTool(mcp.NewTool("two_closures"), tools.HandleTwo("/srv/data"))
	s.AddTool(mcp.NewTool("fetch"), handleFetch("https://api.example.com"))
	s.AddTool(mcp.NewTool("scan"), handleScan)
	g := gosdk.NewServer(nil, nil)
	gosdk.AddTool(g, &gosdk.Tool{Name: "write_file"}, tools.NewWrite("/srv/out"))
	server.ServeStdio(s)
}
