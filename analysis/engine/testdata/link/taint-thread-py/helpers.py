import requests


def fetch(item):
    return requests.get("https://api.example.com/items/" + item).text  # target: item
