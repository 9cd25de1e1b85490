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

from dailypapers.store.db import Database
from dailypapers.store.schema import daily_entries, paper_categories, papers

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
    if not ids:
        return {}
    query = sa.select(papers.c.id, papers.c.arxiv_id, papers.c.title, papers.c.authors, papers.c.abstract,
                      papers.c.primary_category, papers.c.published_at,
                      (papers.c.imported_upvotes + papers.c.vote_count).label("upvotes")).where(
        papers.c.id.in_(ids), papers.c.hidden.is_(False))
    out = {}
    for r in conn.execute(query).mappings():
        names = [a.get("name", "") if isinstance(a, dict) else str(a) for a in (r["authors"] or [])]
        authors = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        abstract = " ".join((r["abstract"] or "").split())
        out[r["id"]] = {"id": r["id"], "arxiv_id": r["arxiv_id"], "title": " ".join(r["title"].split()),
                        "authors": authors, "upvotes": r["upvotes"], "category": r["primary_category"],
                        "excerpt": abstract[:280] + ("…" if len(abstract) > 280 else "")}
    return out


def _ids_by_arxiv(conn: sa.Connection, arxiv_ids: list[str]) -> dict[str, int]:
    if not arxiv_ids:
        return {}
    query = sa.select(papers.c.arxiv_id, papers.c.id).where(papers.c.arxiv_id.in_(arxiv_ids))
    return dict(conn.execute(query).all())


def _hit_ref(hit: Any) -> int | str | None:
    """A search hit as a paper id (int) or arXiv id (str), whatever shape the search module returns."""
    if isinstance(hit, int | str):
        return hit
    if isinstance(hit, dict):
        paper = hit.get("paper")
        return hit.get("paper_id") or hit.get("arxiv_id") or (_hit_ref(paper) if paper is not None else hit.get("id"))
    for attr in ("paper_id", "arxiv_id", "id"):
        if getattr(hit, attr, None) is not None:
            return getattr(hit, attr)
    paper = getattr(hit, "paper", None)
    return _hit_ref(paper) if paper is not None else None


class DigestContent:
    """Trending list for one period and topic matches, cached for the length of one run."""

    def __init__(self, db: Database, period: Period, trending_count: int = 10, topic_count: int = 5) -> None:
        self.db, self.period = db, period
        self.trending_count, self.topic_count = trending_count, topic_count
        self._trending: list[int] | None = None
        self._topics: dict[tuple[str, str, date], list[int]] = {}
        self._papers: dict[int, dict[str, Any]] = {}

    # -- trending ---------------------------------------------------------------------------------------------
    def trending_ids(self) -> list[int]:
        if self._trending is None:
            # Room for dropping papers a subscriber already had.
            self._trending = self._rank(self.trending_count * 3)
            self._load(self._trending)
        return self._trending

    def _rank(self, limit: int) -> list[int]:
        try:
            from dailypapers import ranking  # the one ranking module (web/community issues)
        except ImportError:
            ranking = None
        fn = getattr(ranking, "trending_paper_ids", None) if ranking else None
        if fn is not None:
            return list(fn(self.db, start=self.period.start, end=self.period.end, limit=limit))
        return self._most_upvoted(limit)

    def _most_upvoted(self, limit: int) -> list[int]:
        # Until the ranking module is there: the period's daily-list papers by displayed upvotes; when the period
        # has none (an archive without fresh lists), the latest daily list before it.
        upvotes = papers.c.imported_upvotes + papers.c.vote_count
        with self.db.connect() as conn:
            def on(start: date, end: date) -> list[int]:
                query = sa.select(papers.c.id).join(daily_entries, daily_entries.c.paper_id == papers.c.id).where(
                    daily_entries.c.day >= start, daily_entries.c.day < end, papers.c.hidden.is_(False)
                ).order_by(upvotes.desc(), papers.c.id.desc()).limit(limit)
                return list(conn.execute(query).scalars())

            ids = on(self.period.start.date(), self.period.end.date())
            if not ids:
                latest = conn.execute(sa.select(sa.func.max(daily_entries.c.day)).where(
                    daily_entries.c.day < self.period.end.date())).scalar()
                if latest is not None:
                    ids = on(latest, latest + timedelta(days=1))
        return ids

    # -- topics -----------------------------------------------------------------------------------------------
    def topic_ids(self, topic: dict[str, str], since: datetime) -> list[int]:
        key = (topic["kind"], topic["value"].lower(), since.date())
        if key not in self._topics:
            self._topics[key] = self._search(topic, datetime.combine(since.date(), time()))
            self._load(self._topics[key])
        return self._topics[key]

    def _search(self, topic: dict[str, str], since: datetime) -> list[int]:
        limit = self.topic_count * 4
        try:
            from dailypapers.search import search_papers  # hybrid search (search issue)
        except ImportError:
            return self._filter(topic, since, limit)
        kind, value = topic["kind"], topic["value"]
        hits = search_papers(self.db, value if kind == "query" else "", mode="hybrid", since=since,
                             categories=[value] if kind == "category" else None,
                             author=value if kind == "author" else None, limit=limit)
        refs = [_hit_ref(h) for h in hits]
        by_arxiv = {}
        with self.db.connect() as conn:
            by_arxiv = _ids_by_arxiv(conn, [r for r in refs if isinstance(r, str)])
        return [r if isinstance(r, int) else by_arxiv[r] for r in refs if r is not None and
                (isinstance(r, int) or r in by_arxiv)]

    def _filter(self, topic: dict[str, str], since: datetime, limit: int) -> list[int]:
        # Until the search module is there: plain filters on the store (category, author, every word in the title
        # or abstract), newest first.
        query = sa.select(papers.c.id).where(papers.c.published_at >= since, papers.c.hidden.is_(False))
        kind, value = topic["kind"], topic["value"]
        if kind == "category":
            query = query.where(papers.c.id.in_(sa.select(paper_categories.c.paper_id).where(
                paper_categories.c.category == value)))
        elif kind == "author":
            query = query.where(sa.func.lower(papers.c.authors_text).contains(value.lower(), autoescape=True))
        else:
            for word in value.lower().split()[:8]:
                text = sa.func.lower(papers.c.title + " " + papers.c.abstract)
                query = query.where(text.contains(word, autoescape=True))
        with self.db.connect() as conn:
            return list(conn.execute(query.order_by(papers.c.published_at.desc()).limit(limit)).scalars())

    # -- papers -----------------------------------------------------------------------------------------------
    def _load(self, ids: list[int]) -> None:
        missing = [i for i in ids if i not in self._papers]
        if missing:
            with self.db.connect() as conn:
                self._papers.update(_paper_rows(conn, missing))

    def paper(self, paper_id: int) -> dict[str, Any] | None:
        return self._papers.get(paper_id)
