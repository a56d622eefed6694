"""Process tools registered in a loop over a literal table, plus look-alikes."""

import subprocess

from ops_mcp.server import mcp


def run_uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout


def run_command(command: str) -> str:
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout


COMMANDS = {"uptime": run_uptime, "run_command": run_command}

for tool_name, handler in COMMANDS.items():
    mcp.add_tool(handler, name=tool_name)


class Formatter:
    """Not a server: its tool method registers nothing."""

    def tool(self, fn=None, name=None):
        return fn


fmt = Formatter()


@fmt.tool()
def pretty(text: str) -> str:
    return text.strip()
