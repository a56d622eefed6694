import os
from typing import Annotated

from fastmcp import Context, FastMCP
from pydantic import Field

from .tools import list_dir

app = FastMCP(name="ops")


@app.tool
def env_value(name: Annotated[str, Field(description="variable")]) -> str:
    return os.environ.get(name, "")


@app.tool("kill_process", annotations={"readOnlyHint": False, "destructiveHint": True})
def kill(pid: int, sig: int = 15, ctx: Context = None) -> None:
    os.kill(pid, sig)


app.add_tool(list_dir)


def register(server: FastMCP) -> None:
    @server.tool()
    def hostname() -> str:
        return os.uname().nodename


class Agent:
    def tool(self, f):
        return f


agent = Agent()


@agent.tool
def not_a_tool(x):
    return x
