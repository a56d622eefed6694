import os

from mcp.server.fastmcp import FastMCP

from .client import http

mcp = FastMCP("scopes-py")
BASE = os.environ.get("REGISTRY_URL", "https://registry.example.net")


@mcp.tool()
def lookup(name: str) -> str:
    return http.get(BASE + "/packages/" + name).text


@mcp.tool()
def upload(data: str) -> str:
    return http.post("https://upload.example.net/put", content=data).text
