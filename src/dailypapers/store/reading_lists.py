"""Reading lists: rows, owners and ordered items (positions 1..n, kept dense by every write)."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from dailypapers.clock import utcnow
from dailypapers.store.listing import papers_by_ids
from dailypapers.store.schema import reading_list_items, reading_list_owners, reading_lists, users

VISIBILITIES = ("private", "unlisted", "public")


def create(conn: sa.Connection, owner_id: int, name: str, description: str, visibility: str) -> int:
    now = utcnow()
    list_id = conn.execute(reading_lists.insert().values(
        name=name, description=description, visibility=visibility, share_key=secrets.token_urlsafe(18),
        created_at=now, updated_at=now).returning(reading_lists.c.id)).scalar_one()
    conn.execute(reading_list_owners.insert().values(list_id=list_id, user_id=owner_id))
    return int(list_id)


def get(conn: sa.Connection, list_id: int) -> dict | None:
    row = conn.execute(sa.select(reading_lists).where(reading_lists.c.id == list_id)).mappings().first()
    return dict(row) if row else None


def update(conn: sa.Connection, list_id: int, **values) -> None:
    conn.execute(reading_lists.update().where(reading_lists.c.id == list_id).values(updated_at=utcnow(), **values))


def owners(conn: sa.Connection, list_id: int) -> list[dict]:
    q = (sa.select(users.c.id, users.c.username).select_from(
        reading_list_owners.join(users, users.c.id == reading_list_owners.c.user_id))
         .where(reading_list_owners.c.list_id == list_id).order_by(users.c.username))
    return [dict(r) for r in conn.execute(q).mappings()]


def add_owner(conn: sa.Connection, list_id: int, user_id: int) -> None:
    if not conn.execute(sa.select(reading_list_owners.c.user_id).where(
            reading_list_owners.c.list_id == list_id, reading_list_owners.c.user_id == user_id)).first():
        conn.execute(reading_list_owners.insert().values(list_id=list_id, user_id=user_id))


def lists_of(conn: sa.Connection, user_id: int) -> list[dict]:
    q = (sa.select(reading_lists).select_from(reading_lists.join(
        reading_list_owners, reading_list_owners.c.list_id == reading_lists.c.id))
         .where(reading_list_owners.c.user_id == user_id).order_by(reading_lists.c.updated_at.desc()))
    return [dict(r) for r in conn.execute(q).mappings()]


def public_lists(conn: sa.Connection, limit: int = 100) -> list[dict]:
    q = (sa.select(reading_lists).where(reading_lists.c.visibility == "public", reading_lists.c.hidden == sa.false())
         .order_by(reading_lists.c.updated_at.desc()).limit(limit))
    return [dict(r) for r in conn.execute(q).mappings()]


def items(conn: sa.Connection, list_id: int) -> list[dict]:
    """Papers of the list in order, each a paper row plus `note`, `position` and `added_at`."""
    q = (sa.select(reading_list_items.c.paper_id, reading_list_items.c.note, reading_list_items.c.position,
                   reading_list_items.c.added_at)
         .where(reading_list_items.c.list_id == list_id).order_by(reading_list_items.c.position))
    entries = conn.execute(q).all()
    rows = {r["id"]: r for r in papers_by_ids(conn, [int(e[0]) for e in entries])}
    out = []
    for paper_id, note, position, added_at in entries:
        if paper_id in rows and not rows[paper_id]["hidden"]:
            out.append({**rows[paper_id], "note": note, "position": position, "added_at": added_at})
    return out


def add_item(conn: sa.Connection, list_id: int, paper_id: int, note: str) -> bool:
    """Append a paper (or update its note when it is already there); True when appended."""
    exists = conn.execute(sa.select(reading_list_items.c.position).where(
        reading_list_items.c.list_id == list_id, reading_list_items.c.paper_id == paper_id)).first()
    if exists:
        conn.execute(reading_list_items.update().where(reading_list_items.c.list_id == list_id,
                                                       reading_list_items.c.paper_id == paper_id).values(note=note))
        update(conn, list_id)
        return False
    last = conn.execute(sa.select(sa.func.coalesce(sa.func.max(reading_list_items.c.position), 0))
                        .where(reading_list_items.c.list_id == list_id)).scalar_one()
    conn.execute(reading_list_items.insert().values(list_id=list_id, paper_id=paper_id, position=last + 1, note=note,
                                                    added_at=utcnow()))
    update(conn, list_id)
    return True


def _renumber(conn: sa.Connection, list_id: int, paper_ids: list[int]) -> None:
    for position, paper_id in enumerate(paper_ids, start=1):
        conn.execute(reading_list_items.update().where(reading_list_items.c.list_id == list_id,
                                                       reading_list_items.c.paper_id == paper_id)
                     .values(position=position))


def ordered_ids(conn: sa.Connection, list_id: int) -> list[int]:
    return [int(r[0]) for r in conn.execute(sa.select(reading_list_items.c.paper_id).where(
        reading_list_items.c.list_id == list_id).order_by(reading_list_items.c.position))]


def remove_item(conn: sa.Connection, list_id: int, paper_id: int) -> bool:
    removed = conn.execute(reading_list_items.delete().where(reading_list_items.c.list_id == list_id,
                                                             reading_list_items.c.paper_id == paper_id)).rowcount
    if removed:
        _renumber(conn, list_id, ordered_ids(conn, list_id))
        update(conn, list_id)
    return bool(removed)


def move_item(conn: sa.Connection, list_id: int, paper_id: int, offset: int) -> None:
    ids = ordered_ids(conn, list_id)
    if paper_id not in ids:
        return
    i = ids.index(paper_id)
    j = max(0, min(len(ids) - 1, i + offset))
    ids.insert(j, ids.pop(i))
    _renumber(conn, list_id, ids)
    update(conn, list_id)
