import os

import requests
from mcp.server.fastmcp import FastMCP

from .helpers import fetch, post_event, read_text

mcp = FastMCP("weather")
API = "https://api.weather.example/v1"


def get_json(url):
    return requests.get(url, timeout=5).json()


def relay(target):
    return get_json(target)


@mcp.tool()
def forecast(city: str) -> str:
    return get_json(f"{API}/forecast?q={city}")


@mcp.tool()
def alerts() -> str:
    return relay("https://alerts.example.org/feed")


@mcp.tool()
def status() -> str:
    return fetch("https://status.example.com/")


@mcp.tool()
def uptime() -> str:
    return fetch(url="https://uptime.example.net/ping")


@mcp.tool()
def page(url: str) -> str:
    return fetch(url)


@mcp.tool()
def backend() -> str:
    # An environment variable with no default: the scope stays unknown.
    return post_event(os.environ["BACKEND_URL"]) + post_event("https://hooks.example.net")


@mcp.tool()
def station_log(name: str) -> str:
    return read_text("/var/lib/weather/stations.log")
