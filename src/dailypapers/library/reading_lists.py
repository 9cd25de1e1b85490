"""Reading lists: who may see and change a list, and the checked actions the pages and the API share.

A list is private (its owners only), unlisted (anyone holding the link with its key) or public (listed, with an
Atom feed and JSON). Any owner may edit it and add owners (a reading group shares one list). Moderators may hide a
public list; hiding is written to the moderation log."""

from __future__ import annotations

import hmac

from dailypapers.library.service import LibraryInputError
from dailypapers.store import moderation as mod_store
from dailypapers.store import reading_lists as store
from dailypapers.store import users as user_store
from dailypapers.store.db import Database

MAX_NAME = 200
MAX_DESCRIPTION = 5000
MAX_NOTE = 2000


def clean_fields(name: str, description: str, visibility: str) -> tuple[str, str, str]:
    name = " ".join((name or "").split())
    if not name:
        raise LibraryInputError("name", "a list needs a name")
    if len(name) > MAX_NAME:
        raise LibraryInputError("name", f"at most {MAX_NAME} characters")
    if len(description or "") > MAX_DESCRIPTION:
        raise LibraryInputError("description", f"at most {MAX_DESCRIPTION} characters")
    if visibility not in store.VISIBILITIES:
        raise LibraryInputError("visibility", f"expected one of {', '.join(store.VISIBILITIES)}, got {visibility!r}")
    return name, (description or "").strip(), visibility


def clean_note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise LibraryInputError("note", f"at most {MAX_NOTE} characters")
    return note


MAX_ID = 2**31 - 1  # larger ids cannot exist (and SQLite cannot even bind them)


def _get(db: Database, list_id: int) -> dict | None:
    if not 0 < list_id <= MAX_ID:
        return None
    with db.connect() as conn:
        return store.get(conn, list_id)


def is_owner(db: Database, list_id: int, user: dict | None) -> bool:
    if user is None or not 0 < list_id <= MAX_ID:
        return False
    with db.connect() as conn:
        return any(o["id"] == user["id"] for o in store.owners(conn, list_id))


def viewable(db: Database, list_id: int, user: dict | None, key: str | None) -> dict:
    """The list if this visitor may see it, else LibraryInputError 404 (a private list's existence is not told)."""
    row = _get(db, list_id)
    missing = LibraryInputError("list_id", f"no reading list {list_id}", 404)
    if row is None:
        raise missing
    owner = is_owner(db, list_id, user)
    moderator = user is not None and user.get("role") in ("moderator", "admin")
    if owner or (row["visibility"] == "public" and (not row["hidden"] or moderator)):
        return row
    if row["visibility"] == "unlisted" and key and hmac.compare_digest(key, row["share_key"]) and not row["hidden"]:
        return row
    raise missing


def owned(db: Database, list_id: int, user: dict) -> dict:
    row = _get(db, list_id)
    if row is None or not is_owner(db, list_id, user):
        raise LibraryInputError("list_id", f"no reading list {list_id} of yours", 404)
    return row


def add_owner(db: Database, list_id: int, user: dict, username: str) -> dict:
    owned(db, list_id, user)
    with db.write() as conn:
        other = user_store.find_by_username(conn, (username or "").strip())
        if other is None:
            raise LibraryInputError("username", f"no user named {username!r}")
        store.add_owner(conn, list_id, other["id"])
    return other


def set_hidden(db: Database, moderator: dict, list_id: int, hidden: bool, reason: str) -> None:
    if _get(db, list_id) is None:
        raise LibraryInputError("list_id", f"no reading list {list_id}", 404)
    with db.write() as conn:
        row = store.get(conn, list_id)
        if row is not None and row["hidden"] != hidden:
            store.update(conn, list_id, hidden=hidden)
            mod_store.log_action(conn, moderator, "hide_list" if hidden else "unhide_list", "list", list_id,
                                 row["name"], reason)
