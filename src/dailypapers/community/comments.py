"""Posting, editing and deleting comments, with the permission rules (own comments; moderators any)."""

from __future__ import annotations

from dailypapers.community.sanitize import MAX_COMMENT_CHARS, render_comment
from dailypapers.errors import DomainError
from dailypapers.roles import has_role
from dailypapers.store import comments as comment_store
from dailypapers.store import moderation as mod_store
from dailypapers.store.db import Database


class CommentError(DomainError):
    def __init__(self, status: int, field: str, message: str) -> None:
        super().__init__(status, message, field)


def _body(text: str) -> tuple[str, str]:
    text = (text or "").strip()
    if not text:
        raise CommentError(400, "body", "the comment is empty")
    if len(text) > MAX_COMMENT_CHARS:
        raise CommentError(400, "body", f"the comment is longer than {MAX_COMMENT_CHARS} characters")
    return text, render_comment(text)


def post(db: Database, paper_id: int, user: dict, body: str, parent_id: int | None = None) -> int:
    md, html = _body(body)
    with db.write() as conn:
        if parent_id is not None:
            parent = comment_store.get_comment(conn, parent_id)
            if parent is None or parent["paper_id"] != paper_id or parent["deleted_at"] is not None:
                raise CommentError(400, "parent_id", f"no comment {parent_id} to reply to on this paper")
            if parent["parent_id"] is not None:
                raise CommentError(400, "parent_id", "replies nest one level: reply to the top comment instead")
        return comment_store.add_comment(conn, paper_id, user["id"], md, html, parent_id)


def _own_or_404(conn, comment_id: int) -> dict:
    comment = comment_store.get_comment(conn, comment_id)
    if comment is None or comment["deleted_at"] is not None:
        raise CommentError(404, "comment", f"no comment {comment_id}")
    return comment


def edit(db: Database, comment_id: int, user: dict, body: str) -> dict:
    md, html = _body(body)
    with db.write() as conn:
        comment = _own_or_404(conn, comment_id)
        if comment["user_id"] != user["id"]:
            raise CommentError(403, "comment", "you can edit only your own comments")
        comment_store.edit_comment(conn, comment_id, md, html)
        return _own_or_404(conn, comment_id)


def delete(db: Database, comment_id: int, user: dict, reason: str = "") -> dict:
    """Delete own comment, or any comment as a moderator (logged publicly)."""
    with db.write() as conn:
        comment = _own_or_404(conn, comment_id)
        own = comment["user_id"] == user["id"]
        if not own and not has_role(user["role"], "moderator"):
            raise CommentError(403, "comment", "you can delete only your own comments")
        comment_store.delete_comment(conn, comment_id, user["id"])
        if not own:
            excerpt = comment["body_md"][:80]
            mod_store.log_action(conn, user, "delete_comment", "comment", comment_id, excerpt, reason)
        return comment
