from enum import Enum
from pathlib import Path

import git
from mcp.server import Server
from mcp.server.stdio import stdio_server
from mcp.types import TextContent, Tool, ToolAnnotations


class GitTools(str, Enum):
    STATUS = "git_status"
    COMMIT = "git_commit"
    RESET = "git_reset"


def git_status(repo: git.Repo) -> str:
    return repo.git.status()


async def serve(repository: Path | None) -> None:
    server = Server("mcp-git")

    @server.list_tools()
    async def list_tools() -> list[Tool]:
        return [
            Tool(name=GitTools.STATUS, description="status", inputSchema={},
                 annotations=ToolAnnotations(readOnlyHint=True)),
            Tool(name="git_reset", description="reset", inputSchema={},
                 annotations={"destructiveHint": True, "readOnlyHint": False}),
        ]

    @server.call_tool()
    async def call_tool(name: str, arguments: dict) -> list[TextContent]:
        repo_path = Path(arguments["repo_path"])
        repo = git.Repo(repo_path)
        match name:
            case GitTools.STATUS:
                status = git_status(repo)
                return [TextContent(type="text", text=status)]
            case GitTools.COMMIT:
                repo.index.commit(arguments["message"])
                return []
            case GitTools.RESET.value | "git_hard_reset":
                repo.index.reset()
                return []
            case _:
                raise ValueError(name)

    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())
