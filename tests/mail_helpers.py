"""Papers and subscribers for the mail tests (and the mail benchmark)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dailypapers.records import DailyEntryRecord
from dailypapers.store import subscriptions as sstore
from dailypapers.store.daily import upsert_daily_entries
from dailypapers.store.db import Database
from dailypapers.store.papers import upsert_papers
from tests.factories import make_paper

WORDS = ["diffusion", "transformer", "retrieval", "agents", "graph", "speech", "vision", "robotics", "protein",
         "quantization"]
CATEGORIES = ["cs.CL", "cs.LG", "cs.CV", "cs.RO", "q-bio.BM"]


def seed_papers(db: Database, day: date, count: int = 30, prefix: str = "2511") -> list[str]:
    """`count` papers published the day before `day`, all featured on that day's daily list (upvotes descending)."""
    records, entries = [], []
    published = datetime.combine(day - timedelta(days=1), time(12))
    for i in range(count):
        arxiv_id = f"{prefix}.{i + 1:05d}"
        word = WORDS[i % len(WORDS)]
        records.append(make_paper(
            arxiv_id, f"Paper {i} on {word} models", f"We study {word} at scale ({i}).", when=published,
            authors=[f"Author {i % 7}", "Grace Hopper"], categories=[CATEGORIES[i % len(CATEGORIES)]],
            imported_upvotes=count - i))
        entries.append(DailyEntryRecord(arxiv_id=arxiv_id, day=day - timedelta(days=1),
                                        submitted_at=published, source="import"))
    with db.write() as conn:
        _, ids = upsert_papers(conn, records)
        upsert_daily_entries(conn, entries, ids)
    return [r.arxiv_id for r in records]


def add_subscriber(db: Database, email: str, frequency: str = "daily", topics: list[dict] | None = None,
                   confirmed: bool = True, name: str | None = None) -> dict:
    now = datetime(2025, 1, 1)
    with db.write() as conn:
        sub, _ = sstore.subscribe(conn, email, frequency, topics or [], now, name=name)
        if confirmed:
            sub = sstore.confirm(conn, sub["token"], now)
    return sub
