import asyncpg
import aiohttp
import httpx
import requests
from pathlib import Path


def sessions(u):
    s = requests.Session()
    s.get(u)
    s.headers.update({"X": "1"})
    with requests.Session() as s2:
        s2.post(u, json={"a": 1})
    requests.get("https://api.example.com/v1/items", timeout=5).json()


async def async_clients(u, dsn):
    async with httpx.AsyncClient() as client:
        resp = await client.get(u)
        resp.raise_for_status()
    async with aiohttp.ClientSession() as session:
        async with session.get(u) as r:
            await r.text()
    conn = await asyncpg.connect(dsn)
    await conn.fetch("SELECT 1")


def paths(x, s):
    p = Path(x)
    p.read_text()
    (Path(x) / "a").write_text(s)
    cfg = Path.home() / ".config"
    cfg.mkdir(parents=True, exist_ok=True)
    here = Path(__file__).parent
    here.joinpath("data.json").read_bytes()
    Path(x).write_text(s)
    for f in p.iterdir():
        f.unlink()


class Api:
    timeout: int = 3
    session: requests.Session

    def __init__(self, base: str):
        self.base = base
        self.client = httpx.AsyncClient(base_url=base)

    async def fetch(self, path):
        return await self.client.get(self.base + path)

    def sync(self, path):
        return self.session.get(path)

    def helper_user(self, q):
        return self.fetch(q)


def typed(sess: requests.Session, c: "httpx.Client", maybe: httpx.Client | None = None):
    sess.get("https://a.example")
    c.delete("https://b.example")
    maybe.put("https://c.example")
