"""Weather MCP server, shipped in the same repository with its own manifest."""
import requests
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("weather")


@mcp.tool()
def get_alerts(state: str) -> str:
    """Active weather alerts for a US state."""
    return requests.get("https://api.weather.gov/alerts/active", params={"area": state}).text


if __name__ == "__main__":
    mcp.run()
