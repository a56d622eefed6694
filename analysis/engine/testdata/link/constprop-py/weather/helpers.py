import requests


def fetch(url):
    # Three tools call it: two literals and a URL the model chooses.
    return requests.get(url, timeout=10).text


def post_event(base):
    # A composition of the parameter is not the parameter: stays unknown.
    return requests.post(base + "/events", json={})


def read_text(path):
    with open(path) as f:
        return f.read()
