"""git-tools-mcp: git operations for MCP clients."""

__version__ = "0.2.0"
