"""Stream JSON records out of a file, plain or gzip, JSON Lines or one JSON array, with line numbers.

Memory stays flat whatever the file size: lines (or array elements) are decoded one at a time.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_CHUNK = 1 << 20


class InputFileError(Exception):
    """The file as a whole cannot be read (missing, unreadable, truncated archive, not JSON)."""


@dataclass
class RawRecord:
    line: int
    obj: Any = None
    error: str | None = None


def open_text(path: Path) -> io.TextIOWrapper:
    try:
        raw = path.open("rb")
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a directory, not a file") from None
    except PermissionError:
        raise InputFileError(f"{path}: permission denied") from None
    magic = raw.read(2)
    raw.seek(0)
    stream = gzip.GzipFile(fileobj=raw, mode="rb") if magic == b"\x1f\x8b" else raw
    return io.TextIOWrapper(stream, encoding="utf-8", errors="strict", newline="")


def iter_records(path: Path) -> Iterator[RawRecord]:
    """Yield every record with its 1-based starting line; undecodable lines come back with `error` set."""
    try:
        with open_text(path) as fh:
            first = _peek_first_char(fh)
            if first is None:
                return
            if first == "[":
                yield from _iter_array(fh, path)
            else:
                yield from _iter_lines(fh)
    except EOFError:
        raise InputFileError(f"{path}: compressed file is truncated (gzip stream ended early)") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise InputFileError(f"{path}: corrupt gzip data ({exc})") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputFileError(f"{path}: {exc.strerror or exc}") from None


def _peek_first_char(fh: io.TextIOWrapper) -> str | None:
    buf = fh.buffer
    # TextIOWrapper cannot seek in a gzip stream cheaply; peek through the buffered reader instead.
    while True:
        chunk = buf.peek(64) if hasattr(buf, "peek") else b""
        if not chunk:
            if not fh.read(64).strip():
                return None
            raise InputFileError("cannot peek into this stream")
        stripped = chunk.lstrip()
        if stripped:
            return chr(stripped[0])
        buf.read(len(chunk))


def _iter_lines(fh: io.TextIOWrapper) -> Iterator[RawRecord]:
    for lineno, line in enumerate(fh, start=1):
        if not line.strip():
            continue
        try:
            yield RawRecord(lineno, json.loads(line))
        except json.JSONDecodeError as exc:
            yield RawRecord(lineno, error=f"invalid JSON ({exc.msg} at column {exc.colno})")


def _iter_array(fh: io.TextIOWrapper, path: Path) -> Iterator[RawRecord]:
    decoder = json.JSONDecoder()
    buf = ""
    pos = 0
    line = 1
    eof = False

    def fill() -> bool:
        nonlocal buf, pos, eof
        chunk = fh.read(_CHUNK)
        if not chunk:
            eof = True
            return False
        buf = buf[pos:] + chunk
        pos = 0
        return True

    def skip_ws() -> None:
        nonlocal pos, line
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n":
                if buf[pos] == "\n":
                    line += 1
                pos += 1
            if pos < len(buf) or not fill():
                return

    skip_ws()
    pos += 1  # the opening '['
    expect_value = True
    while True:
        skip_ws()
        if pos >= len(buf):
            raise InputFileError(f"{path}: JSON array is not closed (file ends at line {line})")
        ch = buf[pos]
        if ch == "]":
            return
        if ch == "," and not expect_value:
            pos += 1
            expect_value = True
            continue
        while True:
            try:
                obj, end = decoder.raw_decode(buf, pos)
                break
            except json.JSONDecodeError as exc:
                if not eof and fill():
                    continue
                raise InputFileError(f"{path}: line {line}: invalid JSON in array ({exc.msg})") from None
        start_line = line
        line += buf.count("\n", pos, end)
        pos = end
        expect_value = False
        yield RawRecord(start_line, obj)
