import os
import subprocess

import boto3
import httpx
import psycopg
import requests

# Module-level singletons.
s3 = boto3.client("s3")
http = httpx.AsyncClient(base_url="https://api.weather.example")


def get_db():
    return psycopg.connect(os.environ["DATABASE_URL"])


class Store:
    def __init__(self):
        self.session = requests.Session()

    @property
    def db(self):
        return get_db()


class Runner:
    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE)

    def child(self):
        return self.proc


class Cache:
    """A look-alike: its methods share names with process and DB handles."""

    def kill(self, key):
        return key

    def execute(self, query):
        return query


store = Store()
cache = Cache()
