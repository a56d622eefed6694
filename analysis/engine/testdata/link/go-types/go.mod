module example.com/ghmcp

go 1.24

require (
	github.com/google/go-github/v79 v79.0.0
	github.com/mark3labs/mcp-go v0.43.0
)
