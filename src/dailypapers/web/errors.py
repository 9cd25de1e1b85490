"""Error answers: JSON under /api (and for clients that ask for JSON), a helpful HTML page everywhere else.

Bad input is 400/422 with a message naming the parameter; unknown things are 404; what the community rules refuse
is a `DomainError` carrying its own status; nothing a user sends may surface as a 500 (the catch-all still answers
with a page, and logs the traceback).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from dailypapers.errors import DomainError
from dailypapers.ids import InvalidArxivId
from dailypapers.web.periods import BadParameter

log = logging.getLogger(__name__)

_TITLES = {400: "Bad request", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
           422: "Invalid parameter", 429: "Too many requests", 500: "Server error", 503: "Unavailable"}


def wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, message: str, param: str | None = None,
                   headers: dict | None = None, details: dict[str, Any] | None = None) -> Response:
    """The one error answer: JSON `{"error", "status", "parameter"?, **details}`, or the error page."""
    if wants_json(request):
        body: dict[str, Any] = {"error": message, "status": status}
        if param:
            body["parameter"] = param
        body.update(details or {})
        return JSONResponse(body, status_code=status, headers=headers)
    tpl = request.app.state.templates
    ctx = {"status": status, "title": _TITLES.get(status, "Error"), "message": message, "param": param}
    return tpl.TemplateResponse(request, "error.html", ctx, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    parts, first_param = [], None
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body", "header", "cookie")]
        where = err.get("loc", ("query",))[0]
        name = ".".join(loc) or "request"
        first_param = first_param or name
        parts.append(f"{where} parameter '{name}': {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request", first_param


class RejectNulMiddleware:
    """NUL characters in the URL are never meaningful and PostgreSQL cannot even store them: answer 400 naming the
    parameter before any view sees them."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            bad = None
            if "\x00" in scope["path"]:
                bad = "path"
            else:
                for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True):
                    if "\x00" in name or "\x00" in value:
                        bad = name.replace("\x00", "") or "query"
                        break
            if bad is not None:
                request = Request(scope, receive)
                response = error_response(request, 400, f"parameter '{bad}': contains a NUL character", bad)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_middleware(RejectNulMiddleware)

    @app.exception_handler(DomainError)
    async def refused(request: Request, exc: DomainError):
        return error_response(request, exc.status, str(exc), exc.field, exc.headers, exc.details)

    @app.exception_handler(BadParameter)
    async def bad_parameter(request: Request, exc: BadParameter):
        return error_response(request, exc.status, str(exc), exc.param)

    @app.exception_handler(InvalidArxivId)
    async def bad_arxiv_id(request: Request, exc: InvalidArxivId):  # only path ids get this far
        return error_response(request, 400, f"path parameter 'arxiv_id': {exc}", "arxiv_id")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        message, param = _validation_message(exc)
        return error_response(request, 422, message, param)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
        if exc.status_code == 404 and message == "Not Found":
            message = f"There is no page at {request.url.path}."
        return error_response(request, exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "Something went wrong on our side; it has been logged.")
