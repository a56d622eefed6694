"""FastMCP server running git in local repositories and listing GitHub pull requests."""

import os
import subprocess
from pathlib import Path

import requests
from mcp.server.fastmcp import FastMCP

GITHUB_API = "https://api.github.com"
DEFAULT_TIMEOUT = 15

mcp = FastMCP("git-tools")


def _git(repo_path: str, *args: str) -> str:
    """Run git in repo_path and return its standard output."""
    result = subprocess.run(
        ["git", "-C", repo_path, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@mcp.tool()
def git_status(repo_path: str) -> str:
    """Show the working tree status."""
    return _git(repo_path, "status", "--short", "--branch")


@mcp.tool()
def git_log(repo_path: str, max_count: int = 10) -> str:
    """Show the most recent commits."""
    return _git(repo_path, "log", f"--max-count={max_count}", "--oneline")


@mcp.tool()
def git_commit(repo_path: str, message: str) -> str:
    """Record the staged changes with the given message."""
    return _git(repo_path, "commit", "-m", message)


@mcp.tool()
def write_gitignore(repo_path: str, patterns: list[str]) -> str:
    """Append patterns to the repository's .gitignore."""
    target = Path(repo_path) / ".gitignore"
    existing = target.read_text() if target.exists() else ""
    lines = [p for p in patterns if p not in existing.splitlines()]
    target.write_text(existing + "".join(f"{p}\n" for p in lines))
    return f"added {len(lines)} patterns to {target}"


@mcp.tool()
def list_pull_requests(owner: str, repo: str, state: str = "open") -> list[dict]:
    """List pull requests of a GitHub repository."""
    headers = {"Accept": "application/vnd.github+json"}
    token = os.environ.get("GITHUB_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    resp = requests.get(
        f"{GITHUB_API}/repos/{owner}/{repo}/pulls",
        params={"state": state},
        headers=headers,
        timeout=DEFAULT_TIMEOUT,
    )
    resp.raise_for_status()
    return [{"number": pr["number"], "title": pr["title"]} for pr in resp.json()]


@mcp.tool()
def git_version() -> str:
    """Report the git version the server uses."""
    # mcpriv-ignore: system.exec -- fixed command line, nothing comes from tool input
    return subprocess.check_output(["git", "--version"], text=True).strip()


def main() -> None:
    mcp.run()


if __name__ == "__main__":
    main()
