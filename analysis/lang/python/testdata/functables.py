# Calls through dicts of functions picked by a computed key: each call is a
# call of every function of the dict, with the same arguments.
import os
import subprocess


def a(cmd):
    os.system(cmd)


def b(cmd):
    subprocess.run(cmd, shell=True)


HANDLERS = {"a": a, "lam": lambda cmd: os.popen(cmd)}
LATER = {}
NAMES = {"a": "ls"}  # look-alike: no functions, indexing it calls nothing


def dispatch(name, cmd):
    HANDLERS[name](cmd)
    fn = LATER.get(name, a)
    fn(cmd)
    return NAMES[name]


def local_table(name, cmd):
    ops = {}
    ops["b"] = b
    return ops[name](cmd)


LATER["b"] = b
