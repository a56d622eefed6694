import os
import socket


class Store:
    def __init__(self, root):
        os.makedirs(root, exist_ok=True)

    def list(self):
        return socket.gethostname()


def make_store():
    return Store("/tmp/made")


def load_config():
    os.makedirs("/etc/app", exist_ok=True)
    return dict(os.environ)
