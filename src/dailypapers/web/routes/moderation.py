"""Moderation: the public, append-only log page and the moderator/admin actions that write to it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from dailypapers.community import comments as comment_logic
from dailypapers.community import moderation
from dailypapers.ids import InvalidArxivId, parse_arxiv_id
from dailypapers.store import moderation as mod_store
from dailypapers.web.auth import csrf_protect, require_role
from dailypapers.web.deps import get_db, templates
from dailypapers.web.inputs import BeforeQuery, RowIdPath

router = APIRouter(include_in_schema=False)


def _flag(value: str, field: str) -> bool:
    if value in ("1", "true", "on", "yes"):
        return True
    if value in ("0", "false", "off", "no", ""):
        return False
    raise HTTPException(400, f"form field {field!r}: expected 1 or 0, got {value!r}")


@router.get("/moderation", response_class=HTMLResponse)
def log_page(request: Request, before: BeforeQuery = None):
    with get_db(request).connect() as conn:
        entries = mod_store.log_entries(conn, 100, before)
    older = entries[-1]["id"] if len(entries) == 100 else None
    return templates(request).TemplateResponse(request, "community/moderation_log.html",
                                               {"entries": entries, "older": older})


@router.post("/moderation/papers/hide", dependencies=[Depends(csrf_protect)])
def hide_paper(request: Request, paper_id: str = Form(""), hidden: str = Form("1"), reason: str = Form(""),
               user: dict = Depends(require_role("moderator"))):
    try:
        arxiv_id, _ = parse_arxiv_id(paper_id)
    except InvalidArxivId as exc:
        raise HTTPException(400, f"form field 'paper_id': {exc}") from None
    moderation.set_paper_hidden(get_db(request), user, arxiv_id, _flag(hidden, "hidden"), reason.strip())
    return RedirectResponse("/moderation", status_code=303)


@router.post("/moderation/users/suspend", dependencies=[Depends(csrf_protect)])
def suspend_user(request: Request, username: str = Form(""), suspended: str = Form("1"), reason: str = Form(""),
                 user: dict = Depends(require_role("moderator"))):
    moderation.set_user_suspended(get_db(request), user, username.strip(), _flag(suspended, "suspended"),
                                  reason.strip())
    return RedirectResponse("/moderation", status_code=303)


@router.post("/moderation/comments/{comment_id}/delete", dependencies=[Depends(csrf_protect)])
def delete_comment(request: Request, comment_id: RowIdPath, reason: str = Form(""),
                   user: dict = Depends(require_role("moderator"))):
    comment_logic.delete(get_db(request), comment_id, user, reason.strip())
    return RedirectResponse("/moderation", status_code=303)


@router.post("/moderation/users/role", dependencies=[Depends(csrf_protect)])
def set_role(request: Request, username: str = Form(""), role: str = Form(""), reason: str = Form(""),
             user: dict = Depends(require_role("admin"))):
    moderation.set_role(get_db(request), user, username, role, reason.strip())
    return RedirectResponse("/moderation", status_code=303)
