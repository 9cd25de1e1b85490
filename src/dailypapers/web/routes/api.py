"""The JSON API, shaped like Hugging Face's papers API (`/api/daily_papers`, `/api/papers/{id}`,
`/api/papers/search`) so `huggingface_hub.HfApi(endpoint=...)` works against it, plus `/api/papers` (cursor)."""

from __future__ import annotations

import json
from typing import Literal

from fastapi import APIRouter, HTTPException, Query, Request

import dailypapers.web.convertors  # noqa: F401  (registers the "arxiv" path convertor)
from dailypapers.ids import parse_arxiv_id
from dailypapers.store import listing
from dailypapers.web.api_docs import READ_ERRORS
from dailypapers.web.caching import conditional
from dailypapers.web.deps import get_db, get_settings
from dailypapers.web.hf_shape import daily_item, paper_object
from dailypapers.web.periods import BadParameter, parse_day, parse_month, parse_week
from dailypapers.web.search_glue import SearchParams, run_search
from dailypapers.web.views import ranked_page, trending_filter, trending_now

router = APIRouter(prefix="/api", tags=["papers"], responses=READ_ERRORS)
JSON = "application/json"


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).encode()


@router.get("/daily_papers", summary="Papers on the daily list",
            description="Hugging Face compatible. Without date/week/month: the newest listed papers. "
                        "`sort=publishedAt` (default) is newest first; `sort=trending` ranks by the trending score.")
def daily_papers(
    request: Request,
    p: int = Query(0, ge=0, le=100000, description="0-based page"),
    limit: int = Query(50, ge=1, le=100, description="Papers per page (1-100)"),
    date: str | None = Query(None, description="YYYY-MM-DD", json_schema_extra={"format": "date"}),
    week: str | None = Query(None, description="ISO week, YYYY-Www", pattern=r"^\d{4}-W\d{2}$"),
    month: str | None = Query(None, description="YYYY-MM", pattern=r"^\d{4}-\d{2}$"),
    submitter: str | None = Query(None, max_length=100, description="Username of the submitter"),
    sort: Literal["publishedAt", "trending"] = Query("publishedAt"),
    category: str | None = Query(None, max_length=64, description="arXiv category, e.g. cs.CL (our extra)"),
):
    given = [(n, v) for n, v in (("date", date), ("week", week), ("month", month)) if v]
    if len(given) > 1:
        raise BadParameter(given[1][0], f"give only one of date, week, month (got {', '.join(n for n, _ in given)})")
    settings = get_settings(request)
    with get_db(request).connect() as conn:
        if given:
            name, value = given[0]
            span = {"date": parse_day, "week": parse_week, "month": parse_month}[name](value, name)
            flt = listing.ListFilter(span.period, category=category or None, submitter=submitter or None)
        elif sort == "trending":
            flt = trending_filter(conn, settings.trending_window_days, category or None)
            flt.submitter = submitter or None
        else:
            flt = listing.ListFilter(category=category or None, submitter=submitter or None)
        page, scores = ranked_page(conn, flt, "trending" if sort == "trending" else "newest", limit, p * limit,
                                   with_total=False)
    row_scores: list[float | None] = list(scores) if scores else [None] * len(page.rows)
    return conditional(
        request, page.fingerprint(),
        lambda: _dumps([daily_item(r, settings.base_url, s) for r, s in zip(page.rows, row_scores, strict=True)]),
        JSON, max_age_s=trending_now()[1] if sort == "trending" else None)


@router.get("/papers/search", summary="Search papers",
            description="Hugging Face compatible: a list of daily-list shaped items, best match first.")
def search(
    request: Request,
    q: str = Query(..., min_length=1, max_length=500, description="The query"),
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=10000),
    mode: Literal["hybrid", "keyword", "semantic"] = Query("hybrid"),
    sort: Literal["relevance", "newest", "upvotes"] = Query("relevance"),
    category: str | None = Query(None, max_length=64),
    author: str | None = Query(None, max_length=200),
    since: str | None = Query(None, description="YYYY-MM-DD", json_schema_extra={"format": "date"}),
    until: str | None = Query(None, description="YYYY-MM-DD", json_schema_extra={"format": "date"}),
):
    params = SearchParams(q, mode, sort, category or None, author, since, until)
    result = run_search(get_db(request), params, limit, offset)
    base = get_settings(request).base_url
    items = []
    for hit in result.hits:
        item = daily_item(hit.paper, base, hit.score)
        item["dailypapers"]["highlights"] = hit.highlights
        items.append(item)
    fp = listing.fingerprint([h.paper for h in result.hits], result.total,
                             [(h.score, h.highlights) for h in result.hits])
    return conditional(request, fp, lambda: _dumps(items), JSON)


@router.get("/papers/{arxiv_id:arxiv}", summary="One paper", description="Hugging Face compatible paper object.")
def paper(request: Request, arxiv_id: str):
    base_id, _v = parse_arxiv_id(arxiv_id)
    with get_db(request).connect() as conn:
        row = listing.paper_with_entry(conn, base_id)
    if row is None or row["hidden"]:
        raise HTTPException(404, f"paper {base_id} is not in this hub")
    return conditional(request, listing.fingerprint([row]),
                       lambda: _dumps(paper_object(row, get_settings(request).base_url)), JSON)


@router.get("/papers", summary="Every paper, cursor-paged",
            description="Newest arXiv id first. The `Link: <...>; rel=\"next\"` header carries the next page.")
def papers(
    request: Request,
    cursor: str | None = Query(None, max_length=64, description="The last arXiv id of the previous page"),
    limit: int = Query(50, ge=1, le=100),
):
    with get_db(request).connect() as conn:
        rows = listing.papers_after_cursor(conn, cursor or None, limit)
    base = get_settings(request).base_url
    response = conditional(request, listing.fingerprint(rows, cursor, limit),
                           lambda: _dumps([paper_object(r, base) for r in rows]), JSON)
    if len(rows) == limit:
        nxt = request.url.include_query_params(cursor=rows[-1]["arxiv_id"], limit=limit)
        response.headers["Link"] = f'<{nxt}>; rel="next"'
    return response
