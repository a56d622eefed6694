import asyncio
import httpx
import mcp.types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

server = Server("fetcher")


@server.list_tools()
async def list_tools() -> list[types.Tool]:
    return [
        types.Tool(name="fetch", description="Fetch a URL", inputSchema={}, annotations=types.ToolAnnotations(openWorldHint=True)),
        types.Tool(name="status", description="Service status", inputSchema={}, annotations=types.ToolAnnotations(readOnlyHint=True)),
    ]


@server.call_tool()
async def call_tool(name: str, arguments: dict) -> list[types.TextContent]:
    if name == "fetch":
        async with httpx.AsyncClient() as client:
            r = await client.get(arguments["url"])
        return [types.TextContent(type="text", text=r.text)]
    elif name == "status":
        with open("/var/run/fetcher.status") as f:
            return [types.TextContent(type="text", text=f.read())]
    raise ValueError(f"unknown tool {name}")


async def main():
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


if __name__ == "__main__":
    asyncio.run(main())
