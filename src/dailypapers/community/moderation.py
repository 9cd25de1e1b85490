"""Moderator actions; each writes its entry to the append-only public log in the same transaction."""

from __future__ import annotations

import sqlalchemy as sa

from dailypapers.errors import DomainError
from dailypapers.roles import ROLES, has_role
from dailypapers.store import moderation as mod_store
from dailypapers.store import sessions as session_store
from dailypapers.store import submissions as sub_store
from dailypapers.store import users as user_store
from dailypapers.store.db import Database


def end_access(conn: sa.Connection, user_id: int) -> None:
    """What suspending means: logged out everywhere and every API token revoked (lifting it revives none)."""
    session_store.delete_user_sessions(conn, user_id)
    session_store.revoke_user_api_tokens(conn, user_id)


class ModerationError(DomainError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)


def set_paper_hidden(db: Database, moderator: dict, arxiv_id: str, hidden: bool, reason: str) -> bool:
    with db.write() as conn:
        paper = sub_store.paper_by_arxiv_id(conn, arxiv_id)
        if paper is None:
            raise ModerationError(404, f"no paper arXiv:{arxiv_id}")
        changed = mod_store.set_paper_hidden(conn, paper["id"], hidden)
        if changed:
            mod_store.log_action(conn, moderator, "hide_paper" if hidden else "unhide_paper", "paper", arxiv_id,
                                 paper["title"], reason)
        return changed


def set_user_suspended(db: Database, moderator: dict, username: str, suspended: bool, reason: str) -> bool:
    with db.write() as conn:
        user = user_store.find_by_username(conn, username)
        if user is None:
            raise ModerationError(404, f"no user {username!r}")
        if user["id"] == moderator["id"]:
            raise ModerationError(400, "you cannot suspend yourself")
        if has_role(user["role"], "moderator") and not has_role(moderator["role"], "admin"):
            raise ModerationError(403, "only admins can suspend moderators and admins")
        if (user["suspended_at"] is not None) == suspended:
            return False
        user_store.set_suspended(conn, user["id"], suspended)
        if suspended:
            end_access(conn, user["id"])
        mod_store.log_action(conn, moderator, "suspend_user" if suspended else "unsuspend_user", "user",
                             user["id"], user["username"], reason)
        return True


def set_role(db: Database, admin: dict | None, username: str, role: str, reason: str = "") -> bool:
    """Give `username` the role; logged publicly when an admin account does it (`admin` None: the operator's CLI).
    True when the role changed."""
    if role not in ROLES:
        raise ModerationError(400, f"role: one of {', '.join(ROLES)}, got {role!r}")
    with db.write() as conn:
        user = user_store.find_by_username(conn, username)
        if user is None:
            raise ModerationError(404, f"no user {username!r}")
        if user["role"] == role:
            return False
        user_store.set_role(conn, user["id"], role)
        if admin is not None:
            mod_store.log_action(conn, admin, f"set_role_{role}", "user", user["id"], user["username"], reason)
        return True
