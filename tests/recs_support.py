"""Real papers for library and For-you tests: one dev recommendation event's library and candidates, cut from the
shared Hugging Face daily papers file (read once per test session) and imported into the test database."""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

from dailypapers.ingest.importer import import_files
from dailypapers.store.db import Database

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
EVENT_ID = "vanilla1116-2507.16814"


@functools.cache
def event() -> dict:
    with open(SHARED / "eval" / "dev_recs.jsonl", encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            if item["id"] == EVENT_ID:
                return item
    raise AssertionError(f"dev event {EVENT_ID} is missing from the shared data")


@functools.cache
def hf_items() -> dict[str, str]:
    """arXiv id -> raw JSON line of every paper the event names."""
    wanted = set(event()["library"]) | set(event()["candidates"])
    out = {}
    with gzip.open(SHARED / "data" / "hf_daily_papers.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            if item["paper"]["id"] in wanted:
                out[item["paper"]["id"]] = line
    return out


def paper(arxiv_id: str) -> dict:
    return json.loads(hf_items()[arxiv_id])["paper"]


def listed_day(arxiv_id: str) -> str:
    """The day the paper went on the daily list, as the importer files it."""
    item = json.loads(hf_items()[arxiv_id])
    return (item["paper"].get("submittedOnDailyAt") or item["publishedAt"])[:10]


def seed_event(db: Database, tmp_path: Path) -> dict:
    """Import the event's papers; returns the event."""
    path = tmp_path / "event_papers.jsonl"
    path.write_text("".join(hf_items().values()), encoding="utf-8")
    import_files(db, [path])
    return event()
