"""Community pages about papers: submit, the upvote form fallback, comments (list, post, edit, delete)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from dailypapers.community import comments as comment_logic
from dailypapers.community import ratelimit, submissions, votes
from dailypapers.ids import InvalidArxivId, parse_arxiv_id
from dailypapers.store import comments as comment_store
from dailypapers.store import papers as paper_store
from dailypapers.store import submissions as sub_store
from dailypapers.web import submitting
from dailypapers.web.auth import client_ip, csrf_protect, current_user, require_user, safe_next
from dailypapers.web.deps import get_db, get_settings, templates
from dailypapers.web.inputs import RowIdPath, row_id_field

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, context: dict, status: int = 200):
    return templates(request).TemplateResponse(request, f"community/{name}", context, status_code=status)


def visible_paper(request: Request, paper_text: str) -> dict:
    """The paper an id or link names; 404 when unknown or hidden (moderators still see hidden papers)."""
    try:
        arxiv_id, _ = parse_arxiv_id(paper_text)
    except InvalidArxivId as exc:
        raise HTTPException(404, f"path parameter 'arxiv_id': {exc}") from None
    with get_db(request).connect() as conn:
        paper = sub_store.paper_by_arxiv_id(conn, arxiv_id)
    user = current_user(request)
    if paper is None or (paper["hidden"] and (user is None or user["role"] == "member")):
        raise HTTPException(404, f"no paper arXiv:{arxiv_id}")
    return paper


@router.get("/submit", response_class=HTMLResponse)
def submit_form(request: Request, user: dict = Depends(require_user)):
    s = get_settings(request)
    return _page(request, "submit.html", {"error": None, "rule": None, "values": {}, "settings": s})


@router.post("/submit", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
async def submit(request: Request, paper_id: str = Form(""), comment: str = Form(""),
                 user: dict = Depends(require_user)):
    db, settings = get_db(request), get_settings(request)
    await run_in_threadpool(ratelimit.check, db, settings, "submit", account=str(user["id"]), ip=client_ip(request),
                            user=user)
    try:
        done = await submitting.submit(request, user, paper_id, comment)
    except submissions.SubmissionRefused as exc:
        return _page(request, "submit.html", {"error": exc.message, "rule": exc.rule, "settings": settings,
                                              "values": {"paper_id": paper_id, "comment": comment}}, 422)
    if isinstance(done, submitting.Pending):
        return _page(request, "message.html", {"title": "Submission pending", "message": done.message}, 202)
    return RedirectResponse(f"/papers/date/{done.day}#paper-{done.arxiv_id.replace('/', '-')}", status_code=303)


@router.post("/papers/{arxiv_id:path}/upvote")
def upvote_form(request: Request, arxiv_id: str, action: str = Form("toggle"), next: str = Form(""),
                user: dict = Depends(require_user), _csrf: None = Depends(csrf_protect)):
    """The no-JavaScript upvote button: changes the vote, then goes back to the page it came from."""
    paper = visible_paper(request, arxiv_id)
    if action not in ("add", "remove", "toggle"):
        raise HTTPException(400, f"form field 'action': expected add, remove or toggle, got {action!r}")
    votes.change(get_db(request), get_settings(request), user, paper["id"], action, client_ip(request))
    referer = request.headers.get("referer", "")
    target = safe_next(next) if next else safe_next(_local_path(referer), "/")
    if "#" not in target:  # back to the paper's card (ids as _card.html writes them)
        target += f"#paper-{paper['arxiv_id'].replace('/', '-')}"
    return RedirectResponse(target, status_code=303)


def _local_path(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.path else ""


def comments_context(request: Request, paper: dict) -> dict:
    """What `community/_comments.html` needs; paper pages of other modules can include it with this."""
    with get_db(request).connect() as conn:
        thread = comment_store.comments_for_paper(conn, paper["id"])
    return {"paper": paper, "comments": thread}


@router.get("/papers/{arxiv_id:path}/comments", response_class=HTMLResponse)
def comments_page(request: Request, arxiv_id: str):
    paper = visible_paper(request, arxiv_id)
    return _page(request, "comments_page.html", {**comments_context(request, paper), "error": None})


@router.post("/papers/{arxiv_id:path}/comments", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def post_comment(request: Request, arxiv_id: str, body: str = Form(""), parent_id: str = Form(""),
                 user: dict = Depends(require_user)):
    paper = visible_paper(request, arxiv_id)
    db, settings = get_db(request), get_settings(request)
    parent = row_id_field(parent_id.strip(), "parent_id")

    def again(message: str, status: int, headers: dict | None = None):
        # Never lose what was typed: the form comes back filled in, with the reason beside it.
        ctx = {**comments_context(request, paper), "error": message, "draft": body, "draft_parent": parent}
        return templates(request).TemplateResponse(request, "community/comments_page.html", ctx,
                                                   status_code=status, headers=headers)

    try:
        ratelimit.check(db, settings, "comment", account=str(user["id"]), ip=client_ip(request), user=user)
    except ratelimit.RateLimited as exc:
        return again(f"You are commenting fast: you can comment again in {exc.retry_after} s. Your text is kept "
                     "below.", 429, {"Retry-After": str(exc.retry_after)})
    try:
        cid = comment_logic.post(db, paper["id"], user, body, parent)
    except comment_logic.CommentError as exc:
        return again(exc.message, exc.status)
    return RedirectResponse(f"/papers/{paper['arxiv_id']}#c{cid}", status_code=303)


def _comment_or_404(request: Request, comment_id: int) -> dict:
    with get_db(request).connect() as conn:
        comment = comment_store.get_comment(conn, comment_id)
    if comment is None or comment["deleted_at"] is not None:
        raise HTTPException(404, f"no comment {comment_id}")
    return comment


def _paper_arxiv_id(request: Request, paper_id: int) -> str:
    with get_db(request).connect() as conn:
        return paper_store.arxiv_id_of(conn, paper_id)


@router.get("/comments/{comment_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, comment_id: RowIdPath, user: dict = Depends(require_user)):
    comment = _comment_or_404(request, comment_id)
    if comment["user_id"] != user["id"]:
        raise HTTPException(403, "you can edit only your own comments")
    return _page(request, "comment_edit.html", {"comment": comment, "error": None,
                                                "arxiv_id": _paper_arxiv_id(request, comment["paper_id"])})


@router.post("/comments/{comment_id}/edit", response_class=HTMLResponse, dependencies=[Depends(csrf_protect)])
def edit(request: Request, comment_id: RowIdPath, body: str = Form(""), user: dict = Depends(require_user)):
    try:
        comment = comment_logic.edit(get_db(request), comment_id, user, body)
    except comment_logic.CommentError as exc:
        if exc.status != 400:
            raise
        comment = _comment_or_404(request, comment_id)
        return _page(request, "comment_edit.html", {"comment": {**comment, "body_md": body}, "error": exc.message,
                                                    "arxiv_id": _paper_arxiv_id(request, comment["paper_id"])}, 400)
    return RedirectResponse(f"/papers/{_paper_arxiv_id(request, comment['paper_id'])}#c{comment_id}",
                            status_code=303)


@router.post("/comments/{comment_id}/delete", dependencies=[Depends(csrf_protect)])
def delete(request: Request, comment_id: RowIdPath, reason: str = Form(""), user: dict = Depends(require_user)):
    comment = comment_logic.delete(get_db(request), comment_id, user, reason)
    return RedirectResponse(f"/papers/{_paper_arxiv_id(request, comment['paper_id'])}#comments", status_code=303)
