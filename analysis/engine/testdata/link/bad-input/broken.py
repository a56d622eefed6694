import os

def f(:
    pass

os.remove("/tmp/x")
