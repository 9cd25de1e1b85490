"""Subscriber lists as CSV (columns email, frequency, topics): what `dailypapers subscribers import` reads."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dailypapers.mail.addresses import InvalidInput, normalize_email, normalize_frequency, parse_topics

CSV_COLUMNS = ("email", "frequency", "topics")


class UnreadableList(ValueError):
    """The file as a whole cannot be read (not CSV, not UTF-8, no email column); the message says where."""


@dataclass
class SubscriberList:
    rows: list[dict[str, Any]] = field(default_factory=list)  # {"email", "frequency", "topics"}, one per address
    problems: list[str] = field(default_factory=list)  # "line N: why", for rows left out


def read_subscribers(lines: Iterable[str]) -> SubscriberList:
    """Checked rows of a CSV subscriber list; a bad row is left out with its reason, a repeated address keeps its
    first row."""
    out, seen = SubscriberList(), set()
    reader = csv.DictReader(lines)
    try:
        if "email" not in (reader.fieldnames or []):
            raise UnreadableList(f"line 1: missing column(s) email (expected {', '.join(CSV_COLUMNS)})")
        for record in reader:
            try:
                email = normalize_email(record.get("email") or "")
                row = {"email": email, "frequency": normalize_frequency(record.get("frequency") or None),
                       "topics": parse_topics(record.get("topics"))}
            except InvalidInput as exc:
                out.problems.append(f"line {reader.line_num}: {exc}")
                continue
            if email in seen:
                out.problems.append(f"line {reader.line_num}: email: {email} appears twice; the first row is kept")
                continue
            seen.add(email)
            out.rows.append(row)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UnreadableList(f"line {reader.line_num}: {exc}") from None
    return out
