"""Validating what subscribers type: email addresses, frequencies and topics (and their one-line text form)."""

from __future__ import annotations

import unicodedata

import email_validator

from dailypapers.ids import is_arxiv_category

FREQUENCIES = ("daily", "weekly")
MAX_TOPICS = 10
MAX_TOPIC_LENGTH = 200

_PREFIXES = {"cat:": "category", "category:": "category", "author:": "author"}


class InvalidInput(ValueError):
    """What the user typed cannot be used; the message says which field and why."""


def normalize_email(raw: str, field: str = "email") -> str:
    """A plain ASCII `local@domain` address (an international domain in its xn-- form), lower-cased: one
    subscription or account per mailbox whatever the capitals (providers treat local parts case-insensitively).
    Checked by `email-validator` (syntax only, no DNS), which refuses anything that could smuggle a header."""
    text = (raw or "").strip()
    if not text:
        raise InvalidInput(f"{field}: an email address is required")
    try:
        checked = email_validator.validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except email_validator.EmailNotValidError as exc:
        raise InvalidInput(f"{field}: {raw!r} is not a valid email address ({exc})") from None
    local, _, domain = (checked.ascii_email or checked.normalized).rpartition("@")  # ASCII: SMTPUTF8 was refused
    return f"{local.lower()}@{domain}"


def mailbox_key(address: str) -> str:
    """The mailbox a normalized address delivers to, for rate limits: `+tag` sub-addresses are the same inbox."""
    local, _, domain = address.rpartition("@")
    return f"{local.split('+', 1)[0] or local}@{domain}"


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
