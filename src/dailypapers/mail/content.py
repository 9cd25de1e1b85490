"""What goes into a digest: the period's trending papers and, per topic, new matching papers.

Ranking and search belong to their own modules (`dailypapers.ranking`, `dailypapers.search`); this module only asks
them and caches the answers for one sending run, since thousands of subscribers share the same trending list and
many share topics.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from dailypapers.ranking import rank_trending
from dailypapers.search import search_papers
from dailypapers.store import digest_papers, listing
from dailypapers.store.db import Database

log = logging.getLogger(__name__)

# Papers reach arXiv listings a day or two after their submission date: look back this much further than the
# previous digest, and rely on the per-subscriber "already sent" set to never repeat a paper.
TOPIC_LOOKBACK = timedelta(days=3)


@dataclass(frozen=True)
class Period:
    kind: str  # daily | weekly
    day: date  # the sending day
    key: str  # what deliveries are unique on: daily:2026-11-27, weekly:2026-W48
    start: datetime  # window of papers it covers, [start, end) in UTC
    end: datetime


def period_for(kind: str, day: date) -> Period:
    end = datetime.combine(day, time())
    if kind == "weekly":
        year, week, _ = day.isocalendar()
        return Period(kind, day, f"weekly:{year}-W{week:02d}", end - timedelta(days=7), end)
    # A Monday digest covers the weekend too.
    back = 3 if day.weekday() == 0 else 1
    return Period(kind, day, f"daily:{day.isoformat()}", end - timedelta(days=back), end)


def _paper_rows(conn: sa.Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    out = {}
    for r in digest_papers.visible_papers(conn, ids):
        names = [a.get("name", "") if isinstance(a, dict) else str(a) for a in (r["authors"] or [])]
        authors = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        abstract = " ".join((r["abstract"] or "").split())
        out[r["id"]] = {"id": r["id"], "arxiv_id": r["arxiv_id"], "title": " ".join(r["title"].split()),
                        "authors": authors, "upvotes": r["upvotes"], "category": r["primary_category"],
                        "excerpt": abstract[:280] + ("…" if len(abstract) > 280 else "")}
    return out


class DigestContent:
    """Trending list for one period and topic matches, cached for the length of one run."""

    def __init__(self, db: Database, period: Period, trending_count: int = 10, topic_count: int = 5) -> None:
        self.db, self.period = db, period
        self.trending_count, self.topic_count = trending_count, topic_count
        self._trending: list[int] | None = None
        self._topics: dict[tuple[str, str, date], list[int]] = {}
        self._candidates: list[int] | None = None
        self._papers: dict[int, dict[str, Any]] = {}

    # -- trending ---------------------------------------------------------------------------------------------
    def trending_ids(self) -> list[int]:
        if self._trending is None:
            # Room for dropping papers a subscriber already had.
            self._trending = self._rank(self.trending_count * 3)
            self._load(self._trending)
        return self._trending

    def _rank(self, limit: int) -> list[int]:
        # The period's daily-list papers ranked by the site's trending formula as of the period's end; when the
        # period has none (a hub that stopped harvesting), the latest listed day before it.
        with self.db.connect() as conn:
            flt = listing.ListFilter(listing.Period(self.period.start.date(), self.period.end.date()))
            rows = listing.scoring_rows(conn, flt)
            if not rows:
                latest = digest_papers.latest_listed_day_before(conn, self.period.end.date())
                if latest is not None:
                    rows = listing.scoring_rows(conn, listing.ListFilter(listing.Period.day(latest)))
        ids, _ = rank_trending(rows, self.period.end)
        return ids[:limit]

    # -- topics -----------------------------------------------------------------------------------------------
    def topic_ids(self, topic: dict[str, str], since: datetime) -> list[int]:
        key = (topic["kind"], topic["value"].lower(), since.date())
        if key not in self._topics:
            self._topics[key] = self._search(topic, datetime.combine(since.date(), time()))
            self._load(self._topics[key])
        return self._topics[key]

    def _search(self, topic: dict[str, str], since: datetime) -> list[int]:
        kind, value = topic["kind"], topic["value"]
        # Hybrid search answers with keyword matches alone on a host without the embedding model.
        page = search_papers(self.db, value if kind == "query" else "", mode="hybrid", since=since.date(),
                             limit=self.topic_count * 4, categories=[value] if kind == "category" else None,
                             author=value if kind == "author" else None)
        return [hit.paper["id"] for hit in page.hits]

    # -- for you ----------------------------------------------------------------------------------------------
    def for_you_ids(self, user_id: int) -> list[int]:
        """The period's listed papers ranked for the reader's library (empty without a library)."""
        from dailypapers.recs.reader import rank_for_reader

        if self._candidates is None:
            self._candidates = self._rank(10_000)
        ranked = [r.paper_id for r in rank_for_reader(self.db, user_id, self._candidates,
                                                      limit=self.topic_count * 4)]
        self._load(ranked)
        return ranked

    # -- papers -----------------------------------------------------------------------------------------------
    def _load(self, ids: list[int]) -> None:
        missing = [i for i in ids if i not in self._papers]
        if missing:
            with self.db.connect() as conn:
                self._papers.update(_paper_rows(conn, missing))

    def paper(self, paper_id: int) -> dict[str, Any] | None:
        return self._papers.get(paper_id)
