"""The same host over the low-level Server: handler classes in a registry."""

import os
import signal
import subprocess

from mcp.server import Server
from mcp.types import TextContent, Tool

app = Server("ops-lowlevel")


class BaseHandler:
    name = ""
    description = ""

    async def execute(self, arguments: dict) -> str:
        raise NotImplementedError


class KillHandler(BaseHandler):
    name = "kill_process"
    description = "Send SIGTERM to a process"

    async def execute(self, arguments: dict) -> str:
        os.kill(int(arguments["pid"]), signal.SIGTERM)
        return "sent"


class PsHandler(BaseHandler):
    name = "list_processes"
    description = "List processes"

    async def execute(self, arguments: dict) -> str:
        return subprocess.run(["ps", "aux"], capture_output=True, text=True).stdout


HANDLERS = [KillHandler(), PsHandler()]
BY_NAME = {h.name: h for h in HANDLERS}


@app.list_tools()
async def list_tools() -> list[Tool]:
    return [Tool(name=h.name, description=h.description, inputSchema={"type": "object"}) for h in HANDLERS]


@app.call_tool()
async def call_tool(name: str, arguments: dict) -> list[TextContent]:
    handler = BY_NAME.get(name)
    if handler is None:
        raise ValueError(f"unknown tool {name}")
    return [TextContent(type="text", text=await handler.execute(arguments))]
