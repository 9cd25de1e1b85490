"""The one base for requests the rules refuse (accounts, comments, moderation, submissions, rate limits).

A `DomainError` carries the HTTP status it means, a message people read and the field at fault, so the web layer
maps every one of them in one place (web/errors.py) to one JSON shape, `{"error", "status", "parameter"?, ...}`, or
an error page; the CLI prints the message."""

from __future__ import annotations

from typing import Any


class DomainError(ValueError):
    def __init__(self, status: int, message: str, field: str | None = None, *,
                 headers: dict[str, str] | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.status, self.message, self.field = status, message, field
        self.headers = headers or {}
        self.details = details or {}  # more JSON fields for programs (e.g. the submission rule, retryAfter)
