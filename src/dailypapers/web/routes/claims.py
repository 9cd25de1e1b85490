"""Claiming authorship (form on the paper page), the moderators' claim queue, and public profiles `/u/{username}`."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

import dailypapers.web.convertors  # noqa: F401  (registers the "arxiv" path convertor)
from dailypapers.community import claims
from dailypapers.ids import parse_arxiv_id
from dailypapers.store import claims as claim_store
from dailypapers.store import submissions as sub_store
from dailypapers.store import users as user_store
from dailypapers.web.auth import csrf_protect, require_role, require_user
from dailypapers.web.deps import get_db, templates

router = APIRouter(include_in_schema=False)


@router.post("/papers/{arxiv_id:arxiv}/claim", dependencies=[Depends(csrf_protect)])
def claim_author(request: Request, arxiv_id: str, author_name: str = Form(""), user: dict = Depends(require_user)):
    base, _ = parse_arxiv_id(arxiv_id)
    try:
        claims.claim(get_db(request), user, base, author_name.strip())
    except claims.ClaimError as exc:
        raise HTTPException(exc.status, exc.message) from None
    return RedirectResponse(f"/papers/{base}#claim", status_code=303)


@router.get("/moderation/claims", response_class=HTMLResponse)
def claim_queue(request: Request, user: dict = Depends(require_role("moderator"))):
    with get_db(request).connect() as conn:
        pending = claim_store.pending_claims(conn)
    return templates(request).TemplateResponse(request, "community/claims.html", {"claims": pending})


@router.post("/moderation/claims/{claim_id}", dependencies=[Depends(csrf_protect)])
def decide_claim(request: Request, claim_id: int, decision: str = Form(""), reason: str = Form(""),
                 user: dict = Depends(require_role("moderator"))):
    if decision not in ("approve", "reject"):
        raise HTTPException(400, f"form field 'decision': expected approve or reject, got {decision[:20]!r}")
    try:
        claims.decide(get_db(request), user, claim_id, decision == "approve", reason.strip())
    except claims.ClaimError as exc:
        raise HTTPException(exc.status, exc.message) from None
    return RedirectResponse("/moderation/claims", status_code=303)


@router.get("/u/{username}", response_class=HTMLResponse)
def profile(request: Request, username: str):
    with get_db(request).connect() as conn:
        person = user_store.find_by_username(conn, username)
        if person is None:
            raise HTTPException(404, f"no user {username[:100]!r}")
        claimed = claim_store.claimed_papers(conn, person["id"])
        submitted = sub_store.papers_submitted_by(conn, person["id"])
    return templates(request).TemplateResponse(request, "community/profile.html", {
        "person": person, "claimed": claimed, "submitted": submitted, "nav": None})
