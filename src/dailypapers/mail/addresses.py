"""Validating what subscribers type: email addresses, frequencies and topics (and their one-line text form)."""

from __future__ import annotations

import re
import unicodedata

from dailypapers.ids import is_arxiv_category

FREQUENCIES = ("daily", "weekly")
TOPIC_KINDS = ("query", "category", "author")
MAX_TOPICS = 10
MAX_TOPIC_LENGTH = 200

_LOCAL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$")
_DOMAIN = re.compile(r"^(?=.{4,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
_PREFIXES = {"cat:": "category", "category:": "category", "author:": "author"}


class InvalidInput(ValueError):
    """What the user typed cannot be used; the message says which field and why."""


def normalize_email(raw: str, field: str = "email") -> str:
    """A plain `local@domain` address, lower-cased (one subscription per mailbox whatever the capitals; mail
    providers treat local parts case-insensitively); anything that could smuggle a header is refused."""
    text = (raw or "").strip()
    if not text:
        raise InvalidInput(f"{field}: an email address is required")
    if any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in text) or " " in text:
        raise InvalidInput(f"{field}: {raw!r} contains spaces or control characters")
    local, sep, domain = text.rpartition("@")
    if not sep or not _LOCAL.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        raise InvalidInput(f"{field}: {raw!r} is not a valid email address")
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidInput(f"{field}: {raw!r} has an invalid domain") from None
    if not _DOMAIN.match(domain):
        raise InvalidInput(f"{field}: {raw!r} is not a valid email address")
    return f"{local.lower()}@{domain}"


def normalize_frequency(raw: str | None, field: str = "frequency") -> str:
    value = (raw or "daily").strip().lower()
    if value not in FREQUENCIES:
        raise InvalidInput(f"{field}: must be daily or weekly, got {raw!r}")
    return value


def clean_text(value: str) -> str:
    """One line of printable text: control characters (CR and LF among them) become spaces."""
    return " ".join("".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in value).split())


def parse_topics(text: str | None, field: str = "topics") -> list[dict[str, str]]:
    """`cat:cs.CL; author:Yann LeCun; diffusion transformers` -> topic dicts (kind, value)."""
    topics: list[dict[str, str]] = []
    for part in (text or "").replace("\n", ";").split(";"):
        part = clean_text(part)
        if not part:
            continue
        kind, value = "query", part
        for prefix, k in _PREFIXES.items():
            if part.lower().startswith(prefix):
                kind, value = k, part[len(prefix):].strip()
                break
        if not value:
            raise InvalidInput(f"{field}: {part!r} has nothing after the prefix")
        if len(value) > MAX_TOPIC_LENGTH:
            raise InvalidInput(f"{field}: {value[:30]!r}… is longer than {MAX_TOPIC_LENGTH} characters")
        if kind == "category" and not is_arxiv_category(value):
            raise InvalidInput(f"{field}: {value!r} is not an arXiv category such as cs.CL")
        topic = {"kind": kind, "value": value}
        if topic not in topics:
            topics.append(topic)
    if len(topics) > MAX_TOPICS:
        raise InvalidInput(f"{field}: at most {MAX_TOPICS} topics, got {len(topics)}")
    return topics


def format_topics(topics: list[dict[str, str]]) -> str:
    prefix = {"query": "", "category": "cat:", "author": "author:"}
    return "; ".join(prefix.get(t["kind"], "") + t["value"] for t in topics)


def topic_label(topic: dict[str, str]) -> str:
    if topic["kind"] == "category":
        return f"Category {topic['value']}"
    if topic["kind"] == "author":
        return f"Author: {topic['value']}"
    return f"“{topic['value']}”"
