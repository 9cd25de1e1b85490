"""One paper: `/papers/{arxiv_id}` with full abstract, links, upvote, comments and similar papers."""

from __future__ import annotations

import logging

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

import dailypapers.web.convertors  # noqa: F401  (registers the "arxiv" path convertor)
from dailypapers.ids import arxiv_categories, parse_arxiv_id
from dailypapers.search import similar_papers
from dailypapers.store import listing
from dailypapers.web.caching import conditional
from dailypapers.web.deps import get_db, get_settings
from dailypapers.web.paper_markdown import paper_markdown
from dailypapers.web.search_glue import vector_coverage
from dailypapers.web.views import render_html

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)
SIMILAR = 5


def find_paper(request: Request, arxiv_id: str) -> dict:
    """The visible paper with this id (any version spelling), or a helpful 404."""
    base, _version = parse_arxiv_id(arxiv_id)
    with get_db(request).connect() as conn:
        row = listing.paper_with_entry(conn, base)
    if row is None or row["hidden"]:
        raise HTTPException(404, f"Paper {base} is not in this hub. It may be on arXiv: https://arxiv.org/abs/{base}")
    return row


def similar_to(request: Request, arxiv_id: str, limit: int = SIMILAR) -> list:
    """Similar papers; a page still renders when they cannot be computed."""
    try:
        return similar_papers(get_db(request), arxiv_id, limit=limit)
    except Exception:  # similar papers are a garnish: log, never fail the paper page for them
        log.exception("similar papers for %s failed", arxiv_id)
        return []


def _similar_note(request: Request, found: bool) -> str | None:
    """What to say about similar papers while search vectors are missing (neighbours drawn from a few papers
    would look random), or why there are none."""
    coverage = vector_coverage(get_db(request))
    if coverage is None:
        return None if found else "Similar papers need meaning search, which is not available on this server."
    if not coverage.complete:
        if found:
            return f"Drawn only from the papers meaning search knows: {coverage.sentence()}."
        return f"Similar papers appear once this paper has its search vector ({coverage.sentence()})."
    return None if found else "No similar papers found."


def _comments_version(request: Request, paper_id: int) -> str:
    from dailypapers.store.comments import thread_version

    with get_db(request).connect() as conn:
        return thread_version(conn, paper_id)


def _viewer_claim(request: Request, paper_id: int) -> dict | None:
    from dailypapers.store.claims import claim_of
    from dailypapers.web.auth import current_user

    user = current_user(request)
    if user is None:
        return None
    with get_db(request).connect() as conn:
        return claim_of(conn, user["id"], paper_id)


@router.get("/papers/{arxiv_id:arxiv}", response_class=HTMLResponse)
def paper_page(request: Request, arxiv_id: str):
    row = find_paper(request, arxiv_id)
    if row["arxiv_id"] != arxiv_id:  # versioned spelling: one canonical page per paper
        return RedirectResponse(f"/papers/{row['arxiv_id']}", status_code=301)
    similar = [h.paper for h in similar_to(request, row["arxiv_id"])]
    note = _similar_note(request, bool(similar))
    my_claim = _viewer_claim(request, row["id"])
    ctx = {"p": row, "categories": arxiv_categories(row.get("categories")), "similar": similar,
           "similar_note": note, "base_url": get_settings(request).base_url, "nav": None, "my_claim": my_claim}
    fp = listing.fingerprint([row, *similar], my_claim and (my_claim["id"], my_claim["status"]))
    fp = listing.fingerprint([], fp, _comments_version(request, row["id"]), note)  # edits change no counter
    return render_html(request, "paper.html", ctx, fp)


@router.get("/papers/{arxiv_id:arxiv}.md")
def paper_as_markdown(request: Request, arxiv_id: str):
    row = find_paper(request, arxiv_id)
    if row["arxiv_id"] != arxiv_id:
        return RedirectResponse(f"/papers/{row['arxiv_id']}.md", status_code=301)
    similar = [h.paper for h in similar_to(request, row["arxiv_id"])]
    base_url = get_settings(request).base_url
    fp = listing.fingerprint([row, *similar], "md")
    return conditional(request, fp, lambda: paper_markdown(row, similar, base_url).encode(),
                       "text/markdown; charset=utf-8")
