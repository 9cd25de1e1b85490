"""`dailypapers export`: JSON Lines that `dailypapers import` reads back losslessly.

One line per paper in arXiv-id order, keys sorted, so exports of equal databases are byte-identical.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TextIO

from dailypapers.ingest.parse import EXPORT_TYPE
from dailypapers.store.daily import entries_for_papers
from dailypapers.store.db import Database
from dailypapers.store.papers import CONTENT_FIELDS, iter_papers


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def export_lines(db: Database, out: TextIO, batch_size: int = 1000) -> int:
    count = 0
    with db.connect() as conn:
        batch: list[dict] = []
        for paper in iter_papers(conn, batch_size):
            batch.append(paper)
            if len(batch) >= batch_size:
                count += _write(conn, batch, out)
                batch = []
        if batch:
            count += _write(conn, batch, out)
    return count


def _write(conn, batch: list[dict], out: TextIO) -> int:
    entries = entries_for_papers(conn, [p["id"] for p in batch])
    for paper in batch:
        line = {"type": EXPORT_TYPE, "arxiv_id": paper["arxiv_id"]}
        for name in CONTENT_FIELDS:
            value = paper[name]
            if name == "categories":
                value = value.split() if value else []
            line[name] = _plain(value)
        # Derived from title and abstract, so `import` recomputes them; written for readers of the file.
        line["tldr"] = paper.get("tldr")
        line["keyphrases"] = paper.get("keyphrases")
        entry = entries.get(paper["id"])
        if entry:
            line["daily"] = {k: _plain(entry[k]) for k in
                             ("day", "submitted_at", "submitter_name", "submitter_username", "source", "comment")}
        out.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")
    return len(batch)
