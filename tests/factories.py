"""Small input files in each supported format, written by the tests themselves, and `make_paper` records."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from dailypapers.records import PaperRecord

WHEN = datetime(2025, 3, 1, 10)


def make_paper(arxiv_id: str = "2503.00001", title: str = "A paper", abstract: str = "We study things.", *,
               when: datetime | None = WHEN, authors: list[str] | None = None, categories: list[str] | None = None,
               **fields: Any) -> PaperRecord:
    """A version-1 paper as a source would describe it, published (and last updated) `when`."""
    fields.setdefault("updated_at", when)
    return PaperRecord(arxiv_id=arxiv_id, title=title, abstract=abstract, version=1,
                       authors=["Ada Lovelace"] if authors is None else authors,
                       categories=["cs.LG"] if categories is None else categories, published_at=when, **fields)


def kaggle_line(arxiv_id: str = "2501.00001", versions: int = 1, title: str = "A Paper", **extra) -> dict:
    created = [f"Mon, {6 + i} Jan 2025 10:00:00 GMT" for i in range(versions)]
    rec = {
        "id": arxiv_id,
        "submitter": None,
        "authors": "Ada Lovelace, Alan Turing and Grace Hopper",
        "title": title,
        "comments": "12 pages. Code: https://github.com/example/repo",
        "journal-ref": None,
        "doi": None,
        "report-no": None,
        "categories": "cs.CL cs.LG",
        "license": None,
        "abstract": "  We study\nthings at length.\n",
        "versions": [{"version": f"v{i + 1}", "created": c} for i, c in enumerate(created)],
        "update_date": f"2025-01-{6 + versions - 1:02d}",
        "authors_parsed": [["Lovelace", "Ada", ""], ["Turing", "Alan", ""], ["Hopper", "Grace", ""]],
    }
    rec.update(extra)
    return rec


def hf_item(arxiv_id: str = "2501.00002", upvotes: int = 7, day: str = "2025-01-08", **paper_extra) -> dict:
    paper = {
        "id": arxiv_id,
        "authors": [
            {"_id": "x", "name": "Jane Doe", "hidden": False},
            {"_id": "y", "name": "John Roe", "hidden": False},
        ],
        "publishedAt": "2025-01-07T17:00:00.000Z",
        "submittedOnDailyAt": f"{day}T06:12:00.000Z",
        "title": "An HF\n  Paper",
        "summary": "Abstract of the\nHF paper. https://github.com/hf/code",
        "upvotes": upvotes,
        "ai_summary": "It does things.",
        "ai_keywords": ["things", "stuff"],
        "projectPage": "https://hf.github.io/page",
    }
    paper.update(paper_extra)
    return {
        "paper": paper,
        "publishedAt": f"{day}T03:00:00.000Z",
        "title": "An HF Paper",
        "numComments": 2,
        "submittedBy": {"fullname": "Sub Mitter", "name": "submitter", "type": "user"},
    }


def write_jsonl(path: Path, records: list, gz: bool = False, raw_lines: dict[int, str] | None = None) -> Path:
    """JSON Lines; raw_lines puts literal text at given 1-based line numbers (for malformed input)."""
    lines = [json.dumps(r) for r in records]
    for lineno, text in sorted((raw_lines or {}).items()):
        lines.insert(lineno - 1, text)
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path
