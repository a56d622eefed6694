import os
import shutil

from mcp.server import Server
from mcp.types import TextContent

server = Server("files")


async def read_file(arguments: dict) -> str:
    with open(arguments["path"]) as f:
        return f.read()


async def delete_tree(arguments: dict) -> str:
    shutil.rmtree(arguments["path"])
    return "ok"


TOOL_HANDLERS = {
    "read_file": read_file,
    "delete_tree": delete_tree,
    "whoami": lambda arguments: os.getlogin(),
}


@server.call_tool()
async def call_tool(name: str, arguments: dict) -> list[TextContent]:
    if name not in TOOL_HANDLERS:
        raise ValueError(f"unknown tool {name}")
    text = await TOOL_HANDLERS[name](arguments)
    return [TextContent(type="text", text=text)]
