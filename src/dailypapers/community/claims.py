"""Claiming authorship: a logged-in user claims one author name of a paper; a moderator or admin approves or
rejects it, and the decision goes to the public moderation log in the same transaction."""

from __future__ import annotations

import sqlalchemy as sa

from dailypapers.authors import author_key
from dailypapers.store import claims as claim_store
from dailypapers.store import moderation as mod_store
from dailypapers.store import submissions as sub_store
from dailypapers.store.db import Database


class ClaimError(ValueError):
    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def claim(db: Database, user: dict, arxiv_id: str, author_name: str) -> int:
    """File a pending claim that `user` is `author_name` on the paper; the name must be one of its authors."""
    with db.write() as conn:
        paper = sub_store.paper_by_arxiv_id(conn, arxiv_id)
        if paper is None or paper["hidden"]:
            raise ClaimError(404, f"no paper arXiv:{arxiv_id}")
        if author_name not in (paper["authors"] or []):
            raise ClaimError(422, f"form field 'author_name': {author_name[:100]!r} is not an author of this paper",
                             "author_name")
        if claim_store.claim_of(conn, user["id"], paper["id"]) is not None:
            raise ClaimError(409, "you have already claimed an author of this paper")
        key = author_key(author_name)
        if claim_store.approved_holder(conn, paper["id"], key) is not None:
            raise ClaimError(409, f"{author_name} on this paper is already claimed by someone")
        try:
            return claim_store.create_claim(conn, user["id"], paper["id"], author_name, key)
        except sa.exc.IntegrityError:  # the same claim sent twice at once
            raise ClaimError(409, "you have already claimed an author of this paper") from None


def decide(db: Database, moderator: dict, claim_id: int, approve: bool, reason: str) -> None:
    with db.write() as conn:
        found = claim_store.get_claim(conn, claim_id)
        if found is None:
            raise ClaimError(404, f"no claim {claim_id}")
        if found["status"] != "pending":
            raise ClaimError(409, f"claim {claim_id} was already {found['status']}")
        if approve:
            holder = claim_store.approved_holder(conn, found["paper_id"], found["author_key"])
            if holder is not None:
                raise ClaimError(409, f"{found['author_name']} on this paper is already claimed by someone")
        claim_store.decide(conn, claim_id, "approved" if approve else "rejected", moderator["id"])
        label = f"{found['username']} as {found['author_name']} on arXiv:{found['arxiv_id']}"
        mod_store.log_action(conn, moderator, "approve_claim" if approve else "reject_claim", "claim", claim_id,
                             label, reason)
