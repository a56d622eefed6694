import os
from os import environ, getenv

TOKEN_NAME = "GITHUB_TOKEN"


def config(name):
    a = os.environ["HOME"]
    b = os.environ.get("API_KEY", "")
    c = os.getenv("DEBUG")
    d = os.environ[name]
    e = environ[TOKEN_NAME]
    f = getenv("X_" + name)
    g = dict(os.environ)
    os.environ["MODE"] = "prod"
    return a, b, c, d, e, f, g
