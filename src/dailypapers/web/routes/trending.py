"""`/trending`: recently listed papers ranked by `dailypapers.ranking` (votes and comments with time decay)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from dailypapers.store import listing
from dailypapers.web.deps import get_db, get_settings
from dailypapers.web.library_context import without_not_interested
from dailypapers.web.routes.daily import PER_PAGE, CategoryParam, show_banner
from dailypapers.web.views import pager_for, ranked_page, render_html, trending_filter, trending_now

router = APIRouter(include_in_schema=False)


@router.get("/trending", response_class=HTMLResponse)
def trending_page(request: Request, category: str | None = CategoryParam, page: int = Query(1, ge=1, le=10000)):
    settings = get_settings(request)
    category = category or None
    with get_db(request).connect() as conn:
        flt = trending_filter(conn, settings.trending_window_days, category)
        result, scores = ranked_page(conn, flt, "trending", PER_PAGE, (page - 1) * PER_PAGE)
        result.rows = without_not_interested(request, result.rows)
        categories = listing.category_counts(conn, listing.ListFilter(flt.period))
    ctx = {
        "nav": "trending", "span": None, "heading": "Trending papers", "papers": result.rows, "sort": "trending",
        "sorts": [("trending", "Trending")], "category": category, "categories": categories,
        "pager": pager_for(request, page, PER_PAGE, result.total),
        "feed_url": "/feeds/trending.atom", "feed_title": f"{settings.site_name}: trending",
        "empty_message": "Nothing is trending yet: no papers were listed recently.",
        "show_banner": show_banner(request),
    }
    return render_html(request, "list.html", ctx, result.fingerprint(categories, page),
                       max_age_s=trending_now()[1])
