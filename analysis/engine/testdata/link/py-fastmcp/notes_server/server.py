import os
from pathlib import Path

import requests
from mcp.server.fastmcp import FastMCP, Context

from .gitops import run_git

mcp = FastMCP("notes")
NOTES = Path(os.environ.get("NOTES_DIR", "~/notes")).expanduser()


@mcp.tool()
def write_note(name: str, body: str, ctx: Context) -> str:
    """Write a note."""
    target = NOTES / name
    target.write_text(body)
    return "ok"


@mcp.tool(name="git_log", annotations={"readOnlyHint": True})
def log(repo: str, limit: int = 10) -> str:
    return run_git(args=["log", f"-{limit}"], repo=repo)


@mcp.tool()
async def fetch_issue(number: int) -> str:
    r = requests.get(f"https://api.github.com/repos/acme/app/issues/{number}", timeout=10)
    return r.text


def re_lookalike(cursor, pattern):
    import re
    cursor.execute("select 1")  # not a privilege
    return re.compile(pattern)


if __name__ == "__main__":
    mcp.run()
