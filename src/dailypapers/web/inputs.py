"""Checked inputs shared by routes: row ids that fit the database, JSON bodies, text fields.

Each failure is a 400/422 that names the parameter or field, never an error deeper down: id columns are INTEGER,
32 bits on PostgreSQL (SQLite's driver overflows past 2^63 - 1), `json` recurses once per nesting level, and
neither nh3 nor PostgreSQL accept a lone UTF-16 surrogate or a NUL character in text.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import Path, Query

from dailypapers.web.periods import BadParameter

MAX_ROW_ID = 2**31 - 1  # the id columns' range on both databases

RowIdPath = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="A row id (1 to 2^31-1)")]
BeforeQuery = Annotated[int | None, Query(ge=1, le=MAX_ROW_ID, description="An entry id: show older entries")]

_DIGITS = re.compile(r"^\s*\d{1,30}\s*$")


def row_id_field(value: object, field: str) -> int | None:
    """An optional id sent in a body (JSON number or digits in a string): None when absent, else 1..2^63-1."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _DIGITS.match(value):
        number = int(value)
    else:
        raise BadParameter(field, f"expected an id (a whole number), got {str(value)[:40]!r}")
    if not 1 <= number <= MAX_ROW_ID:
        raise BadParameter(field, f"ids run from 1 to {MAX_ROW_ID}, got {number}")
    return number


def text_field(data: dict[str, Any], name: str, *aliases: str) -> str:
    """A string field of a parsed body ('' when absent); any other JSON type is a 400 naming it."""
    for key in (name, *aliases):
        if key in data and data[key] is not None:
            value = data[key]
            if not isinstance(value, str):
                raise BadParameter(key, f"expected a string, got {type(value).__name__}")
            return value
    return ""


def _bad_text(value: object) -> str | None:
    """Why a string cannot be stored: a NUL or a lone surrogate; None when it is fine (also for non-strings)."""
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone UTF-16 surrogate, which is not a character"
    return None


def json_object(raw: bytes) -> dict[str, Any]:
    """A request body that must be a JSON object whose strings can be stored."""
    try:
        text = raw.decode("utf-8") if raw else "{}"
    except UnicodeDecodeError:
        raise BadParameter("request body", "not UTF-8") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise BadParameter("request body", "JSON nested too deeply") from None
    except ValueError as exc:
        raise BadParameter("request body", f"not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise BadParameter("request body", "expected a JSON object")
    for key, value in data.items():
        problem = _bad_text(key) or _bad_text(value)
        if problem is None and isinstance(value, list | dict):
            problem = next(filter(None, map(_bad_text, value.values() if isinstance(value, dict) else value)), None)
        if problem:
            raise BadParameter(_printable(key), problem)
    return data


def _printable(key: str) -> str:
    return key.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
