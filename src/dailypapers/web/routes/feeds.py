"""Atom feeds: daily, weekly, trending, per category, and any search (`/search.atom?q=...`)."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from dailypapers.store import listing
from dailypapers.web.atom import feed_xml
from dailypapers.web.caching import conditional
from dailypapers.web.deps import get_db, get_settings, templates
from dailypapers.web.periods import week_span
from dailypapers.web.search_glue import SearchParams, run_search
from dailypapers.web.views import ranked_page, trending_filter, trending_now

router = APIRouter(include_in_schema=False)
ATOM = "application/atom+xml; charset=utf-8"
FEED_SIZE = 50


def _atom(request: Request, rows: list[dict], *, key: str, title: str, html_path: str, extra_fp=(),
          max_age_s: float | None = None):
    settings = get_settings(request)
    base = settings.base_url
    self_url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")

    def render() -> bytes:
        return feed_xml(feed_id=f"{base}/feeds/{key}", title=f"{settings.site_name}: {title}", self_url=self_url,
                        html_url=base + html_path, rows=rows, base_url=base)

    return conditional(request, listing.fingerprint(rows, *extra_fp), render, ATOM, max_age_s=max_age_s)


@router.get("/feeds", response_class=HTMLResponse)
def feeds_index(request: Request):
    with get_db(request).connect() as conn:
        categories = listing.category_counts(conn, listing.ListFilter(), limit=40)
    return templates(request).TemplateResponse(request, "feeds.html", {"categories": categories, "nav": None})


@router.get("/feeds/daily.atom")
def daily_feed(request: Request):
    with get_db(request).connect() as conn:
        page = listing.list_entries(conn, listing.ListFilter(), sort="newest", limit=FEED_SIZE,
                                     with_total=False)
    return _atom(request, page.rows, key="daily", title="daily papers", html_path="/")


@router.get("/feeds/weekly.atom")
def weekly_feed(request: Request):
    with get_db(request).connect() as conn:
        last = listing.latest_day(conn)
        rows, label = [], "this week"
        if last is not None:
            span = week_span(last)
            label = span.label
            rows = listing.list_entries(conn, listing.ListFilter(span.period), sort="upvotes", limit=FEED_SIZE,
                                         with_total=False).rows
    return _atom(request, rows, key="weekly", title=f"papers of the week {label}", html_path="/", extra_fp=(label,))


@router.get("/feeds/trending.atom")
def trending_feed(request: Request):
    with get_db(request).connect() as conn:
        flt = trending_filter(conn, get_settings(request).trending_window_days)
        page, _scores = ranked_page(conn, flt, "trending", FEED_SIZE, 0)
    return _atom(request, page.rows, key="trending", title="trending papers", html_path="/trending",
                 max_age_s=trending_now()[1])


@router.get("/feeds/category/{category}.atom")
def category_feed(request: Request, category: str = Path(..., max_length=64, pattern=r"^[A-Za-z0-9.\-]+$")):
    with get_db(request).connect() as conn:
        page = listing.list_entries(conn, listing.ListFilter(category=category), sort="newest", limit=FEED_SIZE,
                                     with_total=False)
    return _atom(request, page.rows, key=f"category/{category}", title=f"papers in {category}",
                 html_path=f"/?category={category}")


@router.get("/search.atom")
def search_feed(
    request: Request,
    q: str = Query(..., min_length=1, max_length=500),
    mode: str = Query("hybrid"),
    sort: str = Query("relevance"),
    category: str | None = Query(None, max_length=64),
    author: str | None = Query(None, max_length=200),
    since: str | None = Query(None),
    until: str | None = Query(None),
):
    params = SearchParams(q, mode, sort, category or None, author or None, since or None, until or None)
    result = run_search(get_db(request), params, FEED_SIZE, 0)
    rows = [hit.paper for hit in result.hits]
    from urllib.parse import urlencode
    return _atom(request, rows, key=f"search?{urlencode({'q': q})}", title=f"search “{q}”",
                 html_path=f"/search?{request.url.query}")
