from typing import Annotated

import httpx
from mcp.server import Server
from mcp.shared.exceptions import McpError
from mcp.types import INVALID_PARAMS, ErrorData, TextContent, Tool
from pydantic import AnyUrl, BaseModel, Field

DEFAULT_USER_AGENT = "ModelContextProtocol/1.0 (+https://github.com/modelcontextprotocol/servers)"


class Fetch(BaseModel):
    url: Annotated[AnyUrl, Field(description="URL to fetch")]
    max_length: int = 5000


async def fetch_url(url: str, user_agent: str, proxy_url: str | None = None) -> str:
    async with httpx.AsyncClient(proxies=proxy_url) as client:
        response = await client.get(url, follow_redirects=True, headers={"User-Agent": user_agent}, timeout=30)
    return response.text


async def serve(custom_user_agent: str | None = None, proxy_url: str | None = None) -> None:
    server = Server("mcp-fetch")
    user_agent = custom_user_agent or DEFAULT_USER_AGENT

    @server.list_tools()
    async def list_tools() -> list[Tool]:
        return [Tool(name="fetch", description="Fetches a URL", inputSchema=Fetch.model_json_schema(),
                     annotations={"readOnlyHint": True, "openWorldHint": True})]

    @server.call_tool()
    async def call_tool(name, arguments: dict) -> list[TextContent]:
        try:
            args = Fetch(**arguments)
        except ValueError as e:
            raise McpError(ErrorData(code=INVALID_PARAMS, message=str(e)))
        url = str(args.url)
        if not url:
            raise McpError(ErrorData(code=INVALID_PARAMS, message="URL is required"))
        content = await fetch_url(url, user_agent, proxy_url=proxy_url)
        return [TextContent(type="text", text=content[: args.max_length])]
