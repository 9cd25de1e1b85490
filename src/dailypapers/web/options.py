"""OPTIONS on any path answers 204 with `Allow`: the methods its routes accept (HEAD wherever GET is)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Match, Mount, Router
from starlette.types import ASGIApp, Receive, Scope, Send


class OptionsMiddleware:
    def __init__(self, app: ASGIApp, router: Router) -> None:
        self.app = app
        self.router = router  # its routes are read at request time: routers are included after this is added

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        methods = _allowed(self.router.routes, scope)
        if not methods:
            await self.app(scope, receive, send)  # no such path: the usual 404
            return
        if "GET" in methods:
            methods.add("HEAD")
        allow = ", ".join(sorted(methods | {"OPTIONS"}))
        await send({"type": "http.response.start", "status": 204,
                    "headers": [(b"allow", allow.encode()), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})


def _allowed(routes: list[BaseRoute], scope: Scope) -> set[str]:
    methods: set[str] = set()
    for route in routes:
        inner = getattr(route, "original_router", None)  # FastAPI wraps each included router
        if inner is not None:
            methods |= _allowed(inner.routes, scope)
        elif isinstance(route, Mount):
            if route.matches(scope)[0] != Match.NONE:
                methods |= {"GET", "HEAD"}  # static files
        elif route.matches({**scope, "method": "GET"})[0] != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return methods
