"""The daily list: `/` and `/papers/date/YYYY-MM-DD`."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dailypapers.harvest.status import harvest_status
from dailypapers.store import daily as daily_store
from dailypapers.web.deps import get_db, templates

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    with get_db(request).connect() as conn:
        day = daily_store.latest_day(conn)
    if day is None:
        # An empty hub says whether arXiv is being backfilled, or how to load papers when it cannot be.
        harvest = harvest_status(get_db(request), recent=1)
        return templates(request).TemplateResponse(request, "empty.html", {"harvest": harvest})
    return _daily(request, day)


@router.get("/papers/date/{day}", response_class=HTMLResponse)
def daily_page(request: Request, day: str):
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise HTTPException(400, f"path parameter 'day': not a YYYY-MM-DD date: {day!r}") from None
    return _daily(request, parsed)


@router.get("/papers/date")
def daily_redirect():
    return RedirectResponse(f"/papers/date/{datetime.now(UTC).date().isoformat()}")


def _daily(request: Request, day: date):
    with get_db(request).connect() as conn:
        papers = daily_store.papers_on_day(conn, day)
        prev_day, next_day = daily_store.neighbour_days(conn, day)
    return templates(request).TemplateResponse(
        request, "daily.html", {"day": day, "papers": papers, "prev_day": prev_day, "next_day": next_day}
    )
