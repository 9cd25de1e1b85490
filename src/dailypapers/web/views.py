"""What the list pages share: pagination, rendering through the ETag/body cache, the trending selection."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import Response

from dailypapers.ranking import rank_trending
from dailypapers.store import listing
from dailypapers.web.caching import conditional

HTML = "text/html; charset=utf-8"


@dataclass
class Pager:
    page: int
    pages: int
    total: int
    prev_url: str | None
    next_url: str | None
    label: str | None = None  # instead of "Page 2 of 5 · 120 papers" where the total is not known


def pager_for(request: Request, page: int, per_page: int, total: int, param: str = "page") -> Pager:
    pages = max(1, math.ceil(total / per_page))

    def url(n: int) -> str:
        params = dict(request.query_params)
        params[param] = str(n)
        if n == 1:
            params.pop(param)
        query = urlencode(params)
        return request.url.path + (f"?{query}" if query else "")

    return Pager(page, pages, total, url(page - 1) if page > 1 else None, url(page + 1) if page < pages else None)


def render_html(request: Request, template: str, context: dict, fingerprint: str, status_code: int = 200,
                max_age_s: float | None = None) -> Response:
    def render() -> bytes:
        return request.app.state.templates.TemplateResponse(request, template, context).body

    return conditional(request, fingerprint, render, HTML, status_code, max_age_s)


# Trending scores are computed at "now" rounded down to this many seconds, so a trending page is the same for
# everyone within one bucket and can be cached until the bucket ends.
TRENDING_BUCKET_S = 600


def trending_now() -> tuple[datetime, float]:
    """The bucketed "now" trending ranks at, and the seconds until the next bucket."""
    ts = time.time()
    start = ts - ts % TRENDING_BUCKET_S
    return datetime.fromtimestamp(start, UTC).replace(tzinfo=None), start + TRENDING_BUCKET_S - ts


def trending_filter(conn: sa.Connection, window_days: int, category: str | None = None) -> listing.ListFilter:
    """The candidates of /trending: papers listed in the last `window_days` days up to the newest listed day
    (anchored there, not at today, so a hub that stopped harvesting still shows its last trends)."""
    last = listing.latest_day(conn)
    if last is None:
        return listing.ListFilter(category=category)
    return listing.ListFilter(listing.Period(last - timedelta(days=window_days - 1), last + timedelta(days=1)),
                              category=category)


def ranked_page(conn: sa.Connection, flt: listing.ListFilter, sort: str, limit: int, offset: int,
                now: datetime | None = None, with_total: bool = True) -> tuple[listing.ListPage, list[float] | None]:
    """One page of featured papers; "trending" ranks every candidate with `dailypapers.ranking` first."""
    if sort != "trending":
        return listing.list_entries(conn, flt, sort=sort, limit=limit, offset=offset, with_total=with_total), None
    ids, scores = rank_trending(listing.scoring_rows(conn, flt), now or trending_now()[0])
    rows = listing.papers_by_ids(conn, ids[offset:offset + limit])
    return listing.ListPage(rows, len(ids)), scores[offset:offset + limit]
