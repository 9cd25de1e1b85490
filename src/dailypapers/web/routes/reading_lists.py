"""Reading lists: `/lists` (yours and the public ones), a page per list (`?key=` opens an unlisted one), its Atom
feed and JSON, the owners' edit forms, "add to list" from any card (plain form; library.js posts it without a
reload) and the moderators' hide button."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dailypapers.library import reading_lists as lists
from dailypapers.library.service import LibraryInputError
from dailypapers.store import reading_lists as store
from dailypapers.web.atom import feed_xml
from dailypapers.web.auth import csrf_protect, current_user, is_api, require_role, require_user, safe_next
from dailypapers.web.deps import get_db, get_settings, templates
from dailypapers.web.routes.community_papers import visible_paper
from dailypapers.web.routes.library import input_error

router = APIRouter(include_in_schema=False)


def _viewable(request: Request, list_id: int, key: str | None) -> dict:
    try:
        return lists.viewable(get_db(request), list_id, current_user(request), key)
    except LibraryInputError as exc:
        raise input_error(exc) from None


def _owned(request: Request, list_id: int, user: dict) -> dict:
    try:
        return lists.owned(get_db(request), list_id, user)
    except LibraryInputError as exc:
        raise input_error(exc) from None


def _url(row: dict) -> str:
    return f"/lists/{row['id']}" + (f"?key={row['share_key']}" if row["visibility"] == "unlisted" else "")


@router.get("/lists", response_class=HTMLResponse)
def index(request: Request):
    user = current_user(request)
    with get_db(request).connect() as conn:
        mine = store.lists_of(conn, user["id"]) if user else []
        public = store.public_lists(conn)
    return templates(request).TemplateResponse(request, "lists/index.html",
                                              {"mine": mine, "public": public, "nav": "library", "list_url": _url})


@router.post("/lists")
def create(request: Request, name: str = Form(""), description: str = Form(""), visibility: str = Form("private"),
           user: dict = Depends(require_user), _csrf: None = Depends(csrf_protect)):
    try:
        fields = lists.clean_fields(name, description, visibility)
    except LibraryInputError as exc:
        raise input_error(exc) from None
    with get_db(request).write() as conn:
        list_id = store.create(conn, user["id"], *fields)
    return RedirectResponse(f"/lists/{list_id}", status_code=303)


@router.get("/lists/{list_id:int}", response_class=HTMLResponse)
def page(request: Request, list_id: int, key: str | None = None):
    row = _viewable(request, list_id, key)
    db = get_db(request)
    with db.connect() as conn:
        items = store.items(conn, list_id)
        owners = store.owners(conn, list_id)
    owner = lists.is_owner(db, list_id, current_user(request))
    return templates(request).TemplateResponse(request, "lists/list.html", {
        "lst": row, "items": items, "owners": owners, "owner": owner, "nav": "library", "share_url": _url(row),
        "feed_url": f"/lists/{list_id}.atom" if row["visibility"] == "public" else None})


@router.get("/lists/{list_id:int}.atom")
def atom(request: Request, list_id: int, key: str | None = None):
    row = _viewable(request, list_id, key)
    base = get_settings(request).base_url.rstrip("/")
    with get_db(request).connect() as conn:
        items = store.items(conn, list_id)
    for item in items:
        item["submitted_at"] = item["added_at"]  # the feed's "updated": when the paper joined the list
    body = feed_xml(feed_id=f"{base}/lists/{list_id}", title=row["name"], self_url=f"{base}/lists/{list_id}.atom",
                    html_url=f"{base}{_url(row)}", rows=items, base_url=base, subtitle=row["description"] or None)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/api/lists/{list_id:int}")
def as_json(request: Request, list_id: int, key: str | None = None):
    row = _viewable(request, list_id, key)
    with get_db(request).connect() as conn:
        items = store.items(conn, list_id)
        owners = store.owners(conn, list_id)
    return {"id": row["id"], "name": row["name"], "description": row["description"],
            "visibility": row["visibility"], "owners": [o["username"] for o in owners],
            "updatedAt": row["updated_at"].isoformat() + "Z",
            "papers": [{"arxivId": i["arxiv_id"], "title": i["title"], "note": i["note"], "position": i["position"],
                        "addedAt": i["added_at"].isoformat() + "Z"} for i in items]}


@router.post("/lists/{list_id:int}/edit")
def edit(request: Request, list_id: int, name: str = Form(""), description: str = Form(""),
         visibility: str = Form("private"), user: dict = Depends(require_user), _csrf: None = Depends(csrf_protect)):
    _owned(request, list_id, user)
    try:
        name, description, visibility = lists.clean_fields(name, description, visibility)
    except LibraryInputError as exc:
        raise input_error(exc) from None
    with get_db(request).write() as conn:
        store.update(conn, list_id, name=name, description=description, visibility=visibility)
    return RedirectResponse(f"/lists/{list_id}", status_code=303)


@router.post("/lists/{list_id:int}/owners")
def add_owner(request: Request, list_id: int, username: str = Form(""), user: dict = Depends(require_user),
              _csrf: None = Depends(csrf_protect)):
    try:
        lists.add_owner(get_db(request), list_id, user, username)
    except LibraryInputError as exc:
        raise input_error(exc) from None
    return RedirectResponse(f"/lists/{list_id}", status_code=303)


@router.post("/lists/add")
def add_to_list(request: Request, list_id: str = Form(""), arxiv_id: str = Form(""), note: str = Form(""),
                next: str = Form(""), user: dict = Depends(require_user), _csrf: None = Depends(csrf_protect)):
    """"Add to list" from a card or paper page."""
    if not list_id.isdigit():
        raise HTTPException(422, "form field 'list_id': choose one of your lists")
    lst = _owned(request, int(list_id), user)
    paper = visible_paper(request, arxiv_id)
    try:
        note = lists.clean_note(note)
    except LibraryInputError as exc:
        raise input_error(exc) from None
    with get_db(request).write() as conn:
        added = store.add_item(conn, lst["id"], paper["id"], note)
    if is_api(request) or "application/json" in request.headers.get("accept", ""):
        return {"listId": lst["id"], "arxivId": paper["arxiv_id"], "added": added, "name": lst["name"]}
    return RedirectResponse(safe_next(next, f"/lists/{lst['id']}"), status_code=303)


@router.post("/lists/{list_id:int}/items/{arxiv_id:path}/move")
def move(request: Request, list_id: int, arxiv_id: str, direction: str = Form("up"),
         user: dict = Depends(require_user), _csrf: None = Depends(csrf_protect)):
    _owned(request, list_id, user)
    paper = visible_paper(request, arxiv_id)
    offsets = {"up": -1, "down": 1, "remove": 0}
    if direction not in offsets:
        raise HTTPException(400, f"form field 'direction': expected up, down or remove, got {direction!r}")
    with get_db(request).write() as conn:
        if direction == "remove":
            store.remove_item(conn, list_id, paper["id"])
        else:
            store.move_item(conn, list_id, paper["id"], offsets[direction])
    return RedirectResponse(f"/lists/{list_id}", status_code=303)


@router.post("/moderation/lists/{list_id:int}/hide")
def hide(request: Request, list_id: int, hidden: str = Form("1"), reason: str = Form(""),
         user: dict = Depends(require_role("moderator")), _csrf: None = Depends(csrf_protect)):
    if hidden not in ("0", "1"):
        raise HTTPException(400, f"form field 'hidden': expected 1 or 0, got {hidden!r}")
    try:
        lists.set_hidden(get_db(request), user, list_id, hidden == "1", reason.strip())
    except LibraryInputError as exc:
        raise input_error(exc) from None
    return RedirectResponse(f"/lists/{list_id}", status_code=303)
