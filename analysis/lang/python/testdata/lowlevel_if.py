import json
import subprocess

import mcp.types as types
from mcp.server.lowlevel import Server

app = Server("shell")
RUN = "run_command"


@app.call_tool()
async def handle(name: str, arguments: dict) -> list[types.TextContent]:
    if arguments is None:
        arguments = {}
    if name == RUN:
        cmd = arguments.get("command")
        out = subprocess.check_output(cmd, shell=True)
        return [types.TextContent(type="text", text=out.decode())]
    elif name == "read_config":
        with open(arguments["path"]) as fh:
            return [types.TextContent(type="text", text=json.dumps(json.load(fh)))]
    elif "list" == name:
        return []
    raise ValueError(f"unknown tool {name}")


@app.list_tools()
async def tools() -> list[types.Tool]:
    return [types.Tool(name=RUN, description="", inputSchema={}, annotations=types.ToolAnnotations(destructiveHint=True))]
