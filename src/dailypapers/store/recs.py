"""Reads behind personal ranking: the content of papers (never their community signals) and text samples."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from dailypapers.store.schema import papers


@dataclass
class PaperContent:
    """What a recommender may know about a paper: its own content, no upvotes, comments or submitters."""

    id: int
    arxiv_id: str
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]
    published_at: datetime | None

    @property
    def text(self) -> str:
        return f"{self.title}. {self.abstract}"


_COLUMNS = (papers.c.id, papers.c.arxiv_id, papers.c.title, papers.c.abstract, papers.c.authors,
            papers.c.categories, papers.c.published_at)


def _content(row: sa.Row) -> PaperContent:
    return PaperContent(int(row[0]), row[1], row[2] or "", row[3] or "", list(row[4] or []),
                        (row[5] or "").split(), row[6])


def contents_by_arxiv_id(conn: sa.Connection, arxiv_ids: Sequence[str]) -> dict[str, PaperContent]:
    out: dict[str, PaperContent] = {}
    ids = list(dict.fromkeys(arxiv_ids))
    for start in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        stmt = sa.select(*_COLUMNS).where(papers.c.arxiv_id.in_(ids[start : start + 900]))
        out.update((p.arxiv_id, p) for p in map(_content, conn.execute(stmt)))
    return out


def contents_by_id(conn: sa.Connection, paper_ids: Sequence[int]) -> dict[int, PaperContent]:
    out: dict[int, PaperContent] = {}
    ids = list(dict.fromkeys(paper_ids))
    for start in range(0, len(ids), 900):
        stmt = sa.select(*_COLUMNS).where(papers.c.id.in_(ids[start : start + 900]))
        out.update((p.id, p) for p in map(_content, conn.execute(stmt)))
    return out


def newest_contents(conn: sa.Connection, limit: int) -> list[PaperContent]:
    """The `limit` most recently published visible papers: the sample the text vocabulary is learnt from."""
    stmt = (sa.select(*_COLUMNS).where(papers.c.hidden == sa.false())
            .order_by(papers.c.published_at.desc().nulls_last(), papers.c.id.desc()).limit(limit))
    return [_content(r) for r in conn.execute(stmt)]
