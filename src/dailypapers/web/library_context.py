"""Template helpers for the library partial: whether the logged-in reader saved a paper or marked it "not
interested" (each loaded once per request)."""

from __future__ import annotations

from fastapi import FastAPI, Request

from dailypapers.store import library as store
from dailypapers.store import reading_lists as reading_list_store
from dailypapers.web.auth import current_user
from dailypapers.web.deps import get_db


def _ids(request: Request, key: str) -> set[int]:
    if key not in request.scope:
        user = current_user(request)
        ids: set[int] = set()
        if user is not None:
            with get_db(request).connect() as conn:
                ids = (set(store.saved_paper_ids(conn, user["id"])) if key == "dp_saved"
                       else store.not_interested_ids(conn, user["id"]))
        request.scope[key] = ids
    return request.scope[key]


def _lists(request: Request) -> list[dict]:
    if "dp_lists" not in request.scope:
        user = current_user(request)
        rows: list[dict] = []
        if user is not None:
            with get_db(request).connect() as conn:
                rows = reading_list_store.lists_of(conn, user["id"])
        request.scope["dp_lists"] = rows
    return request.scope["dp_lists"]


def _context(request: Request) -> dict:
    return {"user_saved": lambda paper_id: paper_id in _ids(request, "dp_saved"),
            "user_not_interested": lambda paper_id: paper_id in _ids(request, "dp_not_interested"),
            "user_lists": lambda: _lists(request)}


def without_not_interested(request: Request, rows: list[dict]) -> list[dict]:
    """List rows minus the papers the logged-in reader marked "not interested" (the fingerprint of the page, taken
    from these rows, changes with them, so no cached copy shows a dismissed paper)."""
    hidden = _ids(request, "dp_not_interested")
    return [r for r in rows if r["id"] not in hidden] if hidden else rows


def install(app: FastAPI) -> None:
    app.state.templates.context_processors.append(_context)
