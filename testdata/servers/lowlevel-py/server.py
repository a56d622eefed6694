"""Web fetch MCP server written against the official SDK's low-level Server API."""

import json
import os
import tempfile

import anyio
import httpx
import mcp.types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

USER_AGENT = "web-fetch-lowlevel/0.1 (+https://example.org/bot)"
WEATHER_API = "https://api.open-meteo.com"

app = Server("web-fetch")


@app.list_tools()
async def list_tools() -> list[types.Tool]:
    return [
        types.Tool(
            name="fetch_url",
            description="Fetch a URL and return its body as text",
            inputSchema={"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}}},
        ),
        types.Tool(
            name="get_weather",
            description="Current weather at a latitude and longitude",
            inputSchema={
                "type": "object",
                "required": ["latitude", "longitude"],
                "properties": {"latitude": {"type": "number"}, "longitude": {"type": "number"}},
            },
        ),
        types.Tool(
            name="save_snapshot",
            description="Fetch a URL and keep a copy in a temporary file",
            inputSchema={"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}}},
        ),
    ]


@app.call_tool()
async def call_tool(name: str, arguments: dict) -> list[types.TextContent]:
    if name == "fetch_url":
        url = arguments["url"]
        async with httpx.AsyncClient(follow_redirects=True, headers={"User-Agent": USER_AGENT}) as client:
            response = await client.get(url, timeout=30)
            response.raise_for_status()
        return [types.TextContent(type="text", text=response.text)]
    elif name == "get_weather":
        params = {
            "latitude": arguments["latitude"],
            "longitude": arguments["longitude"],
            "current": "temperature_2m,wind_speed_10m",
        }
        async with httpx.AsyncClient(base_url=WEATHER_API, timeout=10) as client:
            response = await client.get("/v1/forecast", params=params)
        return [types.TextContent(type="text", text=json.dumps(response.json()["current"]))]
    elif name == "save_snapshot":
        url = arguments["url"]
        async with httpx.AsyncClient(follow_redirects=True) as client:
            body = (await client.get(url)).text
        fd, path = tempfile.mkstemp(prefix="snapshot-", suffix=".html")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(body)
        return [types.TextContent(type="text", text=f"saved {len(body)} characters to {path}")]
    else:
        raise ValueError(f"Unknown tool: {name}")


async def run() -> None:
    async with stdio_server() as (read_stream, write_stream):
        await app.run(read_stream, write_stream, app.create_initialization_options())


def main() -> None:
    anyio.run(run)


if __name__ == "__main__":
    main()
