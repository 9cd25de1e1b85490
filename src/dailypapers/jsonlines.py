"""Read a JSON Lines file of objects (eval queries, recommendation events) with errors that name file and line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from dailypapers.ids import InvalidArxivId

T = TypeVar("T")


def read_objects(path: str | Path, parse: Callable[[dict, int], T], error: type[ValueError], what: str) -> list[T]:
    """`parse(obj, line_number)` for each non-blank line; any malformed line raises `error("FILE:LINE: why")`.

    `parse` signals a bad record by raising KeyError (a missing field), ValueError or InvalidArxivId."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read: {exc}") from None
    out = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
            out.append(parse(item, n))
        except (json.JSONDecodeError, KeyError, ValueError, InvalidArxivId) as exc:
            detail = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            raise error(f"{path}:{n}: {detail}") from None
    if not out:
        raise error(f"{path}: no {what}")
    return out
