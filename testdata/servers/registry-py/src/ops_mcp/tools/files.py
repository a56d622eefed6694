"""File tools, declared with the project's decorator and on the server object."""

from pathlib import Path

from ops_mcp.registry import tool
from ops_mcp.server import mcp


@tool("read_text", annotations={"readOnlyHint": True})
def read_text(path: str) -> str:
    return Path(path).read_text()


@tool()
def write_text(path: str, content: str) -> str:
    Path(path).write_text(content)
    return "ok"


@mcp.tool()
def file_size(path: str) -> int:
    return Path(path).stat().st_size
