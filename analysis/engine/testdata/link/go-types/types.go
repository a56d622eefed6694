package ghmcp

import (
	"context"

	"github.com/google/go-github/v79/github"
	"github.com/mark3labs/mcp-go/server"
)

// GetClientFn returns the REST client for a request (the token may differ).
type GetClientFn func(context.Context) (*github.Client, error)

// Server holds the client and the MCP server its tools are registered on.
type Server struct {
	client *github.Client
	mcp    *server.MCPServer
	deps   Deps
}

// Deps is what handlers get: a getter whose type is itself a named type.
type Deps struct {
	GetClient GetClientFn
}
