"""Config MCP server: shows the service configuration."""
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("config")


@mcp.tool()
def read_config() -> str:
    """Return the service configuration."""
    with open("/etc/app/config.toml") as f:
        return f.read()


if __name__ == "__main__":
    mcp.run()
