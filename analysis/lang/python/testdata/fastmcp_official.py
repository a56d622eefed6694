import subprocess
from pathlib import Path

import httpx
from mcp.server.fastmcp import Context, FastMCP
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

mcp = FastMCP("files")
READ_NAME = "read_file"
ROOT = Path("/srv/data")


class SearchInput(BaseModel):
    query: str
    limit: int = 10


@mcp.tool(name=READ_NAME, annotations=ToolAnnotations(readOnlyHint=True, openWorldHint=False))
def read(path: str, ctx: Context) -> str:
    """Read a file."""
    return (ROOT / path).read_text()


@mcp.tool()
async def search(args: SearchInput, ctx: Context) -> list[str]:
    async with httpx.AsyncClient() as client:
        r = await client.get("https://api.example.com/search", params={"q": args.query})
    return r.json()


@mcp.tool(annotations={"destructiveHint": True})
def run_command(command: str, cwd: str = ".") -> str:
    return subprocess.run(command, shell=True, cwd=cwd, capture_output=True, text=True).stdout


def write_file(path: str, content: str) -> None:
    Path(path).write_text(content)


def delete_file(path: str):
    Path(path).unlink()


mcp.add_tool(write_file, name="write", description="Write a file")
mcp.tool(name="delete")(delete_file)

if __name__ == "__main__":
    mcp.run(transport="streamable-http")
