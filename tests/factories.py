"""Small input files in each supported format, written by the tests themselves."""

from __future__ import annotations

import gzip
import json
from pathlib import Path


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
