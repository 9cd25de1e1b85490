"""What /openapi.json says beyond the signatures: the error answers each route gives, and the JSON bodies of the
write routes (they read their body themselves, to accept JSON and form fields alike)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from dailypapers.web.inputs import MAX_ROW_ID


class ErrorBody(BaseModel):
    """Every error answer is one JSON object; which keys it has depends on who refused."""

    error: str | None = None  # what was wrong (bad input, unknown thing, missing auth)
    status: int | None = None
    parameter: str | None = None  # the parameter or field at fault
    detail: str | None = None  # refusals of the community rules and rate limits
    rule: str | None = None  # which submission rule refused
    retryAfter: int | None = None  # rate limits: seconds to wait


_WHY = {400: "A parameter or body field is malformed (the answer names it).",
        401: "Needs `Authorization: Bearer <API token>` (or a session cookie).",
        403: "The account may not do this, or the CSRF token is missing.",
        404: "No such paper, comment or page.",
        413: "The body is larger than `max_body_bytes`.",
        422: "A parameter is out of range or refused by a rule (the answer says which).",
        429: "Rate limit reached; `Retry-After` says when to retry.",
        503: "The feature is not available on this server."}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody, "description": _WHY[status]} for status in statuses}


READ_ERRORS = errors(400, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 413, 422, 429)


def json_body(properties: dict[str, dict[str, Any]], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """`openapi_extra` describing a body sent as JSON or as form fields."""
    schema = {"type": "object", "properties": properties, "required": list(required)}
    return {"requestBody": {"required": bool(required), "content": {
        "application/json": {"schema": schema},
        "application/x-www-form-urlencoded": {"schema": schema}}}}


COMMENT_BODY = {"type": "string", "minLength": 1, "maxLength": 10000, "description": "Markdown"}
ROW_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID}
