"""In-process exact vector index (numpy brute force over unit vectors) mirroring the paper_vectors table.

Before every query it compares the table's signature (highest seq, deletion count) with what it loaded: new rows
are read incrementally, any deletion triggers a reload. So after a crash, a restart or another process's writes it
is caught up before answering, and it can never return a vector that the database no longer holds.
"""

from __future__ import annotations

import threading

import numpy as np
import sqlalchemy as sa

from dailypapers.store import vectors as vector_store


class NumpyIndex:
    def __init__(self, model: str) -> None:
        self.model = model
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self.loaded: tuple[int, int] | None = None
        self._pos: dict[int, int] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.ids)

    def sync(self, conn: sa.Connection) -> None:
        sig = vector_store.signature(conn)
        if sig == self.loaded:
            return
        with self._lock:
            if sig == self.loaded:
                return
            if self.loaded is None or sig[1] != self.loaded[1] or sig[0] < self.loaded[0]:
                self._reload(conn, sig)
            else:
                self._append(conn, self.loaded[0], sig)

    def _reload(self, conn: sa.Connection, sig: tuple[int, int]) -> None:
        ids, mats = [], []
        for chunk_ids, _seqs, vecs in vector_store.read_vectors(conn, self.model):
            ids.append(chunk_ids)
            mats.append(vecs)
        self.ids = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
        self.matrix = np.ascontiguousarray(np.concatenate(mats)) if mats else np.zeros((0, 0), dtype=np.float32)
        self._pos = {int(i): n for n, i in enumerate(self.ids)}
        self.loaded = sig

    def _append(self, conn: sa.Connection, after: int, sig: tuple[int, int]) -> None:
        ids = list(self.ids)
        rows = list(self.matrix) if len(self.matrix) else []
        pos = dict(self._pos)
        for chunk_ids, _seqs, vecs in vector_store.read_vectors(conn, self.model, after):
            for pid, vec in zip(chunk_ids.tolist(), vecs, strict=True):
                if pid in pos:  # re-embedded: replace in place
                    rows[pos[pid]] = vec
                else:
                    pos[pid] = len(ids)
                    ids.append(pid)
                    rows.append(vec)
        self.ids = np.asarray(ids, dtype=np.int64)
        self.matrix = np.ascontiguousarray(np.stack(rows)) if rows else np.zeros((0, 0), dtype=np.float32)
        self._pos = pos
        self.loaded = sig

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        ids, matrix = self.ids, self.matrix  # one consistent snapshot even if a sync swaps them meanwhile
        if not len(ids) or matrix.shape[1] != query.shape[0]:
            return []
        scores = matrix @ query
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(ids[i]), float(scores[i])) for i in top]

    def get(self, paper_ids) -> dict[int, np.ndarray]:
        with self._lock:  # positions and matrix must come from the same load
            pos, matrix = self._pos, self.matrix
        return {pid: matrix[pos[pid]] for pid in paper_ids if pid in pos}
