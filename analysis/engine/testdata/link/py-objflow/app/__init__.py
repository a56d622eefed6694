"""Clients are created in clients.py and used by the tools in server.py."""
from .clients import store
