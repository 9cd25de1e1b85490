"""The normalized shapes every source produces and the store consumes.

A base module: it imports nothing from the package, so sources, store and ingest can all build on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


def clean_text(text: str | None) -> str | None:
    """Collapse arXiv's hard line wrapping and indentation into single spaces."""
    if text is None:
        return None
    return " ".join(text.split()) or None


def split_authors(text: str) -> list[str]:
    """arXiv author strings: 'A, B and C' (Kaggle) — commas and a final 'and' separate names."""
    text = clean_text(text) or ""
    parts: list[str] = []
    for chunk in text.split(","):
        for name in chunk.split(" and "):
            name = name.strip()
            if name.startswith("and "):
                name = name[4:]
            if name:
                parts.append(name)
    return parts


@dataclass
class PaperRecord:
    """One paper as a source describes it. `None` means "this source does not say", never "erase"."""

    arxiv_id: str
    title: str | None = None
    abstract: str | None = None
    version: int | None = None
    authors: list[str] | None = None
    categories: list[str] | None = None  # primary first
    published_at: datetime | None = None  # first version, UTC
    updated_at: datetime | None = None  # latest version, UTC
    comments: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    report_no: str | None = None
    license: str | None = None
    code_url: str | None = None
    project_url: str | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] | None = None
    imported_upvotes: int | None = None
    imported_comments: int | None = None
    # Fields this source only guessed (links found in the abstract): they fill gaps, never overwrite.
    guessed: frozenset[str] = frozenset()


@dataclass
class DailyEntryRecord:
    """A paper featured on the daily list of `day`, by whom and when."""

    arxiv_id: str
    day: date
    submitted_at: datetime
    submitter_name: str | None = None
    submitter_username: str | None = None
    source: str = "import"
    comment: str | None = None
