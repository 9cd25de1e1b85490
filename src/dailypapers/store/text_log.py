"""How far an in-process keyword index has read the papers' text changes, and what changed since (both dialects).

SQLite assigns rowids in commit order (writers are serialised), so new papers are "id above the highest seen" and
only changes and deletions are logged (migration 0007). PostgreSQL commits in any order relative to the ids and
sequence numbers transactions drew, so every insert, text change and deletion is logged with its transaction id
(migration 0017b); a reader takes every entry its snapshot sees from transactions at or above the oldest one that
was still running at its last look (`pg_snapshot_xmin`), minus those it already applied. Entries of transactions
older than that horizon were all visible last time, so none is ever missed, whatever the commit order.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from dailypapers.store.schema import papers, search_state
from dailypapers.store.search import changed_paper_ids, text_signature

KEEP_ENTRIES = 100_000  # the newest log entries housekeeping keeps (PostgreSQL); older ones are pruned
_PRUNED_KEY = "text_log_pruned_xid"  # search_state: entries of transactions below this xid may be gone

_log = sa.table("paper_text_changes", sa.column("seq", sa.BigInteger), sa.column("paper_id", sa.Integer),
                sa.column("xid"))


@dataclass(frozen=True)
class LogPosition:
    top_id: int  # highest paper id seen (SQLite: where new papers start; both: the table's rough size)
    seq: int = 0  # SQLite: highest log entry applied
    horizon: int = 0  # PostgreSQL: every entry of a transaction older than this one has been applied
    applied: frozenset[int] = frozenset()  # PostgreSQL: entries at or above the horizon already applied


@dataclass
class Changes:
    position: LogPosition
    new_ids: tuple[int, int] = (0, 0)  # SQLite: papers with new_ids[0] < id <= new_ids[1] are new
    changed: set[int] | None = None  # papers added, changed or deleted besides those (ids)

    rebuild: bool = False  # the log was pruned past this position: only a full build is safe

    @property
    def count(self) -> int:
        if self.rebuild:
            return 2**62
        return max(self.new_ids[1] - self.new_ids[0], 0) + len(self.changed or ())


def position(conn: sa.Connection) -> LogPosition:
    """Where the log stands now: read it before the papers an index is built from."""
    if conn.dialect.name != "postgresql":
        top, seq = text_signature(conn)
        return LogPosition(top, seq)
    horizon = _horizon(conn)
    seqs = conn.execute(sa.select(_log.c.seq).where(_log.c.xid >= sa.cast(str(horizon), _XID8))).scalars()
    return LogPosition(_top_id(conn), horizon=horizon, applied=frozenset(int(s) for s in seqs))


def changes_since(conn: sa.Connection, seen: LogPosition) -> Changes:
    """What changed after `seen`, and the position once those changes are applied."""
    if conn.dialect.name != "postgresql":
        top, seq = text_signature(conn)
        changed = changed_paper_ids(conn, seen.seq, seq) if seq != seen.seq else set()
        return Changes(LogPosition(top, seq), (seen.top_id, top), changed)
    # One statement, so one snapshot: the horizon, the entries it sees and the prune mark agree (one round trip).
    horizon, pruned, entries = conn.execute(_SINCE, {"after": str(seen.horizon), "key": _PRUNED_KEY}).one()
    horizon = int(horizon)
    changed = {int(pid) for seq, pid, _ in entries if seq not in seen.applied}
    applied = frozenset(int(seq) for seq, _, xid in entries if int(xid) >= horizon)
    top = _top_id(conn) if changed else seen.top_id
    return Changes(LogPosition(top, horizon=horizon, applied=applied), changed=changed,
                   rebuild=int(pruned or 0) > seen.horizon)


_SINCE = sa.text(
    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text, "
    "(SELECT value FROM search_state WHERE key = :key), "
    "COALESCE((SELECT json_agg(json_build_array(seq, paper_id, xid::text)) FROM paper_text_changes "
    "WHERE xid >= CAST(:after AS xid8)), '[]'::json)"
)


def prune(conn: sa.Connection, keep: int = KEEP_ENTRIES) -> int:
    """Delete all but the newest `keep` entries of finished transactions (PostgreSQL; housekeeping). An index that
    had not read past them rebuilds from the table instead. Returns how many were deleted."""
    if conn.dialect.name != "postgresql":
        return 0
    top = conn.execute(sa.select(sa.func.coalesce(sa.func.max(_log.c.seq), 0))).scalar_one()
    horizon = _horizon(conn)
    gone = conn.execute(_log.delete().where(_log.c.seq <= top - keep, _log.c.xid < sa.cast(str(horizon), _XID8))
                        .returning(sa.cast(_log.c.xid, sa.Text))).scalars().all()
    if gone:
        below = max(int(x) for x in gone) + 1
        if conn.execute(search_state.update().where(search_state.c.key == _PRUNED_KEY)
                        .values(value=sa.func.greatest(search_state.c.value, below))).rowcount == 0:
            conn.execute(search_state.insert().values(key=_PRUNED_KEY, value=below))
    return len(gone)


class _Xid8(sa.types.UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        return "xid8"


_XID8 = _Xid8()


def _horizon(conn: sa.Connection) -> int:
    return int(conn.execute(sa.text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")).scalar_one())


def _top_id(conn: sa.Connection) -> int:
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(papers.c.id), 0))).scalar_one())
