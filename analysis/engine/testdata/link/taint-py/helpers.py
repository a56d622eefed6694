def read_it(p):
    with open(p) as f:
        return f.read()
