import os
import shlex
import subprocess


def build(args):
    base = "/data/" + args.path
    full = os.path.join("/root", args.name)
    cmd = f"ls {args.dir}"
    q = "SELECT * FROM %s" % args.table
    t = "{}/x".format(args.root)
    parts = [p.strip() for p in args.items]
    a, b = args.left, args.right
    x = args.flag if args.cond else args.other
    y = args.first or "default"
    if (n := args.count) > 3:
        pass
    s = str(args.value)
    s += args.suffix
    subprocess.run([base, full, cmd, q, t, parts, a, b, x, y, n, s])
    return shlex.quote(args.path)


def dict_input(arguments: dict):
    path = arguments["path"]
    mode = arguments.get("mode", "r")
    key = "k"
    dyn = arguments[key]
    return open(path, mode), dyn


def closures(cmd, root):
    def inner(extra):
        return subprocess.run(cmd + extra, cwd=root)

    cb = lambda: os.system(cmd)
    runner(lambda z: os.remove(z), cb)
    inner("-x")
    return inner


def runner(fn, cb):
    fn("a")
    cb()


HANDLERS = {"build": build, "dict": dict_input}


def dispatch(kind, payload, *rest, **kw):
    HANDLERS[kind](payload)
    subprocess.call(*rest, **kw)
    return [kind async for kind in payload] if False else payload
