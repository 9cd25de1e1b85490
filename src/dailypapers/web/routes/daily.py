"""The daily list and its week and month views: `/`, `/papers/date/YYYY-MM-DD`, `/papers/week/YYYY-Www`,
`/papers/month/YYYY-MM`, each with previous/next navigation, sort and category filter."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dailypapers.harvest.status import harvest_status
from dailypapers.store import listing
from dailypapers.web.deps import get_db, get_settings, templates
from dailypapers.web.library_context import without_not_interested
from dailypapers.web.periods import Span, day_span, parse_day, parse_month, parse_week, span_of, span_url
from dailypapers.web.views import pager_for, ranked_page, render_html, trending_now

router = APIRouter(include_in_schema=False)

PER_PAGE = 30
BANNER_COOKIE = "dp_banner"
SORT_CHOICES = [("upvotes", "Most upvoted"), ("newest", "Newest"), ("trending", "Trending")]
SortParam = Literal["upvotes", "newest", "trending"]
CategoryParam = Query(None, max_length=64, pattern=r"^[A-Za-z0-9.\-]*$")
PageParam = Query(1, ge=1, le=10000)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, sort: SortParam = "upvotes", category: str | None = CategoryParam, page: int = PageParam):
    with get_db(request).connect() as conn:
        day = listing.latest_day(conn)
    if day is None:
        # An empty hub says whether arXiv is being backfilled, or how to load papers when it cannot be.
        harvest = harvest_status(get_db(request), recent=1)
        return templates(request).TemplateResponse(request, "empty.html", {"harvest": harvest})
    return list_view(request, day_span(day), sort, category, page)


@router.get("/papers/date/{day}", response_class=HTMLResponse)
def daily_page(request: Request, day: str, sort: SortParam = "upvotes", category: str | None = CategoryParam,
               page: int = PageParam):
    return list_view(request, parse_day(day, "day"), sort, category, page)


@router.get("/papers/week/{week}", response_class=HTMLResponse)
def weekly_page(request: Request, week: str, sort: SortParam = "upvotes", category: str | None = CategoryParam,
                page: int = PageParam):
    return list_view(request, parse_week(week, "week"), sort, category, page)


@router.get("/papers/month/{month}", response_class=HTMLResponse)
def monthly_page(request: Request, month: str, sort: SortParam = "upvotes", category: str | None = CategoryParam,
                 page: int = PageParam):
    return list_view(request, parse_month(month, "month"), sort, category, page)


@router.get("/papers/date")
def daily_redirect(request: Request, date: str | None = Query(None, max_length=32)):
    """The date picker's target (`?date=YYYY-MM-DD`); without a date, the newest day."""
    if date:
        return RedirectResponse(span_url(parse_day(date, "date")))
    with get_db(request).connect() as conn:
        day = listing.latest_day(conn)
    return RedirectResponse("/" if day is None else f"/papers/date/{day.isoformat()}")


@router.get("/papers/week")
@router.get("/papers/month")
def period_redirect(request: Request, date: str | None = Query(None, max_length=32)):
    """The week or month holding `?date=` (the date picker of those views), else the newest one."""
    kind = request.url.path.rsplit("/", 1)[1]
    if date:
        return RedirectResponse(span_url(span_of(kind, parse_day(date, "date").start)))
    with get_db(request).connect() as conn:
        latest = listing.latest_day(conn)
    return RedirectResponse("/" if latest is None else span_url(span_of(kind, latest)))


@router.get("/papers")
def papers_redirect():
    """huggingface.co/papers is the daily list; so is ours."""
    return RedirectResponse("/", status_code=301)


def _heading(span: Span) -> str:
    return span.title if span.kind != "day" else f"Daily papers, {span.title}"


def show_banner(request: Request) -> bool:
    """The subscribe banner, unless its reader hid it (cookie set by /banner/hide)."""
    return request.cookies.get(BANNER_COOKIE) != "hidden"


def list_view(request: Request, span: Span, sort: str, category: str | None, page: int):
    category = category or None
    flt = listing.ListFilter(span.period, category=category)
    with get_db(request).connect() as conn:
        result, _scores = ranked_page(conn, flt, sort, PER_PAGE, (page - 1) * PER_PAGE)
        result.rows = without_not_interested(request, result.rows)
        prev_day, next_day = listing.neighbour_days(conn, span.period)
        categories = listing.category_counts(conn, listing.ListFilter(span.period))
        latest = listing.latest_day(conn)
    prev_span = span_of(span.kind, prev_day) if prev_day else None
    next_span = span_of(span.kind, next_day) if next_day else None
    feed = f"/feeds/category/{category}.atom" if category else (
        "/feeds/weekly.atom" if span.kind == "week" else "/feeds/daily.atom")
    ctx = {
        "nav": "daily", "span": span, "heading": _heading(span), "papers": result.rows, "sort": sort,
        "sorts": SORT_CHOICES, "category": category, "categories": categories,
        "prev_url": span_url(prev_span) if prev_span else None, "prev_label": prev_span.short if prev_span else "",
        "next_url": span_url(next_span) if next_span else None, "next_label": next_span.short if next_span else "",
        "week_label": span_of("week", span.start).label, "month_label": span_of("month", span.start).label,
        "pager": pager_for(request, page, PER_PAGE, result.total), "feed_url": feed,
        "feed_title": f"{get_settings(request).site_name}: {'category ' + category if category else span.kind}",
        "empty_message": _empty_message(span, category, page, result.total, prev_span, next_span),
        "latest_day": latest, "show_banner": show_banner(request),
    }
    # A period without any list, or a page past the end, is a 404 that still offers the nearest lists.
    status = 404 if not result.rows and (not category or page > 1) else 200
    fp = result.fingerprint(prev_day, next_day, categories, page, sort, latest)
    return render_html(request, "list.html", ctx, fp, status_code=status,
                       max_age_s=trending_now()[1] if sort == "trending" else None)


def _empty_message(span: Span, category: str | None, page: int, total: int, prev_span: Span | None,
                   next_span: Span | None) -> str:
    if total and page > 1:
        return f"There is no page {page} here; the list has {total} papers."
    what = {"day": "on this day", "week": "in this week", "month": "in this month"}[span.kind]
    if category:
        return f"No papers in {category} were featured {what}."
    nearest = " and ".join(s.title for s in (prev_span, next_span) if s)
    return f"No papers were featured {what}." + (f" The nearest lists: {nearest}." if nearest else "")
