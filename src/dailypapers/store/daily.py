"""Daily-list entries: which paper was featured on which day, by whom."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from dailypapers.records import DailyEntryRecord
from dailypapers.store.schema import daily_entries

_ENTRY_FIELDS = ("day", "submitted_at", "submitter_name", "submitter_username", "source", "comment")


@dataclass
class DailyResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


def upsert_daily_entries(
    conn: sa.Connection, entries: Iterable[DailyEntryRecord], paper_ids: dict[str, int]
) -> DailyResult:
    """Insert or update entries (one per paper: the first featuring day wins unless the record restates it)."""
    result = DailyResult()
    entries = list(entries)
    if not entries:
        return result
    ids = [paper_ids[e.arxiv_id] for e in entries]
    existing = {
        row["paper_id"]: dict(row)
        for row in conn.execute(sa.select(daily_entries).where(daily_entries.c.paper_id.in_(ids))).mappings()
    }
    inserts, updates = [], []
    seen: set[int] = set()
    for entry in entries:
        pid = paper_ids[entry.arxiv_id]
        values = {f: getattr(entry, f) for f in _ENTRY_FIELDS}
        old = existing.get(pid)
        if old is None and pid not in seen:
            inserts.append({"paper_id": pid, **values})
            seen.add(pid)
            result.new += 1
        elif old is None:
            result.unchanged += 1
        elif any(old[f] != values[f] for f in _ENTRY_FIELDS if values[f] is not None):
            merged = {f: values[f] if values[f] is not None else old[f] for f in _ENTRY_FIELDS}
            updates.append({"_pid": pid, **merged})
            result.updated += 1
        else:
            result.unchanged += 1
    if inserts:
        conn.execute(daily_entries.insert(), inserts)
    if updates:
        conn.execute(daily_entries.update().where(daily_entries.c.paper_id == sa.bindparam("_pid")), updates)
    return result


def daily_entry_for(conn: sa.Connection, paper_id: int) -> dict | None:
    row = conn.execute(sa.select(daily_entries).where(daily_entries.c.paper_id == paper_id)).mappings().first()
    return dict(row) if row else None


def entries_for_papers(conn: sa.Connection, paper_ids: Sequence[int]) -> dict[int, dict]:
    rows = conn.execute(sa.select(daily_entries).where(daily_entries.c.paper_id.in_(list(paper_ids)))).mappings()
    return {r["paper_id"]: dict(r) for r in rows}
