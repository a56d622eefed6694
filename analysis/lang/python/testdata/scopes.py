# Scope forms (issue 15): literal hosts reaching calls through class and
# instance attributes, clients with a base URL, settings objects, command-
# line defaults and imported constants; and look-alikes that stay open.
import argparse
import os
from dataclasses import dataclass

import httpx
import requests
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from mcp.server.fastmcp import FastMCP

from .config import API_URL, TIMEOUT
from . import config

mcp = FastMCP("scopes")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ACME_")
    api_url: str = Field(default="https://api.example.com")
    token: str = ""


settings = Settings()


@dataclass
class Conf:
    search_url: str = "https://search.example.com"


conf = Conf()

parser = argparse.ArgumentParser()
parser.add_argument("--registry", default="https://registry.example.com")
parser.add_argument("--mirror")
args = parser.parse_args()


class Client:
    BASE_URL = "https://class.example.com"

    def __init__(self, base_url=None):
        self.base_url = base_url or "https://fallback.example.com"
        self.env_url = os.getenv("SERVICE_URL", "https://env.example.com")
        self.or_url = os.environ.get("OR_URL") or "https://or.example.com"
        self.no_default = os.getenv("NO_DEFAULT_URL")
        self.http = httpx.AsyncClient(base_url="https://base.example.com/v2")
        self.switched = "https://one.example.com"

    def use_two(self):
        self.switched = "https://two.example.com"

    async def calls(self, path):
        requests.get(f"{self.BASE_URL}/v1/{path}")
        requests.get(self.base_url + "/v1/" + path)
        requests.get(f"{self.env_url}/v1/{path}")
        requests.get(f"{self.or_url}/v1/{path}")
        requests.get(f"{self.no_default}/v1/{path}")
        requests.get(f"{self.switched}/v1/{path}")
        await self.http.get(f"/items/{path}")
        await self.http.get(path)


def module_forms(path):
    requests.get(f"{settings.api_url}/v1/{path}")
    requests.get(f"{conf.search_url}/v1/{path}")
    requests.get(f"{args.registry}/v1/{path}")
    requests.get(f"{args.mirror}/v1/{path}")
    requests.get(f"{API_URL}/v1/{path}", timeout=TIMEOUT)
    requests.get(config.API_URL + "/v1/" + path)


@mcp.tool()
def fetch(url: str, fallback: bool = False) -> str:
    return requests.get(url or "https://tool-default.example.com").text
