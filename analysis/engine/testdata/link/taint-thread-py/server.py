"""Blocking work moved off the event loop: the thread runs the function
with the arguments after it, so tool input reaches its parameters."""
import asyncio
import subprocess
from concurrent.futures import ThreadPoolExecutor

import anyio
from mcp.server.fastmcp import FastMCP

from helpers import fetch

mcp = FastMCP("threads")
pool = ThreadPoolExecutor(max_workers=2)


def read_file(path, encoding="utf-8"):
    with open(path, encoding=encoding) as f:  # target: path (to_thread)
        return f.read()


def read_loop(path):
    return open(path).read()  # target: path (run_in_executor)


def read_pool(path):
    return open(path).read()  # target: path (submit)


def read_anyio(path):
    return open(path).read()  # target: path (anyio run_sync)


def read_other(path):
    with open(path) as f:  # untainted: only look_alikes runs it, with a literal
        return f.read()


def read_again(path):
    with open(path) as f:  # untainted: Jobs.submit is no executor
        return f.read()


def read_config(_path):
    with open("/etc/app.conf") as f:  # untainted: the argument is not used
        return f.read()


class Store:
    def __init__(self, root):
        self.root = root

    def load(self, name):
        return open(self.root + "/" + name).read()  # target: name

    async def get(self, name):
        return await asyncio.to_thread(self.load, name)


class Jobs:
    """Not an executor: its submit is the project's, not a thread's."""

    def submit(self, fn, *args):
        return None


@mcp.tool()
async def to_thread(path: str) -> str:
    return await asyncio.to_thread(read_file, path, encoding="utf-8")


@mcp.tool()
async def executor(path: str) -> str:
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, read_loop, path)
    return pool.submit(read_pool, path).result()


@mcp.tool()
async def run_sync(path: str) -> str:
    return await anyio.to_thread.run_sync(read_anyio, path)


@mcp.tool()
async def method(name: str) -> str:
    return await Store("/srv/data").get(name)


@mcp.tool()
async def program(name: str) -> str:
    await asyncio.to_thread(subprocess.run, ["git", "log", name], check=True)  # payload: name
    return await asyncio.to_thread(fetch, name)


@mcp.tool()
async def look_alikes(path: str) -> str:
    await asyncio.to_thread(read_config, path)
    Jobs().submit(read_again, path)
    return await asyncio.to_thread(read_other, "/etc/hosts")
