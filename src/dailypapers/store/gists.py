"""Reads and writes of the papers' extractive gist columns (TL;DR, keyphrases) for the backfill."""

from __future__ import annotations

import sqlalchemy as sa

from dailypapers.store.schema import papers


def _stale(version: int) -> sa.ColumnElement[bool]:
    return sa.or_(papers.c.gist_version.is_(None), papers.c.gist_version != version)


def papers_needing_gist(conn: sa.Connection, after_id: int, limit: int, version: int,
                        everything: bool = False) -> list[sa.Row]:
    """(id, title, abstract) of papers past `after_id` whose gist is missing or older than `version`."""
    query = sa.select(papers.c.id, papers.c.title, papers.c.abstract).where(papers.c.id > after_id)
    if not everything:
        query = query.where(_stale(version))
    return list(conn.execute(query.order_by(papers.c.id).limit(limit)))


def count_needing_gist(conn: sa.Connection, version: int) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(papers).where(_stale(version))).scalar_one()


def save_gists(conn: sa.Connection, rows: list[dict]) -> None:
    """Store gists computed from (id, title, abstract); a paper whose text changed since is left for the next pass."""
    if not rows:
        return
    stmt = (papers.update()
            .where(papers.c.id == sa.bindparam("_id"), papers.c.title == sa.bindparam("_title"),
                   papers.c.abstract == sa.bindparam("_abstract"))
            .values(tldr=sa.bindparam("tldr"), keyphrases=sa.bindparam("keyphrases"),
                    gist_version=sa.bindparam("gist_version")))
    conn.execute(stmt, rows)
