"""The in-process vector index: snapshots readers can hold while syncs append, and appends that do not copy."""

import numpy as np

from dailypapers.search.vector_index import NumpyIndex
from dailypapers.store import vectors as vector_store
from dailypapers.store.papers import upsert_papers
from tests.factories import make_paper

MODEL, DIM = "test-model", 8


def _add(db, start: int, count: int, rng) -> dict[int, np.ndarray]:
    records = [make_paper(f"2503.{i:05d}", f"Paper {i}", f"Abstract {i}") for i in range(start, start + count)]
    with db.write() as conn:
        _, ids = upsert_papers(conn, records)
        vecs = rng.standard_normal((count, DIM)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        items = [(vector_store.PendingPaper(ids[r.arxiv_id], r.title, r.abstract), v)
                 for r, v in zip(records, vecs, strict=True)]
        vector_store.save_vectors(conn, MODEL, items)
    return {p.id: v for p, v in items}


def _fresh(db) -> NumpyIndex:
    index = NumpyIndex(MODEL)
    with db.connect() as conn:
        index.sync(conn)
    return index


def test_incremental_syncs_answer_like_a_fresh_load(db):
    rng = np.random.default_rng(1)
    index = NumpyIndex(MODEL)
    added: dict[int, np.ndarray] = {}
    for start in range(1, 400, 37):  # many small batches, as the indexer writes them
        added |= _add(db, start, 37, rng)
        with db.connect() as conn:
            index.sync(conn)
    fresh = _fresh(db)
    assert len(index) == len(fresh) == len(added)
    query = next(iter(added.values()))
    assert index.search(query, 10) == fresh.search(query, 10)
    some = list(added)[::50]
    got = index.get(some)
    assert set(got) == set(some) and all(np.allclose(got[p], added[p], atol=1e-6) for p in some)  # pgvector: text


def test_a_held_snapshot_never_changes_under_its_reader(db):
    rng = np.random.default_rng(2)
    first = _add(db, 1, 20, rng)
    index = _fresh(db)
    held = index.snapshot
    before = held.matrix.copy()
    query = next(iter(first.values()))
    answer = index.search(query, 5)
    _add(db, 21, 50, rng)  # grows past the buffer: a new one is made
    with db.connect() as conn:
        index.sync(conn)
    assert len(held.ids) == 20 and np.array_equal(held.matrix, before)
    assert all(held.row(pid) is None for pid in index.snapshot.ids[20:].tolist())
    assert len(index) == 70 and index.search(query, 5)[0] == answer[0]


def test_appends_reuse_spare_capacity_instead_of_copying(db):
    """Appending a batch must not copy the matrix each time: buffers double, so 40 batches need only a few."""
    rng = np.random.default_rng(3)
    _add(db, 1, 100, rng)
    index = _fresh(db)
    buffers = set()
    for start in range(101, 101 + 40 * 5, 5):
        _add(db, start, 5, rng)
        with db.connect() as conn:
            index.sync(conn)
        buffers.add(id(index.snapshot.matrix.base))
    assert len(index) == 300 and len(buffers) <= 3


def test_from_arrays_serves_benchmarks_without_a_table():
    ids = np.arange(1, 6, dtype=np.int64)
    matrix = np.eye(5, dtype=np.float32)
    index = NumpyIndex.from_arrays("synthetic", ids, matrix)
    assert index.search(matrix[2], 1) == [(3, 1.0)] and set(index.get([1, 9])) == {1}


def test_postgresql_nearest_neighbours_of_one_model_fill_the_page_while_another_model_holds_most_vectors(
        postgres_server_url):
    """During a model change most papers still hold the old model's vector, all in one HNSW index: the scan must go
    on past `ef_search` until the page is full of the new model's neighbours (pgvector's iterative scan)."""
    from datetime import datetime

    import sqlalchemy as sa

    from dailypapers.config import Settings
    from dailypapers.store.db import Database
    from tests.pg_support import new_postgres_database

    url, drop = new_postgres_database(postgres_server_url)
    database = Database(Settings(database_url=url))
    try:
        database.upgrade()
        with database.write() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{sa.make_url(url).database}" SET enable_seqscan = off')
            upsert_papers(conn, [make_paper(f"2501.{n:05d}", f"Paper {n}", f"Abstract {n}.",
                                            when=datetime(2025, 1, 6)) for n in range(120)])
        database.dispose()  # new connections use the index even for so small a table
        rng = np.random.default_rng(7)
        with database.write() as conn:
            pending = [p for chunk in vector_store.iter_missing(conn, "old@1") for p in chunk]
            vectors = rng.standard_normal((len(pending), 8)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            new = set(range(0, len(pending), 6))  # one paper in six re-embedded so far
            for model, rows in (("old@1", [n for n in range(len(pending)) if n not in new]), ("new@1", sorted(new))):
                vector_store.save_vectors(conn, model, [(pending[n], vectors[n]) for n in rows])
            vector_store.ensure_hnsw_index(conn, 8)
        with database.connect() as conn:
            found = vector_store.pgvector_nearest(conn, "new@1", vectors[0], 15)
        exact = sorted(new, key=lambda n: -float(vectors[n] @ vectors[0]))[:15]
        assert [pid for pid, _ in found] == [pending[n].id for n in exact]
    finally:
        database.dispose()
        drop()


def _clustered(rng, n: int, dim: int = 384) -> np.ndarray:
    """Unit vectors that vary along a few dozen directions, as sentence vectors do (random ones vary along all)."""
    basis = rng.standard_normal((48, dim)).astype(np.float32)
    rows = rng.standard_normal((n, 48)).astype(np.float32) * np.linspace(3, 0.2, 48, dtype=np.float32)
    m = rows @ basis + 0.05 * rng.standard_normal((n, dim)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def _exact_top(matrix: np.ndarray, query: np.ndarray, k: int) -> set[int]:
    return {int(i) + 1 for i in np.argsort(-(matrix @ query))[:k]}


def test_a_large_index_shortlists_on_principal_directions_and_returns_exact_scores(monkeypatch):
    """Above PREFIX_MIN_ROWS the scan reads projected rows, then re-scores a shortlist exactly: the nearest found are
    the true nearest (on vectors with the spread of sentence vectors), each with its exact cosine."""
    from dailypapers.search import vector_index

    monkeypatch.setattr(vector_index, "PREFIX_MIN_ROWS", 1000)
    monkeypatch.setattr(vector_index, "PREFIX_SHORTLIST", 200)
    rng = np.random.default_rng(3)
    matrix = _clustered(rng, 4000)
    index = NumpyIndex.from_arrays("m", np.arange(1, 4001, dtype=np.int64), matrix)
    assert index.snapshot.prefix is not None and index.snapshot.prefix.shape == (4000, vector_index.PREFIX_DIMS)
    found = 0
    for q in _clustered(rng, 50):
        hits = index.search(q, 20)
        assert all(abs(score - float(matrix[pid - 1] @ q)) < 1e-5 for pid, score in hits)  # exact cosines
        assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
        found += len({pid for pid, _ in hits} & _exact_top(matrix, q, 20))
    assert found >= 0.98 * 50 * 20
    small = NumpyIndex.from_arrays("m", np.arange(1, 501, dtype=np.int64), matrix[:500])
    assert small.snapshot.prefix is None  # below the threshold every vector is scanned


def test_appended_and_replaced_vectors_are_projected_too(monkeypatch):
    from dailypapers.search import vector_index

    monkeypatch.setattr(vector_index, "PREFIX_MIN_ROWS", 1000)
    monkeypatch.setattr(vector_index, "PREFIX_SHORTLIST", 100)
    rng = np.random.default_rng(4)
    matrix = _clustered(rng, 3000)
    index = NumpyIndex.from_arrays("m", np.arange(1, 2001, dtype=np.int64), matrix[:2000])
    held = index.snapshot
    index.add(list(range(2001, 3001)), list(matrix[2000:]))  # appended: each is its own nearest neighbour
    index.add([7], [matrix[2999]])  # re-embedded: paper 7 now has paper 3000's vector
    snap = index.snapshot
    assert snap.prefix is not None and snap.projection is not None
    np.testing.assert_allclose(snap.prefix, snap.matrix @ snap.projection, atol=1e-5)
    for pid in (2001, 2500, 2999):
        assert index.search(matrix[pid - 1], 1)[0][0] == pid
    assert {pid for pid, _ in index.search(matrix[2999], 2)} == {7, 3000}
    assert held.prefix is not None and held.prefix.shape[0] == 2000  # a reader's snapshot is untouched
    np.testing.assert_allclose(held.prefix[6], matrix[6] @ held.projection, atol=1e-5)
