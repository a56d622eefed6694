package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

const api = "https://api.example.com"

type readInput struct {
	Path string `json:"path"`
}

func main() {
	s := server.NewMCPServer("taint", "1.0.0")
	s.AddTool(mcp.NewTool("get_string"), getString)
	s.AddTool(mcp.NewTool("arguments"), arguments)
	s.AddTool(mcp.NewTool("bind"), bind)
	s.AddTool(mcp.NewTool("strings"), stringsTool)
	s.AddTool(mcp.NewTool("bodies"), bodies)
	s.AddTool(mcp.NewTool("programs"), programs)
	s.AddTool(mcp.NewTool("kill"), kill)
	s.AddTool(mcp.NewTool("look_alikes"), lookAlikes)
	server.ServeStdio(s)
}

func getString(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p := req.GetString("path", "")
	os.ReadFile(p) // target: path
	readIt(p)      // target in helper.go
	return nil, nil
}

func arguments(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	args := req.GetArguments()
	p, _ := args["path"].(string)
	os.ReadFile(p) // target: path
	return nil, nil
}

func bind(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	var in readInput
	if err := req.BindArguments(&in); err != nil {
		return nil, err
	}
	os.ReadFile(in.Path) // target: path
	return nil, nil
}

func stringsTool(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	host := req.GetString("host", "")
	http.Get(fmt.Sprintf("https://%s/api", host)) // target: host
	name := strings.TrimSpace(req.GetString("name", ""))
	os.WriteFile(filepath.Join("/data", name), nil, 0o600) // target: name
	http.Get(api + "/items/" + name)                       // target: name (a path on a literal host)
	http.Get(api + "/search?q=" + name)                    // payload: name
	return nil, nil
}

func bodies(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	content := req.GetString("content", "")
	os.WriteFile("/tmp/fixed.txt", []byte(content), 0o600)                // payload: content
	http.Post(api+"/notes", "text/plain", bytes.NewBufferString(content)) // payload: content
	return nil, nil
}

func programs(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	file := req.GetString("file", "")
	exec.Command("soffice", "--convert", file) // payload: file
	exec.Command("sh", "-c", file)             // target: file
	return nil, nil
}

func kill(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	p, _ := os.FindProcess(req.GetInt("pid", 0))
	p.Kill() // target: pid
	self, _ := os.FindProcess(os.Getpid())
	self.Signal(os.Interrupt) // untainted
	return nil, nil
}

func lookAlikes(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	_ = req.GetString("path", "")
	home, _ := os.UserHomeDir()
	os.ReadFile(filepath.Join(home, ".config"))           // untainted
	os.ReadFile(os.Getenv("CONFIG_PATH"))                 // untainted
	os.WriteFile("/tmp/log.txt", []byte("called"), 0o600) // untainted
	return nil, nil
}
