"""In-process vector index (numpy over unit vectors) mirroring the paper_vectors table.

Below PREFIX_MIN_ROWS vectors a search scans every vector. Above, it scans a shortlist first: the vectors projected
on their first PREFIX_DIMS principal directions (computed once per index from its vectors; a quarter of the bytes
to read), and re-scores the best PREFIX_SHORTLIST of them (8 per neighbour asked for, if more) exactly, so every
score returned is the exact cosine. On the 80k dev corpus that finds 0.996 of the true 20 nearest for 1.5 ms
instead of 4.4 ms (bench/RESULTS.md, "Search, round four"): scanning all vectors is memory-bound, and hybrid search
does it for every descriptive query.

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
    prefix: np.ndarray | None = None  # float32 rows of `matrix @ projection` (above PREFIX_MIN_ROWS only)
    projection: np.ndarray | None = None  # (dim, PREFIX_DIMS): the principal directions

    def row(self, paper_id: int) -> int | None:
        n = self.pos.get(paper_id)
        return n if n is not None and n < len(self.ids) else None


_EMPTY = Snapshot(np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32))
PREFIX_DIMS = 96  # of MiniLM's 384: recall of the true top 20 0.996 with a shortlist of 400 (128: 0.999, 1.9 ms)
PREFIX_MIN_ROWS = 20_000  # below, a full scan takes about 1 ms anyway
PREFIX_SHORTLIST = 400


def principal_projection(matrix: np.ndarray, dims: int = PREFIX_DIMS) -> np.ndarray:
    """The `dims` directions along which `matrix`'s rows vary most (eigenvectors of the second-moment matrix of a
    fixed sample of 20k rows), as a (dim, dims) matrix."""
    rows = np.random.default_rng(0).choice(len(matrix), min(len(matrix), 20_000), replace=False)
    sample = matrix[np.sort(rows)]
    _, vectors = np.linalg.eigh(sample.T.astype(np.float64) @ sample)
    return np.ascontiguousarray(vectors[:, ::-1][:, :dims], dtype=np.float32)


class NumpyIndex:
    def __init__(self, model: str) -> None:
        self.model = model
        self.snapshot = _EMPTY
        self._lock = threading.Lock()  # one sync at a time; readers never take it
        self._id_buf = _EMPTY.ids  # capacity buffers behind the snapshot (its arrays are views of their head)
        self._buf = _EMPTY.matrix
        self._pbuf: np.ndarray | None = None  # the projected rows, aligned with _buf, once the index is large
        self._projection: np.ndarray | None = None

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
                 n: int | None = None, pbuf: np.ndarray | None = None) -> None:
        """Swap in the snapshot of the first `n` rows. `pbuf`: their projected rows, kept up to date by the caller;
        without it they are computed here once the index is large enough (the directions too, the first time)."""
        n = len(id_buf) if n is None else n
        dim = buf.shape[1] if buf.ndim == 2 else 0
        if pbuf is None and dim > PREFIX_DIMS and n >= PREFIX_MIN_ROWS:
            if self._projection is None or self._projection.shape[0] != dim:
                self._projection = principal_projection(buf[:n])
            pbuf = np.empty((len(buf), PREFIX_DIMS), dtype=np.float32)
            pbuf[:n] = buf[:n] @ self._projection
        self._id_buf, self._buf, self._pbuf = id_buf, buf, pbuf
        prefix, projection = (pbuf[:n], self._projection) if pbuf is not None else (None, None)
        self.snapshot = Snapshot(id_buf[:n], buf[:n], pos, sig, prefix, projection)  # the one assignment readers see

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
        # The projected rows follow the vectors while the directions fit; otherwise _publish starts them afresh.
        pbuf = self._pbuf if snap.prefix is not None and snap.matrix.shape[1] == dim else None
        projection = self._projection if pbuf is not None else None
        if n == 0 or buf.shape[1] != dim or n + extra > len(buf) or replaced:
            # Grow (doubling keeps appends amortized), or copy because a row a reader may hold changes.
            capacity = max(n + extra, 2 * len(buf), 1024) if not replaced or n + extra > len(buf) else len(buf)
            grown_ids = np.empty(capacity, dtype=np.int64)
            grown = np.empty((capacity, dim), dtype=np.float32)
            grown_ids[:n], grown[:n] = snap.ids, snap.matrix
            id_buf, buf = grown_ids, grown
            if snap.prefix is not None and pbuf is not None:
                pbuf = np.empty((capacity, PREFIX_DIMS), dtype=np.float32)
                pbuf[:n] = snap.prefix
        pos = snap.pos
        for pid, vec in replaced.items():
            buf[pos[pid]] = vec
            if pbuf is not None and projection is not None:
                pbuf[pos[pid]] = vec @ projection
        if extra:
            id_buf[n:n + extra] = new_ids
            buf[n:n + extra] = np.stack(new_rows)
            if pbuf is not None and projection is not None:
                pbuf[n:n + extra] = buf[n:n + extra] @ projection
            for k, pid in enumerate(new_ids):
                pos[pid] = n + k
        self._publish(id_buf, buf, pos, sig, n + extra, pbuf)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        snap = self.snapshot  # one consistent snapshot even if a sync swaps in the next one meanwhile
        if not len(snap.ids) or snap.matrix.shape[1] != query.shape[0]:
            return []
        k = min(k, len(snap.ids))
        shortlist = max(PREFIX_SHORTLIST, 8 * k)
        if snap.prefix is not None and snap.projection is not None and 4 * shortlist <= len(snap.ids):
            rough = snap.prefix @ (query @ snap.projection)
            rows = np.argpartition(-rough, shortlist - 1)[:shortlist]
            exact = snap.matrix[rows] @ query
        else:
            exact = snap.matrix @ query
            rows = np.arange(len(exact))
        top = np.argpartition(-exact, k - 1)[:k]
        top = top[np.argsort(-exact[top])]
        return [(int(snap.ids[rows[i]]), float(exact[i])) for i in top]

    def get(self, paper_ids: Iterable[int]) -> dict[int, np.ndarray]:
        snap = self.snapshot
        rows = {pid: snap.row(pid) for pid in paper_ids}
        return {pid: snap.matrix[n] for pid, n in rows.items() if n is not None}
