"""Every import form; docstrings mention os.system("rm") but are not calls."""
import os
import os.path
import os.path as osp
import subprocess as sp, shutil
from os.path import exists, join as pjoin
from subprocess import run as r
from . import helpers
from .utils import run_cmd
from ..pkg.mod import thing as other
from mypkg.client import Client
from typing import *
from __future__ import annotations
import importlib

try:
    import ujson as json
except ImportError:
    import json


def paths(p):
    os.path.exists(p)
    osp.exists(p)
    exists(p)
    pjoin("/tmp", p)
    shutil.rmtree(p)


def procs(cmd):
    r(["git", "status"], check=True)
    sp.Popen(cmd, shell=True)
    run = subprocess_run
    run(cmd)
    s = sp
    s.check_output(["ls", "-la"])
    alias = sp.run
    alias("echo hi", shell=True)


def dynamic(name):
    getattr(os, "system")("ls")
    importlib.import_module(name)
    __import__(name)
    m = importlib.import_module("socket")
    m.create_connection(("example.com", 80))
    eval("1 + 1")
    exec(compile("x = 1", "<s>", "exec"))
    open("/etc/hosts").read()
    json.loads("{}")


def local_import(url):
    import urllib.request
    from urllib.parse import urlparse
    urllib.request.urlopen(url, timeout=10)
    urlparse(url)


def project(c):
    run_cmd(c)
    helpers.do_it(c)
    other(c)
    Client(c).fetch()


subprocess_run = sp.run
