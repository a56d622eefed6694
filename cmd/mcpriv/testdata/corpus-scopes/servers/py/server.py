# A tiny server of ours for the scope benchmark's end-to-end test.
import subprocess

import requests
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("tiny")


@mcp.tool()
def status() -> str:
    return requests.get("https://api.example.com/status").text


@mcp.tool()
def fetch(url: str) -> str:
    return requests.get(url).text


@mcp.tool()
def clone() -> str:
    # github.com is reached through git: a host the labels list and the
    # engine cannot see in the call.
    return subprocess.run(["git", "clone", "https://github.com/acme/tiny"], capture_output=True, text=True).stdout


@mcp.tool()
def config() -> str:
    with open("/etc/tiny/config.toml") as f:
        return f.read()


if __name__ == "__main__":
    mcp.run()
