import os

def good(p):
    os.remove(p)

def bad(:
    os.system("x")

y = = 2

def after(q):
    # mcpriv-ignore: file.read -- config is static
    open(q)
    os.listdir(q)  # mcpriv-ignore: file.read, file.write -- reviewed
    # mcpriv-ignore
