"""Digests serialized straight to wire bytes: a `Message` whose bytes are written once, by a few lines of code.

The `email` package's generator re-encodes and re-folds every header through `email.header.Header` on each
serialization, which at 10,000 digests a run costs more than composing them. Here every header value is already
one clean ASCII line (RFC 2047-encoded where needed, once per distinct value), both bodies are UTF-8 sent as 8bit,
and the MIME structure is fixed (multipart/alternative: text, HTML), so writing the bytes is a join.
"""

from __future__ import annotations

import functools
import uuid
from email.header import Header
from email.message import Message

from dailypapers.mail.addresses import clean_text

MAX_LINE = 990  # RFC 5322 allows 998 octets per line; leave room for CRLF and dot-stuffing


@functools.lru_cache(maxsize=1024)
def encode_header(name: str, value: str) -> str:
    """One clean line; RFC 2047 encoded-words when it is not ASCII (cached: subjects repeat across a run)."""
    value = clean_text(value)
    if value.isascii():
        return value
    return Header(value, "utf-8", header_name=name).encode(linesep="\r\n")


class PrebuiltMessage(Message):
    """A multipart/alternative message (text + HTML) whose bytes are built once, in `__init__`.

    Headers are readable like any `Message` (`msg["To"]`); `as_bytes()` and `bytes(msg)` give the wire form that
    the backends write or send (the SMTP backend hands it to `sendmail` as is)."""

    def __init__(self, headers: list[tuple[str, str]], text: str, html: str, envelope_from: str,
                 envelope_to: str) -> None:
        super().__init__()
        for name, value in headers:
            if "\r" in value.replace("\r\n ", "") or "\n" in value.replace("\r\n ", ""):
                raise ValueError(f"header {name}: line breaks are not allowed")
            if not value.isascii():
                raise ValueError(f"header {name}: not ASCII (encode it first)")
            self._headers.append((name, value))  # type: ignore[attr-defined]  # compat32 keeps headers here
        self.envelope_from, self.envelope_to = envelope_from, envelope_to
        boundary = f"=_dp_{uuid.uuid4().hex}"
        parts = []
        for subtype, body in (("plain", text), ("html", html)):
            data = body.replace("\r\n", "\n").replace("\r", "\n")
            if any(len(line.encode()) > MAX_LINE for line in data.split("\n")):
                raise ValueError(f"text/{subtype} part has a line over {MAX_LINE} octets")
            if boundary in data:
                raise ValueError("body contains the MIME boundary")  # a 128-bit random value: never in practice
            parts.append(f'--{boundary}\r\nContent-Type: text/{subtype}; charset="utf-8"\r\n'
                         f"Content-Transfer-Encoding: 8bit\r\n\r\n{data.replace(chr(10), chr(13) + chr(10))}\r\n")
        head = "".join(f"{name}: {value}\r\n" for name, value in headers)
        head += f'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'
        self._wire = head.encode("ascii") + "".join(parts).encode("utf-8") + f"--{boundary}--\r\n".encode("ascii")

    def as_bytes(self, unixfrom: bool = False, policy=None) -> bytes:
        return self._wire

    def __bytes__(self) -> bytes:
        return self._wire

    def as_string(self, unixfrom: bool = False, maxheaderlen: int = 0, policy=None) -> str:
        return self._wire.decode("utf-8")
