"""In-process exact vector index (numpy brute force over unit vectors) mirroring the paper_vectors table.

Before every query it compares the table's signature (highest seq, deletion count) with what it loaded: new rows
are read incrementally, any deletion triggers a reload. So after a crash, a restart or another process's writes it
is caught up before answering, and it can never return a vector that the database no longer holds.

Readers take one immutable `Snapshot` (ids, matrix, positions) and never lock: a sync builds the next snapshot and
swaps it in with one assignment, as search/keyword_index.py does. Appends are amortized: rows go into spare capacity
past the published snapshot's end (which no reader looks at), and the buffer doubles when full, so a batch of new
vectors costs its own size, not a copy of the whole matrix (at 80k x 384 a full copy was ~220 ms on the request
path). A re-embedded paper's row is replaced in a copy, never in a matrix a reader may hold.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa

from dailypapers.store import vectors as vector_store


@dataclass(frozen=True)
class Snapshot:
    ids: np.ndarray  # int64 paper ids, row order
    matrix: np.ndarray  # float32 unit vectors, one row per id
    # paper id -> row; shared by the snapshots of one load and only ever added to, so a reader checks the row
    # against its own length.
    pos: dict[int, int] = field(default_factory=dict)
    loaded: tuple[int, int] | None = None  # the table signature this snapshot mirrors

    def row(self, paper_id: int) -> int | None:
        n = self.pos.get(paper_id)
        return n if n is not None and n < len(self.ids) else None


_EMPTY = Snapshot(np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32))


class NumpyIndex:
    def __init__(self, model: str) -> None:
        self.model = model
        self.snapshot = _EMPTY
        self._lock = threading.Lock()  # one sync at a time; readers never take it
        self._id_buf = _EMPTY.ids  # capacity buffers behind the snapshot (its arrays are views of their head)
        self._buf = _EMPTY.matrix

    @classmethod
    def from_arrays(cls, model: str, ids: np.ndarray, matrix: np.ndarray) -> NumpyIndex:
        """An index over given vectors (benchmarks, tests), not tied to a table."""
        index = cls(model)
        index._publish(np.asarray(ids, dtype=np.int64), np.ascontiguousarray(matrix, dtype=np.float32),
                       {int(i): n for n, i in enumerate(ids)}, None)
        return index

    def __len__(self) -> int:
        return len(self.snapshot.ids)

    @property
    def loaded(self) -> tuple[int, int] | None:
        return self.snapshot.loaded

    @property
    def matrix(self) -> np.ndarray:
        return self.snapshot.matrix

    def sync(self, conn: sa.Connection) -> None:
        sig = vector_store.signature(conn)
        if sig == self.loaded:
            return
        with self._lock:
            loaded = self.loaded
            if sig == loaded:
                return
            if loaded is None or sig[1] != loaded[1] or sig[0] < loaded[0]:
                self._reload(conn, sig)
            else:
                self._append(conn, loaded[0], sig)

    def _publish(self, id_buf: np.ndarray, buf: np.ndarray, pos: dict[int, int], sig: tuple[int, int] | None,
                 n: int | None = None) -> None:
        n = len(id_buf) if n is None else n
        self._id_buf, self._buf = id_buf, buf
        self.snapshot = Snapshot(id_buf[:n], buf[:n], pos, sig)  # the one assignment readers see

    def _reload(self, conn: sa.Connection, sig: tuple[int, int]) -> None:
        ids, mats = [], []
        for chunk_ids, _seqs, vecs in vector_store.read_vectors(conn, self.model):
            ids.append(chunk_ids)
            mats.append(vecs)
        id_buf = np.concatenate(ids).astype(np.int64) if ids else _EMPTY.ids
        buf = np.ascontiguousarray(np.concatenate(mats), dtype=np.float32) if mats else _EMPTY.matrix
        self._publish(id_buf, buf, {int(i): n for n, i in enumerate(id_buf)}, sig)

    def _append(self, conn: sa.Connection, after: int, sig: tuple[int, int]) -> None:
        chunks = list(vector_store.read_vectors(conn, self.model, after))
        ids = [pid for chunk_ids, _, _ in chunks for pid in chunk_ids.tolist()]
        vectors = [vec for _, _, vecs in chunks for vec in vecs]
        self._add(ids, vectors, sig)

    def add(self, ids: Sequence[int], vectors: Sequence[np.ndarray]) -> None:
        """Add vectors, or replace those of ids already held (what a sync does with new table rows)."""
        with self._lock:
            self._add(ids, vectors, self.loaded)

    def _add(self, ids: Sequence[int], vectors: Sequence[np.ndarray], sig: tuple[int, int] | None) -> None:
        snap = self.snapshot
        new_ids: list[int] = []
        new_rows: list[np.ndarray] = []
        added: dict[int, int] = {}
        replaced: dict[int, np.ndarray] = {}
        for pid, vec in zip(ids, vectors, strict=True):
            if snap.row(pid) is not None:  # re-embedded: its row changes
                replaced[pid] = vec
            elif pid in added:  # written twice since the last sync: the later vector wins
                new_rows[added[pid]] = vec
            else:
                added[pid] = len(new_ids)
                new_ids.append(pid)
                new_rows.append(vec)
        self._extend(snap, new_ids, new_rows, replaced, sig)

    def _extend(self, snap: Snapshot, new_ids: list[int], new_rows: list[np.ndarray],
                replaced: dict[int, np.ndarray], sig: tuple[int, int] | None) -> None:
        n, extra = len(snap.ids), len(new_ids)
        dim = new_rows[0].shape[0] if new_rows else snap.matrix.shape[1] if n else 0
        id_buf, buf = self._id_buf, self._buf
        if n == 0 or buf.shape[1] != dim or n + extra > len(buf) or replaced:
            # Grow (doubling keeps appends amortized), or copy because a row a reader may hold changes.
            capacity = max(n + extra, 2 * len(buf), 1024) if not replaced or n + extra > len(buf) else len(buf)
            grown_ids = np.empty(capacity, dtype=np.int64)
            grown = np.empty((capacity, dim), dtype=np.float32)
            grown_ids[:n], grown[:n] = snap.ids, snap.matrix
            id_buf, buf = grown_ids, grown
        pos = snap.pos
        for pid, vec in replaced.items():
            buf[pos[pid]] = vec
        if extra:
            id_buf[n:n + extra] = new_ids
            buf[n:n + extra] = np.stack(new_rows)
            for k, pid in enumerate(new_ids):
                pos[pid] = n + k
        self._publish(id_buf, buf, pos, sig, n + extra)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        snap = self.snapshot  # one consistent snapshot even if a sync swaps in the next one meanwhile
        if not len(snap.ids) or snap.matrix.shape[1] != query.shape[0]:
            return []
        scores = snap.matrix @ query
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(snap.ids[i]), float(scores[i])) for i in top]

    def get(self, paper_ids: Iterable[int]) -> dict[int, np.ndarray]:
        snap = self.snapshot
        rows = {pid: snap.row(pid) for pid in paper_ids}
        return {pid: snap.matrix[n] for pid, n in rows.items() if n is not None}
