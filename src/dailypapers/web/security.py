"""What wraps every request: proxy headers from `trusted_proxies` only, a body size cap, and security headers.

`install` puts these outside everything else, the error pages of the catch-all 500 handler included, so no answer
goes out without the headers and no body bigger than `max_body_bytes` is ever read.
"""

from __future__ import annotations

import ipaddress
import json

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from dailypapers.config import ConfigError, Settings

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
# Mail previews show the digest's own HTML, whose CSS is inline as mail clients need: styles may be inline there,
# nothing may run, and the sandbox keeps the page from acting as the site.
MAIL_PREVIEW_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'none'; "
                    "frame-ancestors 'none'; base-uri 'none'; sandbox allow-popups")
HSTS = "max-age=31536000"
HEADERS = [(b"x-frame-options", b"DENY"), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"strict-origin-when-cross-origin")]
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class SecurityHeadersMiddleware:
    """CSP, framing, sniffing and referrer headers on every answer; HSTS when the request came over HTTPS. A route
    that sets its own Content-Security-Policy (the mail preview) keeps it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [(b"content-security-policy", CSP.encode()), *HEADERS]
                if https:
                    extra.append((b"strict-transport-security", HSTS.encode()))
                headers += [(name, value) for name, value in extra if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes the cap: the app's HTTP error handler answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large(limit))


def _too_large(limit: int) -> str:
    return f"request body: larger than the {limit} bytes this server accepts (setting max_body_bytes)"


class BodyLimitMiddleware:
    """Answers 413 at once, before reading a byte, to a body whose Content-Length is over `limit`."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        length = dict(scope.get("headers") or []).get(b"content-length", b"").strip()
        if scope["type"] != "http" or not length.isdigit() or int(length) <= self.limit:
            await self.app(scope, receive, send)
            return
        message = _too_large(self.limit)
        if scope["path"].startswith("/api/") or b"json" in dict(scope["headers"]).get(b"accept", b""):
            body = json.dumps({"error": message, "parameter": "request body", "status": 413}).encode()
            ctype = b"application/json"
        else:
            body, ctype = f"413 {message}\n".encode(), b"text/plain; charset=utf-8"
        # Connection: close, so the client stops sending the rest of the body instead of it being read.
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class StreamedBodyLimitMiddleware:
    """Stops a streamed (chunked) body as soon as it passes `limit`. It sits innermost, right around the routes,
    so the error it raises reaches the app's HTTP error handler (a 413 page or JSON) as any HTTPException does."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, counting_receive, send)


def proxy_hosts(settings: Settings) -> list[str] | str:
    """`trusted_proxies` as ProxyHeadersMiddleware wants it: "*" or addresses and networks (host bits allowed)."""
    entries = [e.strip() for e in settings.trusted_proxies if e.strip()]
    if "*" in entries:
        return "*"
    out = []
    for entry in entries:
        try:
            out.append(str(ipaddress.ip_network(entry, strict=False)) if "/" in entry else entry)
        except ValueError:
            out.append(entry)  # a name such as a unix socket peer: compared literally
    return out


def install(app: FastAPI, settings: Settings) -> None:
    """Wrap the whole middleware stack, Starlette's outermost error handler included (it sits outside every
    `add_middleware`), so 500 pages carry the headers too and the proxy decides the client before anything reads it."""
    if settings.max_body_bytes < 1024:
        raise ConfigError(f"setting 'max_body_bytes': must be at least 1024, got {settings.max_body_bytes}")
    app.user_middleware.append(Middleware(StreamedBodyLimitMiddleware, limit=settings.max_body_bytes))  # innermost
    build = app.build_middleware_stack

    def build_wrapped() -> ASGIApp:
        inner: ASGIApp = build()
        inner = BodyLimitMiddleware(inner, settings.max_body_bytes)
        inner = SecurityHeadersMiddleware(inner)
        return ProxyHeadersMiddleware(inner, trusted_hosts=proxy_hosts(settings))  # type: ignore[arg-type,return-value]

    app.build_middleware_stack = build_wrapped  # type: ignore[method-assign]
