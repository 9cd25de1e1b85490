"""`/search?q=...`: the search page (filters, highlighted matches, pagination) over `dailypapers.search`."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from dailypapers.store.listing import fingerprint
from dailypapers.web.deps import get_db
from dailypapers.web.search_glue import MODES, SEARCH_SORTS, SearchParams, run_search
from dailypapers.web.views import pager_for, render_html

router = APIRouter(include_in_schema=False)
PER_PAGE = 20


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: str = Query("", max_length=500),
    mode: str = Query("hybrid"),
    sort: str = Query("relevance"),
    category: str | None = Query(None, max_length=64),
    author: str | None = Query(None, max_length=200),
    since: str | None = Query(None),
    until: str | None = Query(None),
    page: int = Query(1, ge=1, le=500),
):
    params = SearchParams(q.strip(), mode, sort, category or None, author or None, since or None, until or None)
    hits, total, message, pager, feed = [], 0, None, None, None
    if params.query:
        result = run_search(get_db(request), params, PER_PAGE, (page - 1) * PER_PAGE)
        hits, total, message = result.hits, result.total, result.message
        pager = pager_for(request, page, PER_PAGE, min(total, 500 * PER_PAGE))
        feed = "/search.atom?" + urlencode({k: v for k, v in request.query_params.items() if k != "page"})
    ctx = {
        "nav": "search", "query": params.query, "hits": hits, "total": total, "message": message, "pager": pager,
        "mode": params.mode, "modes": MODES, "sort": params.sort, "search_sorts": SEARCH_SORTS,
        "category": params.category, "author": params.author, "since": params.since, "until": params.until,
        "advanced": any((params.category, params.author, params.since, params.until)) or mode != "hybrid",
        "feed_url": feed, "feed_title": f"search “{params.query}”",
    }
    fp = fingerprint([h.paper for h in hits], total, message, [(h.score, h.highlights) for h in hits])
    return render_html(request, "search.html", ctx, fp)
