"""Author pages: `/authors/{name}` (papers newest first, co-authors, categories, upvotes), its Atom feed and
`/api/authors/{name}`. Names match after dailypapers.authors.author_key (case, accents, punctuation)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from dailypapers.authors import author_key, author_path
from dailypapers.store import listing
from dailypapers.store.authors import AuthorProfile, author_profile, papers_by_author
from dailypapers.store.claims import claimants
from dailypapers.web.api_docs import READ_ERRORS
from dailypapers.web.atom import feed_xml
from dailypapers.web.caching import conditional
from dailypapers.web.deps import get_db, get_settings
from dailypapers.web.hf_shape import daily_item
from dailypapers.web.periods import BadParameter
from dailypapers.web.views import pager_for, render_html

router = APIRouter()
PER_PAGE = 20


def _lookup(request: Request, name: str, limit: int, offset: int) -> tuple[AuthorProfile, list[dict], int]:
    if not author_key(name) or len(name) > 300:
        raise BadParameter("name", f"not an author name: {name[:50]!r}", status=404)
    with get_db(request).connect() as conn:
        rows, total = papers_by_author(conn, name, limit, offset)
        profile = author_profile(conn, name)
    return profile, rows, total


@router.get("/authors/{name}.atom", include_in_schema=False)
def author_feed(request: Request, name: str):
    _profile, rows, _total = _lookup(request, name, 50, 0)
    base = get_settings(request).base_url
    site = get_settings(request).site_name

    def render() -> bytes:
        return feed_xml(feed_id=f"{base}{author_path(author_key(name))}.atom", title=f"{site}: papers by {name}",
                        self_url=f"{base}{author_path(name)}.atom", html_url=f"{base}{author_path(name)}",
                        rows=rows, base_url=base)

    return conditional(request, listing.fingerprint(rows, "author-feed"), render, "application/atom+xml; charset=utf-8")


@router.get("/authors/{name}", response_class=HTMLResponse, include_in_schema=False)
def author_page(request: Request, name: str, page: int = Query(1, ge=1, le=10_000)):
    profile, rows, total = _lookup(request, name, PER_PAGE, (page - 1) * PER_PAGE)
    with get_db(request).connect() as conn:
        users = claimants(conn, profile.key)
    ctx = {"name": name, "profile": profile, "papers": rows, "pager": pager_for(request, page, PER_PAGE, total),
           "nav": None, "feed_url": f"{author_path(name)}.atom", "claimants": users}
    fp = listing.fingerprint(rows, total, profile.upvotes, tuple(profile.coauthors), tuple(users))
    return render_html(request, "authors.html", ctx, fp)


@router.get("/api/authors/{name}", responses=READ_ERRORS)
def author_api(request: Request, name: str, p: int = Query(0, ge=0, le=10_000), limit: int = Query(20, ge=1, le=100)):
    profile, rows, total = _lookup(request, name, limit, p * limit)
    base = get_settings(request).base_url
    return JSONResponse({
        "name": name, "key": profile.key, "spellings": profile.spellings, "numPapers": total,
        "upvotes": profile.upvotes, "url": f"{base}{author_path(name)}",
        "coauthors": [{"name": c, "papers": n, "url": f"{base}{author_path(c)}"} for c, n in profile.coauthors],
        "categories": [{"category": c, "papers": n} for c, n in profile.categories],
        "papers": [daily_item(r, base) for r in rows],
    })
