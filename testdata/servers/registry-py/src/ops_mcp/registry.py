"""The project's own tool decorator: tools declare themselves where they are
defined and the server registers every module that uses it."""

from typing import Any, Callable

_DECLARED: list[tuple[Callable[..., Any], dict[str, Any]]] = []


def tool(name: str | None = None, **options: Any):
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name:
            fn.__name__ = name
        _DECLARED.append((fn, options))
        return fn

    return decorate


def register_declared(server: Any) -> None:
    for fn, options in _DECLARED:
        server.tool(fn, **options)
