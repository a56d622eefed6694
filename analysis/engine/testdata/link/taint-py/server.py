"""Tool input reaching sensitive calls: the forms, the role it plays, and look-alikes."""
import os
import subprocess
from pathlib import Path
from typing import Annotated

import requests
from pydantic import BaseModel, Field
from mcp.server.fastmcp import FastMCP

from helpers import read_it

mcp = FastMCP("taint")
API = "https://api.example.com"


class ReadArgs(BaseModel):
    path: str
    encoding: str = "utf-8"


@mcp.tool()
def model_field(args: ReadArgs) -> str:
    return open(args.path).read()  # target: path


@mcp.tool()
def annotated(path: Annotated[str, Field(description="file")]) -> str:
    return open(path).read()  # target: path


@mcp.tool()
def strings(name: str, host: str) -> str:
    open("/data/%s.txt" % name).read()  # target: name
    open("/data/{}.txt".format(name.strip())).read()  # target: name
    return requests.get(f"https://{host}/api").text  # target: host


@mcp.tool()
def joins(name: str) -> str:
    open(os.path.join("/data", name)).read()  # target: name
    return (Path("/data") / name).read_text()  # target: name


@mcp.tool()
def bodies(content: str, q: str, item: str) -> str:
    requests.post(API + "/notes", json={"text": content})  # payload: content
    requests.get(API + "/search", params={"q": q})  # payload: q
    requests.get(f"{API}/search?q={q}")  # payload: q
    body = {"notes": {}}
    body["notes"][item] = {"text": content}
    requests.post(API + "/bulk", json=body)  # payload: content
    other = {"a": 1}
    other["b"] = 2
    requests.post(API + "/other", json=other)  # untainted
    return requests.get(f"{API}/items/{item}").text  # target: item (a path on a literal host)


@mcp.tool()
def programs(filename: str, script: str) -> str:
    subprocess.run(["soffice", "--convert", filename])  # payload: filename
    subprocess.run(["bash", "-c", script])  # target: script
    cmd = ["git", "log"]
    cmd.append(filename)
    subprocess.run(cmd)  # target: filename (the list's words are unknown here)
    fixed = ["git", "status"]
    fixed.append("--short")
    subprocess.run(fixed)  # untainted
    return "ok"


@mcp.tool()
def helper(path: str) -> str:
    return read_it(path)  # target in helpers.py


@mcp.tool()
def look_alikes(path: str) -> str:
    home = os.path.expanduser("~")
    open(os.path.join(home, ".config")).read()  # untainted: not tool input
    requests.get(os.environ["API_URL"])  # untainted
    with open("/tmp/fixed.txt", "w") as f:  # untainted: the content goes through the handle
        f.write(path)
    return open("/etc/hosts").read()  # untainted
