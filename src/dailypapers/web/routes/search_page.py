"""`/search?q=...`: the search page (filters, highlighted matches, pagination) over `dailypapers.search`.

The page says what really ran: the mode (hybrid falls back to keywords when meaning search is unavailable), how much
of the hub meaning search covers yet, and a count that does not pretend ("100+ results" while pages stay full).
A bad filter value keeps the query and is explained beside its field.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from dailypapers.ids import is_arxiv_category
from dailypapers.store.listing import fingerprint
from dailypapers.web.auth import current_user
from dailypapers.web.deps import get_db
from dailypapers.web.periods import BadParameter, parse_day
from dailypapers.web.search_glue import MODES, SEARCH_SORTS, SearchParams, run_search, vector_coverage
from dailypapers.web.views import Pager, pager_for, render_html

router = APIRouter(include_in_schema=False)
PER_PAGE = 20
MAX_PAGE = 50  # search serves results down to rank 1,000 (dailypapers.search.engine.MAX_DEPTH)


def filter_errors(params: SearchParams) -> dict[str, str]:
    """Each bad filter value with what is wrong with it, keyed by its field."""
    errors: dict[str, str] = {}
    if params.mode not in MODES:
        errors["mode"] = f"choose one of {', '.join(MODES)}"
    if params.sort not in SEARCH_SORTS:
        errors["sort"] = f"choose one of {', '.join(SEARCH_SORTS)}"
    if params.category and not is_arxiv_category(params.category):
        errors["category"] = f"{params.category!r} is not an arXiv category like cs.CL"
    for name in ("since", "until"):
        value = getattr(params, name)
        if value:
            try:
                parse_day(value, name)
            except BadParameter:
                errors[name] = f"{value!r} is not a date like 2025-06-09"
    if not errors.get("since") and not errors.get("until"):
        try:
            params.dates()
        except BadParameter as exc:
            errors["since"] = str(exc).split(": ", 1)[-1]
    return errors


def _notices(request: Request, asked: str, ran: str, message: str | None, by_text: bool) -> list[str]:
    """Plain words about how the search ran; the operator's command only for admins."""
    notes = []
    user = current_user(request)
    admin = user is not None and user.get("role") == "admin"
    if asked != "keyword" and by_text:
        if ran == "keyword":
            notes.append("Meaning search is not available right now, so these results match keywords only.")
        else:
            coverage = vector_coverage(get_db(request))
            if coverage is not None and not coverage.complete:
                tail = "; the others are found by their words only" if asked == "hybrid" else ""
                notes.append(f"{coverage.sentence()[0].upper()}{coverage.sentence()[1:]}{tail}.")
                if admin:
                    notes.append("Admins: `dailypapers index` computes the missing vectors (serve does it in the "
                                 "background).")
    if message and "dailypapers index" not in message and message != "no papers match":
        notes.append(message[0].upper() + message[1:] + ("" if message.endswith(".") else "."))
    return notes


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: str = Query("", max_length=500),
    mode: str = Query("hybrid", max_length=20),
    sort: str = Query("relevance", max_length=20),
    category: str | None = Query(None, max_length=64),
    author: str | None = Query(None, max_length=200),
    since: str | None = Query(None, max_length=32),
    until: str | None = Query(None, max_length=32),
    page: int = Query(1, ge=1, le=MAX_PAGE),
):
    params = SearchParams(q.strip(), mode, sort, category or None, author or None, since or None, until or None)
    errors = filter_errors(params)
    hits, count, notices, pager, feed, ran = [], "", [], None, None, params.mode
    if params.query and not errors:
        offset = (page - 1) * PER_PAGE
        # One result more than a page shows whether a next page exists, whatever the count says.
        result = run_search(get_db(request), params, PER_PAGE + 1, offset)
        more = len(result.hits) > PER_PAGE and page < MAX_PAGE
        hits, ran = result.hits[:PER_PAGE], result.mode
        total = result.total or 0
        exact = result.query is None or not result.query.has_text  # filters alone are counted, not ranked
        count = _count_label(total, more, exact)
        notices = _notices(request, params.mode, ran, result.message, not exact)
        pages = page + 1 if more else page
        pager = pager_for(request, page, PER_PAGE, pages * PER_PAGE)
        pager = Pager(page, pages, total, pager.prev_url, pager.next_url if more else None, label=f"Page {page}")
        feed = "/search.atom?" + urlencode({k: v for k, v in request.query_params.items() if k != "page"})
    ctx = {
        "nav": "search", "query": params.query, "hits": hits, "count": count, "notices": notices, "pager": pager,
        "mode": params.mode, "ran": ran, "modes": MODES, "sort": params.sort, "search_sorts": SEARCH_SORTS,
        "category": params.category, "author": params.author, "since": params.since, "until": params.until,
        "errors": errors, "filtered": any((params.category, params.author, params.since, params.until)),
        "advanced": bool(errors) or any((params.category, params.author, params.since, params.until))
        or params.mode != "hybrid" or params.sort != "relevance",
        "feed_url": feed, "feed_title": f"search “{params.query}”",
        "no_filters_url": "/search?" + urlencode({"q": params.query, "mode": params.mode}),
        "keyword_url": "/search?" + urlencode({"q": params.query, "mode": "keyword"}),
        "hybrid_url": "/search?" + urlencode({"q": params.query}),
    }
    fp = fingerprint([h.paper for h in hits], count, notices, errors, [(h.score, h.highlights) for h in hits])
    return render_html(request, "search.html", ctx, fp, status_code=422 if errors else 200)


def _count_label(total: int, more: bool, exact: bool) -> str:
    if exact or not more:
        return f"{total:,} result{'' if total == 1 else 's'}"
    return f"{max(100, total // 100 * 100):,}+ results"
