"""Community JSON API: upvotes, submissions, comments, the caller's account, the moderation log.

Writes authenticate with `Authorization: Bearer <API token>` (from the account page) or with the session cookie
plus the `X-CSRF-Token` header (what the site's own JavaScript does).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from dailypapers.community import comments as comment_logic
from dailypapers.community import ratelimit, votes
from dailypapers.store import comments as comment_store
from dailypapers.store import moderation as mod_store
from dailypapers.web import submitting
from dailypapers.web.api_docs import COMMENT_BODY, ROW_ID, WRITE_ERRORS, json_body
from dailypapers.web.auth import client_ip, csrf_protect, require_user
from dailypapers.web.deps import get_db, get_settings
from dailypapers.web.inputs import BeforeQuery, RowIdPath, json_object, row_id_field, text_field
from dailypapers.web.routes.community_papers import visible_paper

router = APIRouter(prefix="/api", tags=["community"], dependencies=[Depends(csrf_protect)], responses=WRITE_ERRORS)


async def _payload(request: Request) -> dict:
    """The request body as a dict: JSON object or form fields."""
    ctype = request.headers.get("content-type", "")
    if "json" in ctype:
        return json_object(await request.body())
    if "form" in ctype:
        return dict(await request.form())
    return {}


async def _authenticated_payload(request: Request) -> dict:
    """The body, read only once the caller is known: anonymous bodies are refused unread (401)."""
    await run_in_threadpool(require_user, request)
    return await _payload(request)


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


@router.post("/papers/submit", status_code=201, openapi_extra=json_body(
    {"paper_id": {"type": "string", "minLength": 1, "maxLength": 500, "description": "arXiv id or link"},
     "comment": {"type": "string", "maxLength": 500, "description": "Why read it (optional)"}}, ("paper_id",)),
    responses={202: {"description": "arXiv did not answer in time: accepted, added when it answers"}})
async def submit(request: Request):
    """Put a paper on today's list. Fields: `paper_id` (arXiv id or link), optional `comment`."""
    data = await _authenticated_payload(request)
    paper_text, comment = text_field(data, "paper_id"), text_field(data, "comment")
    user = require_user(request)  # known already: no database call here
    db, settings = get_db(request), get_settings(request)
    await run_in_threadpool(ratelimit.check, db, settings, "submit", account=str(user["id"]), ip=client_ip(request),
                            user=user)
    done = await submitting.submit(request, user, paper_text, comment)  # a refusal is a DomainError (web/errors)
    if isinstance(done, submitting.Pending):
        return JSONResponse({"arxivId": done.arxiv_id, "pending": True, "detail": done.message}, status_code=202)
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


@router.post("/papers/{paper_id:path}/comments", status_code=201, openapi_extra=json_body(
    {"body": COMMENT_BODY, "parentId": {**ROW_ID, "description": "The comment this replies to"}}, ("body",)))
async def post_comment(request: Request, paper_id: str):
    """Comment on a paper. Fields: `body` (Markdown), optional `parentId` to reply."""
    data = await _authenticated_payload(request)
    return await run_in_threadpool(_post_comment, request, paper_id, data)


def _post_comment(request: Request, paper_id: str, data: dict):
    user = require_user(request)
    paper = visible_paper(request, paper_id)
    db, settings = get_db(request), get_settings(request)
    ratelimit.check(db, settings, "comment", account=str(user["id"]), ip=client_ip(request), user=user)
    key = "parentId" if "parentId" in data else "parent_id"
    parent = row_id_field(data.get(key), key)
    cid = comment_logic.post(db, paper["id"], user, text_field(data, "body"), parent)
    with db.connect() as conn:
        comment = comment_store.get_comment(conn, cid)
    assert comment is not None  # posted just above; comments are tombstoned, never deleted
    return _comment_json(comment)


@router.patch("/comments/{comment_id}", openapi_extra=json_body({"body": COMMENT_BODY}, ("body",)))
async def edit_comment(request: Request, comment_id: RowIdPath):
    """Edit your own comment. Field: `body`."""
    data = await _authenticated_payload(request)

    def work():
        user = require_user(request)
        return _comment_json(comment_logic.edit(get_db(request), comment_id, user, text_field(data, "body")))

    return await run_in_threadpool(work)


@router.delete("/comments/{comment_id}")
def delete_comment(request: Request, comment_id: RowIdPath, reason: str = "", user: dict = Depends(require_user)):
    """Delete your own comment; moderators delete any (publicly logged)."""
    comment_logic.delete(get_db(request), comment_id, user, reason)
    return {"deleted": comment_id}


@router.get("/me")
def me(request: Request):
    """The authenticated account, or 401."""
    user = require_user(request)
    return {"username": user["username"], "displayName": user["display_name"], "role": user["role"],
            "auth": user["auth"]}


@router.get("/moderation/log")
def moderation_log(request: Request, before: BeforeQuery = None, limit: int = 100):
    """The public moderation log, newest first (`before` = an entry id for the next page)."""
    if not 1 <= limit <= 500:
        raise HTTPException(400, f"query parameter 'limit': between 1 and 500, got {limit}")
    with get_db(request).connect() as conn:
        entries = mod_store.log_entries(conn, limit, before)
    return [{"id": e["id"], "at": e["at"].isoformat() + "Z", "moderator": e["moderator_username"],
             "action": e["action"], "targetType": e["target_type"], "target": e["target_id"],
             "targetLabel": e["target_label"], "reason": e["reason"]} for e in entries]
