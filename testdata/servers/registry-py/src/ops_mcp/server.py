"""A FastMCP subclass that adds its tools in a setup method."""

import os
import shutil
from pathlib import Path

from fastmcp import FastMCP

from ops_mcp.registry import register_declared


class OpsServer(FastMCP):
    def __init__(self, root: str) -> None:
        super().__init__("ops")
        self.root = Path(root)
        self.setup_tools()

    def setup_tools(self) -> None:
        def disk_usage(path: str = "/") -> dict:
            total, used, free = shutil.disk_usage(path)
            return {"total": total, "used": used, "free": free}

        def list_root() -> list[str]:
            return sorted(os.listdir(self.root))

        self.tool(disk_usage, name="disk_usage")
        self.add_tool(list_root)


mcp = OpsServer(os.environ.get("OPS_ROOT", "/srv"))


def main() -> None:
    from ops_mcp.tools import files, procs  # noqa: F401  (the decorators run)

    register_declared(mcp)
    mcp.run()
