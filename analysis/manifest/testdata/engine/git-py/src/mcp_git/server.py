"""A git MCP server in the style of mcp-server-git (FastMCP)."""
import os
import subprocess
from pathlib import Path

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("git")
REPO = os.environ.get("GIT_REPO_PATH", ".")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout


@mcp.tool(annotations={"readOnlyHint": True})
def git_status() -> str:
    """Show the working tree status."""
    return git("status")


@mcp.tool(annotations={"readOnlyHint": True})
def git_log(max_count: int = 10) -> str:
    """Show the commit log."""
    return git("log", f"--max-count={max_count}")


@mcp.tool(annotations={"readOnlyHint": False, "destructiveHint": False})
def git_commit(message: str) -> str:
    """Record changes to the repository."""
    with open(".git/COMMIT_EDITMSG", "w") as f:
        f.write(message)
    return subprocess.run(["/usr/bin/git", "commit", "-F", ".git/COMMIT_EDITMSG"], capture_output=True, text=True).stdout


@mcp.tool(annotations={"readOnlyHint": True})
def git_show(path: str) -> str:
    """Show a file of the working tree."""
    return Path(REPO, path).read_text()


@mcp.tool(annotations={"openWorldHint": True})
def git_clone(url: str) -> str:
    """Clone a repository."""
    p = subprocess.Popen(["git", "clone", "--depth", "1", url])
    p.wait()
    return "cloned"


if __name__ == "__main__":
    mcp.run()
