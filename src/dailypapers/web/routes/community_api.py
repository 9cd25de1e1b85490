"""Community JSON API: upvotes, submissions, comments, the caller's account, the moderation log.

Writes authenticate with `Authorization: Bearer <API token>` (from the account page) or with the session cookie
plus the `X-CSRF-Token` header (what the site's own JavaScript does).
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse

from dailypapers.community import comments as comment_logic
from dailypapers.community import ratelimit, submissions, votes
from dailypapers.store import comments as comment_store
from dailypapers.store import moderation as mod_store
from dailypapers.web.auth import client_ip, csrf_protect, require_user
from dailypapers.web.deps import get_db, get_settings
from dailypapers.web.routes.community_papers import visible_paper

router = APIRouter(prefix="/api", tags=["community"], dependencies=[Depends(csrf_protect)])


async def _payload(request: Request) -> dict:
    """The request body as a dict: JSON object or form fields."""
    ctype = request.headers.get("content-type", "")
    if "json" in ctype:
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError as exc:
            raise HTTPException(400, f"request body: not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise HTTPException(400, "request body: expected a JSON object")
        return data
    if "form" in ctype:
        return dict(await request.form())
    return {}


def _vote(request: Request, paper_id: str, action: str, user: dict) -> dict:
    paper = visible_paper(request, paper_id)
    result = votes.change(get_db(request), get_settings(request), user, paper["id"], action, client_ip(request))
    return {"arxivId": paper["arxiv_id"], **result}


@router.post("/papers/{paper_id:path}/upvote")
def upvote(request: Request, paper_id: str, user: dict = Depends(require_user)):
    """Upvote a paper (idempotent: a second upvote changes nothing)."""
    return _vote(request, paper_id, "add", user)


@router.delete("/papers/{paper_id:path}/upvote")
def remove_upvote(request: Request, paper_id: str, user: dict = Depends(require_user)):
    """Take back an upvote (idempotent)."""
    return _vote(request, paper_id, "remove", user)


@router.post("/papers/submit", status_code=201)
async def submit(request: Request):
    """Put a paper on today's list. Fields: `paper_id` (arXiv id or link), optional `comment`."""
    data = await _payload(request)
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_submit, request, data)


def _submit(request: Request, data: dict):
    user = require_user(request)
    db, settings = get_db(request), get_settings(request)
    ratelimit.check(db, settings, "submit", account=str(user["id"]), ip=client_ip(request), user=user)
    try:
        done = submissions.submit(db, settings, user, str(data.get("paper_id") or ""), data.get("comment"))
    except submissions.SubmissionRefused as exc:
        return JSONResponse({"detail": exc.message, "rule": exc.rule}, status_code=422)
    return {"arxivId": done.arxiv_id, "day": done.day, "title": done.title}


def _comment_json(c: dict) -> dict:
    deleted = c["deleted_at"] is not None
    return {"id": c["id"], "parentId": c["parent_id"], "author": None if deleted else c.get("username"),
            "html": c["body_html"], "markdown": c["body_md"], "createdAt": c["created_at"].isoformat() + "Z",
            "editedAt": c["edited_at"].isoformat() + "Z" if c["edited_at"] else None, "deleted": deleted,
            "replies": [_comment_json(r) for r in c.get("replies", [])]}


@router.get("/papers/{paper_id:path}/comments")
def list_comments(request: Request, paper_id: str):
    """Comments of a paper, oldest first, replies nested one level."""
    paper = visible_paper(request, paper_id)
    with get_db(request).connect() as conn:
        thread = comment_store.comments_for_paper(conn, paper["id"])
        count = comment_store.count_live(conn, paper["id"])
    return {"arxivId": paper["arxiv_id"], "numComments": count, "comments": [_comment_json(c) for c in thread]}


@router.post("/papers/{paper_id:path}/comments", status_code=201)
async def post_comment(request: Request, paper_id: str):
    """Comment on a paper. Fields: `body` (Markdown), optional `parentId` to reply."""
    data = await _payload(request)
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(_post_comment, request, paper_id, data)


def _post_comment(request: Request, paper_id: str, data: dict):
    user = require_user(request)
    paper = visible_paper(request, paper_id)
    db, settings = get_db(request), get_settings(request)
    ratelimit.check(db, settings, "comment", account=str(user["id"]), ip=client_ip(request), user=user)
    parent = data.get("parentId", data.get("parent_id"))
    try:
        parent = int(parent) if parent not in (None, "") else None
    except (TypeError, ValueError):
        raise HTTPException(400, f"field 'parentId': not a number: {parent!r}") from None
    try:
        cid = comment_logic.post(db, paper["id"], user, str(data.get("body") or ""), parent)
    except comment_logic.CommentError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    with db.connect() as conn:
        comment = comment_store.get_comment(conn, cid)
    assert comment is not None  # posted just above; comments are tombstoned, never deleted
    return _comment_json(comment)


@router.patch("/comments/{comment_id}")
async def edit_comment(request: Request, comment_id: int):
    """Edit your own comment. Field: `body`."""
    data = await _payload(request)
    from starlette.concurrency import run_in_threadpool

    def work():
        user = require_user(request)
        try:
            return _comment_json(comment_logic.edit(get_db(request), comment_id, user, str(data.get("body") or "")))
        except comment_logic.CommentError as exc:
            raise HTTPException(exc.status, str(exc)) from None

    return await run_in_threadpool(work)


@router.delete("/comments/{comment_id}")
def delete_comment(request: Request, comment_id: int, reason: str = "", user: dict = Depends(require_user)):
    """Delete your own comment; moderators delete any (publicly logged)."""
    try:
        comment_logic.delete(get_db(request), comment_id, user, reason)
    except comment_logic.CommentError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    return {"deleted": comment_id}


@router.get("/me")
def me(request: Request):
    """The authenticated account, or 401."""
    user = require_user(request)
    return {"username": user["username"], "displayName": user["display_name"], "role": user["role"],
            "auth": user["auth"]}


@router.get("/moderation/log")
def moderation_log(request: Request, before: int | None = None, limit: int = 100):
    """The public moderation log, newest first (`before` = an entry id for the next page)."""
    if not 1 <= limit <= 500:
        raise HTTPException(400, f"query parameter 'limit': between 1 and 500, got {limit}")
    with get_db(request).connect() as conn:
        entries = mod_store.log_entries(conn, limit, before)
    return [{"id": e["id"], "at": e["at"].isoformat() + "Z", "moderator": e["moderator_username"],
             "action": e["action"], "targetType": e["target_type"], "target": e["target_id"],
             "targetLabel": e["target_label"], "reason": e["reason"]} for e in entries]
