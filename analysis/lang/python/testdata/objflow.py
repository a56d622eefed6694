"""Object flow: instances reach their methods through return values,
properties, @contextmanager generators and attributes set from helpers."""
import asyncio
import contextlib
import os
from pathlib import Path

import boto3
import httpx
import psycopg
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("store")
_http = None


def s3():
    return boto3.client("s3", region_name=os.environ.get("AWS_REGION"))


def http() -> httpx.AsyncClient:
    global _http
    if _http is None:
        _http = httpx.AsyncClient(base_url="https://api.example.com")
    return _http


@contextlib.contextmanager
def database():
    conn = psycopg.connect(os.environ["DSN"])
    try:
        yield conn
    finally:
        conn.close()


class Workspace:
    def __init__(self, root: str):
        self.root = Path(root)
        self.runner = self._runner()

    def _runner(self):
        return Runner()

    @property
    def notes(self):
        return self.root / "notes"

    def read(self, name: str) -> str:
        return (self.notes / name).read_text()


class Runner:
    async def run(self, argv):
        self.proc = await asyncio.create_subprocess_exec(*argv)
        return await self.proc.communicate()

    def stop(self):
        self.proc.kill()


class Scoreboard:
    def __init__(self):
        self.items = {}

    def kill(self, player):
        self.items.pop(player, None)


def board():
    return Scoreboard()


@mcp.tool()
def upload(bucket: str, key: str, body: str) -> str:
    s3().put_object(Bucket=bucket, Key=key, Body=body)
    return "ok"


@mcp.tool()
async def fetch(path: str) -> str:
    r = await http().get(path)
    return r.text


@mcp.tool()
def query(sql: str) -> list:
    with database() as c:
        return c.execute(sql).fetchall()


@mcp.tool()
def note(name: str) -> str:
    return Workspace("/srv").read(name)


@mcp.tool()
async def shell(argv: list[str]) -> str:
    w = Workspace("/srv")
    out, _ = await w.runner.run(argv)
    w.runner.stop()
    board().kill(argv[0])
    return out.decode()
