package main

import (
	gosdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// Manager's handlers are method values registered through a project
// wrapper; they are declared in handlers.go, which the extractor of this
// file does not see.
type Manager struct {
	dir string
}

func addTool[In any](s *gosdk.Server, t *gosdk.Tool, h gosdk.ToolHandlerFor[In, any]) {
	gosdk.AddTool(s, t, h)
}

func (m *Manager) Register(s *gosdk.Server) {
	addTool(s, &gosdk.Tool{Name: "remove_file"}, m.HandleRemove)
	addTool(s, &gosdk.Tool{Name: "stat_dir"}, m.HandleStat)
}
