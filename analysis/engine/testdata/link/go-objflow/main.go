package main

import (
	"context"
	"net/http"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func main() {
	s := server.NewMCPServer("objflow", "1.0.0")
	s.AddTool(mcp.NewTool("pods", mcp.WithString("namespace", mcp.Required())), listPods)
	s.AddTool(mcp.NewTool("fetch", mcp.WithString("url", mcp.Required())), fetch)
	s.AddTool(mcp.NewTool("stop"), stop)
	server.ServeStdio(s)
}

func listPods(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	ns, _ := req.RequireString("namespace")
	cs, err := newClientset("")
	if err != nil {
		return nil, err
	}
	cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	return mcp.NewToolResultText("ok"), nil
}

func fetch(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	u, _ := req.RequireString("url")
	r, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	httpClient.Do(r)
	return mcp.NewToolResultText("ok"), nil
}

func stop(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	worker.Process.Kill()
	jobs.Kill()
	return mcp.NewToolResultText("stopped"), nil
}
