"""Library JSON API: list, add, remove, tag/annotate, "not interested", import. Authenticated by an API token
(`Authorization: Bearer …`) or by the session cookie plus `X-CSRF-Token` (the site's own library.js)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request

from dailypapers.library import service
from dailypapers.library.formats import ReferenceFileError
from dailypapers.store import library as store
from dailypapers.web.api_docs import WRITE_ERRORS
from dailypapers.web.auth import csrf_protect, require_user
from dailypapers.web.deps import get_db
from dailypapers.web.routes.community_api import _payload
from dailypapers.web.routes.community_papers import visible_paper
from dailypapers.web.routes.library import input_error

router = APIRouter(prefix="/api/library", tags=["library"], dependencies=[Depends(csrf_protect)],
                   responses=WRITE_ERRORS)


def _item_json(row: dict) -> dict:
    return {"arxivId": row["arxiv_id"], "title": row["title"], "savedAt": row["saved_at"].isoformat() + "Z",
            "publishedAt": row["published_at"].isoformat() + "Z" if row.get("published_at") else None,
            "tags": row["tags"], "note": row["note"]}


@router.get("")
def list_library(request: Request, tag: str = "", sort: str = "saved", user: dict = Depends(require_user)):
    """The caller's saved papers, newest first (`sort`: saved or published), optionally only those with `tag`."""
    if sort not in store.SORTS:
        raise HTTPException(422, f"query parameter 'sort': expected one of {', '.join(store.SORTS)}, got {sort!r}")
    with get_db(request).connect() as conn:
        rows = store.list_library(conn, user["id"], tag=tag or None, sort=sort)
        tags = store.tag_counts(conn, user["id"])
    return {"papers": [_item_json(r) for r in rows], "tags": dict(tags)}


def _fields(data: dict) -> tuple[list[str] | None, str | None]:
    try:
        tags = service.clean_tags(data["tags"]) if data.get("tags") is not None else None
        return tags, service.clean_note(data.get("note"))
    except service.LibraryInputError as exc:
        raise input_error(exc) from None


@router.post("")
async def add(request: Request, user: dict = Depends(require_user)):
    """Save a paper. Fields: `arxivId` (id or link), optional `tags` (list or "a, b") and `note`."""
    data = await _payload(request)
    paper = visible_paper(request, str(data.get("arxivId") or data.get("arxiv_id") or ""))
    tags, note = _fields(data)
    created = service.save(get_db(request), user["id"], paper["id"], tags, note)
    return {"arxivId": paper["arxiv_id"], "saved": True, "created": created}


@router.put("/{arxiv_id:path}")
async def tag(request: Request, arxiv_id: str, user: dict = Depends(require_user)):
    """Replace a saved paper's `tags` and/or `note`."""
    data = await _payload(request)
    paper = visible_paper(request, arxiv_id)
    tags, note = _fields(data)
    try:
        service.update(get_db(request), user["id"], paper["id"], tags, note)
    except service.LibraryInputError as exc:
        raise input_error(exc) from None
    return {"arxivId": paper["arxiv_id"], "tags": tags, "note": note}


@router.post("/import")
async def import_references(request: Request, user: dict = Depends(require_user)):
    """Import a BibTeX, RIS or CSL-JSON file or a list of arXiv ids (the request body, as text)."""
    body = await request.body()
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HTTPException(422, "request body: not UTF-8 text") from None
    from starlette.concurrency import run_in_threadpool

    try:
        result = await run_in_threadpool(service.import_references, get_db(request), user["id"], text)
    except ReferenceFileError as exc:
        raise HTTPException(422, f"request body: {exc}") from None
    return {"format": result.format, "saved": result.saved, "alreadySaved": result.already,
            "unmatched": [{"entry": label, "reason": reason} for label, reason in result.unmatched]}


@router.post("/{arxiv_id:path}/not-interested")
def not_interested(request: Request, arxiv_id: str, user: dict = Depends(require_user)):
    """Mark a paper "not interested" (it leaves the library and the caller's lists)."""
    paper = visible_paper(request, arxiv_id)
    service.set_not_interested(get_db(request), user["id"], paper["id"])
    return {"arxivId": paper["arxiv_id"], "notInterested": True}


@router.delete("/{arxiv_id:path}/not-interested")
def undo_not_interested(request: Request, arxiv_id: str, user: dict = Depends(require_user)):
    paper = visible_paper(request, arxiv_id)
    service.set_not_interested(get_db(request), user["id"], paper["id"], undo=True)
    return {"arxivId": paper["arxiv_id"], "notInterested": False}


@router.delete("/{arxiv_id:path}")
def remove(request: Request, arxiv_id: str, user: dict = Depends(require_user)):
    """Remove a paper from the library (idempotent)."""
    paper = visible_paper(request, arxiv_id)
    removed = service.remove(get_db(request), user["id"], paper["id"])
    return {"arxivId": paper["arxiv_id"], "saved": False, "removed": removed}
