"""Reads a digest needs: the visible papers it lists, and the latest listed day before a date (a hub that stopped
harvesting still mails what it last had)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from dailypapers.store.listing import TOTAL_UPVOTES
from dailypapers.store.schema import daily_entries, papers


def visible_papers(conn: sa.Connection, ids: list[int]) -> list[dict[str, Any]]:
    """id, arxiv_id, title, authors, abstract, primary_category, published_at and total upvotes of those of `ids`
    that are not hidden."""
    if not ids:
        return []
    query = sa.select(papers.c.id, papers.c.arxiv_id, papers.c.title, papers.c.authors, papers.c.abstract,
                      papers.c.primary_category, papers.c.published_at, TOTAL_UPVOTES.label("upvotes")).where(
        papers.c.id.in_(ids), papers.c.hidden.is_(False))
    return [dict(r) for r in conn.execute(query).mappings()]


def latest_listed_day_before(conn: sa.Connection, day: date) -> date | None:
    return conn.execute(sa.select(sa.func.max(daily_entries.c.day)).where(daily_entries.c.day < day)).scalar()
