"""Host operations over MCP."""
