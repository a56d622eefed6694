from mcp.server.fastmcp import FastMCP

from app import store
from . import clients
from .clients import Runner, cache, get_db, http, s3

mcp = FastMCP("objflow")


@mcp.tool()
def upload(key: str, body: str) -> str:
    s3.put_object(Bucket="notes", Key=key, Body=body)
    return key


@mcp.tool()
async def forecast(city: str) -> str:
    resp = await http.get("/v1/forecast", params={"q": city})
    return resp.text


@mcp.tool()
def query(sql: str) -> list:
    with get_db().cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


@mcp.tool()
def profile(user: str) -> dict:
    store.db.execute("SELECT 1")
    return store.session.get("https://api.profiles.example/" + user).json()


@mcp.tool()
def stop(argv: list) -> None:
    r = Runner(argv)
    r.child().stdin.write(b"quit\n")
    r.proc.kill()


@mcp.tool()
def forget(key: str) -> None:
    cache.kill(key)
    cache.execute(key)
    clients.s3.list_buckets()
