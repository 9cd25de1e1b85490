"""`/for-you`: the latest day's (or week's) listed papers ranked for the logged-in reader, each with a reason; with
an empty library, a cold start: pick papers from a search or from trending, or name authors, and the feed follows."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dailypapers.ids import InvalidArxivId, normalize_arxiv_id
from dailypapers.library import service
from dailypapers.recs.reader import rank_for_reader
from dailypapers.search import search_papers
from dailypapers.store import library as library_store
from dailypapers.store import listing
from dailypapers.web.auth import csrf_protect, require_user
from dailypapers.web.deps import get_db, get_settings, templates
from dailypapers.web.views import ranked_page, trending_filter

router = APIRouter(include_in_schema=False)
PERIODS = {"day": 1, "week": 7}
FEED_SIZE = 50
PAPERS_PER_AUTHOR = 5
MAX_AUTHORS = 10


def _period(conn, period: str) -> listing.Period | None:
    last = listing.latest_day(conn)
    if last is None:
        return None
    return listing.Period(last - timedelta(days=PERIODS[period] - 1), last + timedelta(days=1))


@router.get("/for-you", response_class=HTMLResponse)
def for_you(request: Request, period: str = "day", q: str = "", user: dict = Depends(require_user)):
    if period not in PERIODS:
        raise HTTPException(422, f"query parameter 'period': expected day or week, got {period!r}")
    db = get_db(request)
    with db.connect() as conn:
        has_library = library_store.signature(conn, user["id"])[0] > 0
        span = _period(conn, period)
        ids = [r["id"] for r in listing.scoring_rows(conn, listing.ListFilter(span))] if span else []
    ctx: dict = {"nav": "library", "period": period, "span": span, "q": q, "cold": not has_library}
    if has_library:
        ranked = rank_for_reader(db, user["id"], ids, limit=FEED_SIZE)
        with db.connect() as conn:
            rows = {r["id"]: r for r in listing.papers_by_ids(conn, [r.paper_id for r in ranked])}
        ctx["feed"] = [(rows[r.paper_id], r.reason) for r in ranked if r.paper_id in rows]
    else:
        ctx["picks"] = _cold_start_picks(request, q)
    return templates(request).TemplateResponse(request, "library/for_you.html", ctx)


def _cold_start_picks(request: Request, q: str) -> list[dict]:
    """Papers to pick from: search results for `q`, else what is trending."""
    if q.strip():
        return [h.paper for h in search_papers(get_db(request), q, mode="keyword", limit=20).hits]
    settings = get_settings(request)
    with get_db(request).connect() as conn:
        flt = trending_filter(conn, settings.trending_window_days, None)
        result, _scores = ranked_page(conn, flt, "trending", 20, 0)
    return result.rows


@router.post("/for-you/start")
async def start(request: Request, user: dict = Depends(require_user), _csrf: None = Depends(csrf_protect)):
    """Cold start: save the picked papers (`pick`, repeatable) and papers by the named `authors` (one per line or
    separated by commas), then show the feed."""
    form = await request.form()
    picks = [str(v) for v in form.getlist("pick")]
    authors = [a.strip() for a in str(form.get("authors") or "").replace("\n", ",").split(",") if a.strip()]
    if len(authors) > MAX_AUTHORS:
        raise HTTPException(422, f"form field 'authors': name at most {MAX_AUTHORS} authors")
    try:
        arxiv_ids = [normalize_arxiv_id(p) for p in picks]
    except InvalidArxivId as exc:
        raise HTTPException(422, f"form field 'pick': {exc}") from None
    from starlette.concurrency import run_in_threadpool

    saved = await run_in_threadpool(_start, request, user, arxiv_ids, authors)
    if not saved:
        raise HTTPException(422, "form fields 'pick' / 'authors': pick at least one paper or name an author "
                                 "with papers in this hub")
    return RedirectResponse("/for-you", status_code=303)


def _start(request: Request, user: dict, arxiv_ids: list[str], authors: list[str]) -> int:
    db = get_db(request)
    with db.connect() as conn:
        paper_ids = list(library_store.paper_ids_by_arxiv_id(conn, arxiv_ids).values())
    for name in authors:
        hits = search_papers(db, "", mode="keyword", author=name, sort="newest", limit=PAPERS_PER_AUTHOR).hits
        paper_ids += [h.paper["id"] for h in hits]
    for paper_id in dict.fromkeys(paper_ids):
        service.save(db, user["id"], paper_id)
    return len(paper_ids)
