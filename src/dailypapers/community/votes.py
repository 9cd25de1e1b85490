"""Upvote changes with their rate limit; the one-vote rule itself is the database's (store.votes)."""

from __future__ import annotations

from dailypapers.community import ratelimit
from dailypapers.config import Settings
from dailypapers.store import votes as vote_store
from dailypapers.store.db import Database


def change(db: Database, settings: Settings, user: dict, paper_id: int, action: str, ip: str | None) -> dict:
    """Add, remove or toggle the user's vote; returns {"upvoted", "voteCount", "upvotes"} after the change."""
    ratelimit.check(db, settings, "vote", account=str(user["id"]), ip=ip, user=user)
    with db.write() as conn:
        if action == "toggle":
            action = "remove" if vote_store.has_voted(conn, user["id"], paper_id) else "add"
        if action == "add":
            vote_store.add_vote(conn, user["id"], paper_id)
        else:
            vote_store.remove_vote(conn, user["id"], paper_id)
        own, total = vote_store.vote_totals(conn, paper_id)
    return {"upvoted": action == "add", "voteCount": own, "upvotes": total}
