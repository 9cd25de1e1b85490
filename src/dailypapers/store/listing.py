"""Reads behind the list pages and the JSON API: papers on the daily list by day, week or month, by category or
submitter, paginated and sorted; single papers with their daily entry; trending candidates; cursor listing."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from dailypapers.ids import is_arxiv_category
from dailypapers.store.schema import daily_entries, paper_categories, papers

SORTS = ("upvotes", "newest", "trending")

_ENTRY_COLS = (
    daily_entries.c.day,
    daily_entries.c.submitted_at,
    daily_entries.c.submitter_name,
    daily_entries.c.submitter_username,
    daily_entries.c.source.label("entry_source"),
    daily_entries.c.comment.label("entry_comment"),
)
# A paper's upvotes: those imported from Hugging Face plus this hub's own (ranking.paper_votes in Python).
TOTAL_UPVOTES = papers.c.imported_upvotes + papers.c.vote_count
# What ranking needs, without the abstracts.
_SCORING_COLS = (papers.c.id, papers.c.arxiv_id, papers.c.imported_upvotes, papers.c.vote_count,
                 papers.c.imported_comments, papers.c.comment_count, daily_entries.c.submitted_at)


@dataclass
class Period:
    """Days `start` (inclusive) to `end` (exclusive); both None means every day."""

    start: date | None = None
    end: date | None = None

    @classmethod
    def day(cls, d: date) -> Period:
        return cls(d, d + timedelta(days=1))


@dataclass
class ListFilter:
    period: Period = field(default_factory=Period)
    category: str | None = None
    submitter: str | None = None


@dataclass
class ListPage:
    rows: list[dict]
    total: int

    def fingerprint(self, *extra) -> str:
        return fingerprint(self.rows, self.total, *extra)


def fingerprint(rows: Sequence[dict], *extra) -> str:
    """A short digest of everything a list page shows, to key ETags and the render cache."""
    h = hashlib.sha1(repr(extra).encode())
    for r in rows:
        h.update(repr((r.get("id"), r.get("content_hash"), r.get("vote_count"), r.get("comment_count"),
                       r.get("hidden"), r.get("submitted_at"), r.get("submitter_name"),
                       r.get("submitter_username"), r.get("gist_version"))).encode())
    return h.hexdigest()[:20]


def _filtered(q: sa.Select, flt: ListFilter, include_hidden: bool) -> sa.Select:
    if flt.period.start is not None:
        q = q.where(daily_entries.c.day >= flt.period.start)
    if flt.period.end is not None:
        q = q.where(daily_entries.c.day < flt.period.end)
    if flt.category:
        q = q.where(papers.c.id.in_(sa.select(paper_categories.c.paper_id)
                                    .where(paper_categories.c.category == flt.category)))
    if flt.submitter:
        q = q.where(daily_entries.c.submitter_username == flt.submitter)
    if not include_hidden:
        q = q.where(papers.c.hidden.is_(False))
    return q


def _joined(*cols) -> sa.Select:
    return sa.select(*cols).select_from(papers.join(daily_entries, daily_entries.c.paper_id == papers.c.id))


def list_entries(conn: sa.Connection, flt: ListFilter, sort: str = "upvotes", limit: int = 50, offset: int = 0,
                 include_hidden: bool = False, with_total: bool = True) -> ListPage:
    """Featured papers matching `flt`, sorted by "upvotes" or "newest" (list time), one page of them.
    `with_total=False` skips the count (total is then -1) where a reader does not show it."""
    order = {
        # Tie-break on the entry id (not the arXiv id) so SQLite can walk ix_daily_entries_submitted_at.
        "upvotes": (TOTAL_UPVOTES.desc(), daily_entries.c.submitted_at.desc(), daily_entries.c.id.desc()),
        "newest": (daily_entries.c.submitted_at.desc(), daily_entries.c.id.desc()),
    }[sort]
    q = _filtered(_joined(papers, *_ENTRY_COLS), flt, include_hidden).order_by(*order).limit(limit).offset(offset)
    rows = [dict(r) for r in conn.execute(q).mappings()]
    return ListPage(rows, count_entries(conn, flt, include_hidden) if with_total else -1)


def count_entries(conn: sa.Connection, flt: ListFilter, include_hidden: bool = False) -> int:
    return conn.execute(_filtered(_joined(sa.func.count()), flt, include_hidden)).scalar_one()


def scoring_rows(conn: sa.Connection, flt: ListFilter, include_hidden: bool = False) -> list[dict]:
    """Counters and list time of every featured paper matching `flt` (the input of `dailypapers.ranking`)."""
    return [dict(r) for r in conn.execute(_filtered(_joined(*_SCORING_COLS), flt, include_hidden)).mappings()]


def papers_by_ids(conn: sa.Connection, ids: Sequence[int]) -> list[dict]:
    """Full rows (with their daily entry when they have one) in the order of `ids`; unknown ids are skipped."""
    if not ids:
        return []
    q = sa.select(papers, *_ENTRY_COLS).select_from(
        papers.outerjoin(daily_entries, daily_entries.c.paper_id == papers.c.id)).where(papers.c.id.in_(list(ids)))
    by_id = {r["id"]: dict(r) for r in conn.execute(q).mappings()}
    return [by_id[i] for i in ids if i in by_id]


def paper_with_entry(conn: sa.Connection, arxiv_id: str) -> dict | None:
    q = sa.select(papers, *_ENTRY_COLS).select_from(
        papers.outerjoin(daily_entries, daily_entries.c.paper_id == papers.c.id)).where(papers.c.arxiv_id == arxiv_id)
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def latest_day(conn: sa.Connection) -> date | None:
    return conn.execute(sa.select(sa.func.max(daily_entries.c.day))).scalar()


def neighbour_days(conn: sa.Connection, period: Period) -> tuple[date | None, date | None]:
    """The nearest day with entries before the period and the nearest one after it."""
    prev = nxt = None
    if period.start is not None:
        prev = conn.execute(sa.select(sa.func.max(daily_entries.c.day))
                            .where(daily_entries.c.day < period.start)).scalar()
    if period.end is not None:
        nxt = conn.execute(sa.select(sa.func.min(daily_entries.c.day))
                           .where(daily_entries.c.day >= period.end)).scalar()
    return prev, nxt


def category_counts(conn: sa.Connection, flt: ListFilter, limit: int = 30) -> list[tuple[str, int]]:
    """The most frequent arXiv categories among the featured papers of the period (for the filter menu); MSC/ACM
    codes that arXiv's category field also carries are left out."""
    q = (
        sa.select(paper_categories.c.category, sa.func.count().label("n"))
        .select_from(paper_categories.join(daily_entries, daily_entries.c.paper_id == paper_categories.c.paper_id))
        .group_by(paper_categories.c.category)
        .order_by(sa.text("n DESC"), paper_categories.c.category)
        .limit(limit * 3)  # room for the classification codes dropped below
    )
    if flt.period.start is not None:
        q = q.where(daily_entries.c.day >= flt.period.start)
    if flt.period.end is not None:
        q = q.where(daily_entries.c.day < flt.period.end)
    return [(c, n) for c, n in conn.execute(q) if is_arxiv_category(c)][:limit]


def papers_after_cursor(conn: sa.Connection, cursor: str | None, limit: int) -> list[dict]:
    """Every visible paper, newest arXiv id first, keyset-paged: `cursor` is the last arXiv id already seen."""
    q = (sa.select(papers, *_ENTRY_COLS)
         .select_from(papers.outerjoin(daily_entries, daily_entries.c.paper_id == papers.c.id))
         .where(papers.c.hidden.is_(False))
         .order_by(papers.c.arxiv_id.desc()).limit(limit))
    if cursor:
        q = q.where(papers.c.arxiv_id < cursor)
    return [dict(r) for r in conn.execute(q).mappings()]
