"""Reads behind author pages: an author's papers (by normalized name key), co-authors, categories, upvotes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from dailypapers.authors import author_key
from dailypapers.store.listing import papers_by_ids
from dailypapers.store.schema import papers


def _matches(key: str) -> sa.ColumnElement[bool]:
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.and_(papers.c.author_keys.like(f"%|{escaped}|%", escape="\\"), papers.c.hidden.is_(False))


@dataclass
class AuthorProfile:
    key: str
    spellings: list[str] = field(default_factory=list)  # how this name is written on its papers, most common first
    paper_count: int = 0
    upvotes: int = 0
    coauthors: list[tuple[str, int]] = field(default_factory=list)
    categories: list[tuple[str, int]] = field(default_factory=list)


def author_profile(conn: sa.Connection, name: str, top: int = 10) -> AuthorProfile:
    """What an author page says about `name` beyond the list: every visible paper whose author list has it."""
    key = author_key(name)
    profile = AuthorProfile(key)
    if not key:
        return profile
    spellings: Counter[str] = Counter()
    coauthors: Counter[str] = Counter()
    shown: dict[str, Counter[str]] = {}
    categories: Counter[str] = Counter()
    q = sa.select(papers.c.authors, papers.c.categories, papers.c.imported_upvotes, papers.c.vote_count).where(
        _matches(key))
    for authors, cats, imported, votes in conn.execute(q):
        profile.paper_count += 1
        profile.upvotes += (imported or 0) + (votes or 0)
        categories.update(dict.fromkeys((cats or "").split(), 1))
        for a in dict.fromkeys(authors or []):
            k = author_key(a)
            if k == key:
                spellings[a] += 1
            else:
                coauthors[k] += 1
                shown.setdefault(k, Counter())[a] += 1
    profile.spellings = [s for s, _ in spellings.most_common()]
    profile.coauthors = [(shown[k].most_common(1)[0][0], n) for k, n in coauthors.most_common(top)]
    profile.categories = categories.most_common(top)
    return profile


def papers_by_author(conn: sa.Connection, name: str, limit: int = 20, offset: int = 0) -> tuple[list[dict], int]:
    """One page of the author's visible papers, newest first, and how many there are."""
    key = author_key(name)
    if not key:
        return [], 0
    where = _matches(key)
    total = conn.execute(sa.select(sa.func.count()).select_from(papers).where(where)).scalar_one()
    ids = conn.execute(sa.select(papers.c.id).where(where)
                       .order_by(papers.c.published_at.desc().nulls_last(), papers.c.id.desc())
                       .limit(limit).offset(offset)).scalars().all()
    return papers_by_ids(conn, ids), total
