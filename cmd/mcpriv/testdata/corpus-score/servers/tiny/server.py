"""A tiny MCP server for the scorer's end-to-end test."""
import os
import subprocess

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("tiny")
TOKEN = os.getenv("TINY_TOKEN")


@mcp.tool()
def read_note(path: str) -> str:
    with open(path) as f:
        return f.read()


@mcp.tool()
def run(command: str) -> str:
    out = subprocess.run(command, shell=True, capture_output=True, text=True)
    return out.stdout


@mcp.tool()
def remove(path: str) -> str:
    os.remove(path)
    return "removed"


if __name__ == "__main__":
    mcp.run()
