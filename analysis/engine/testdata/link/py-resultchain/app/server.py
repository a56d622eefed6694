from mcp.server.fastmcp import FastMCP

from app.runtime import Store, load_config, make_store

mcp = FastMCP("app")
config = load_config()
shared = make_store()


class App:
    def __init__(self):
        self.config = load_config()


app = App()


@mcp.tool()
def module_config() -> str:
    return config.get("name")


@mcp.tool()
def field_config() -> str:
    return app.config.get("name")


@mcp.tool()
def inline_config() -> str:
    return load_config().get("name")


@mcp.tool()
def module_factory() -> str:
    return shared.list()


@mcp.tool()
def inline_new() -> str:
    return Store("/tmp/x").list()
