"""A second server of the package: tools share the HTTP client the lifespan
opens, and one handler is a partial binding the spool directory."""

import os
from contextlib import asynccontextmanager
from functools import partial

import httpx
from mcp.server.fastmcp import Context, FastMCP


class Clients:
    def __init__(self, http: httpx.AsyncClient):
        self.http = http


@asynccontextmanager
async def lifespan(server: FastMCP):
    http = httpx.AsyncClient(base_url="https://status.example.com")
    try:
        yield Clients(http)
    finally:
        await http.aclose()


fetcher = FastMCP("fetcher", lifespan=lifespan)


@fetcher.tool()
async def fetch_status(path: str, ctx: Context) -> str:
    """Fetch a status page through the shared client."""
    response = await ctx.request_context.lifespan_context.http.get(path)
    return response.text


def remove_file(root: str, name: str) -> str:
    os.remove(os.path.join(root, name))
    return "removed"


fetcher.add_tool(partial(remove_file, "/srv/spool"), name="remove_spool_file")
