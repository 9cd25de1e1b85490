"""Paper vectors: the database is their source of truth. pgvector (HNSW) answers nearest-neighbour queries on
PostgreSQL; elsewhere the rows are read into an in-process index (dailypapers.search.vector_index)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from dailypapers.store.papers import utcnow
from dailypapers.store.schema import paper_vectors, papers, search_state


def uses_pgvector(conn: sa.Connection) -> bool:
    if conn.dialect.name != "postgresql":
        return False
    cached = conn.info.get("dailypapers_pgvector")
    if cached is None:
        cached = conn.exec_driver_sql(
            "SELECT udt_name FROM information_schema.columns "
            "WHERE table_name = 'paper_vectors' AND column_name = 'embedding' AND table_schema = current_schema()"
        ).scalar() == "vector"
        conn.info["dailypapers_pgvector"] = cached
    return cached


def _iterative_scan(conn: sa.Connection) -> bool:
    """Whether pgvector can continue an HNSW scan past `ef_search` (0.8+). One index holds the vectors of every model:
    while papers are re-embedded after a model change, most rows are still the old model's, and filtering the
    nearest rows by model afterwards would leave a fraction of the asked-for neighbours."""
    cached = conn.info.get("dailypapers_hnsw_iterative")
    if cached is None:
        version = conn.exec_driver_sql("SELECT extversion FROM pg_extension WHERE extname = 'vector'").scalar()
        parts = [int(x) for x in str(version or "0").split(".")[:2] if x.isdigit()]
        cached = tuple(parts) >= (0, 8)
        conn.info["dailypapers_hnsw_iterative"] = cached
    return cached


def _pg_literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in vector.tolist()) + "]"


def _decode(value, pgvector: bool) -> np.ndarray:
    if pgvector:
        text = value if isinstance(value, str) else str(value)
        return np.array([float(x) for x in text.strip("[]").split(",")], dtype=np.float32)
    return np.frombuffer(bytes(value), dtype="<f4")


@dataclass
class PendingPaper:
    id: int
    title: str
    abstract: str


def count_missing(conn: sa.Connection, model: str) -> int:
    stmt = sa.select(sa.func.count()).select_from(papers).where(~_has_vector(model))
    return conn.execute(stmt).scalar_one()


def _has_vector(model: str) -> sa.ColumnElement:
    return sa.exists(
        sa.select(paper_vectors.c.paper_id).where(paper_vectors.c.paper_id == papers.c.id,
                                                  paper_vectors.c.model == model)
    )


def iter_missing(conn: sa.Connection, model: str, chunk: int = 5000) -> Iterator[list[PendingPaper]]:
    """Papers without a vector of `model`, in chunks by id (the caller commits each batch it embeds)."""
    last = 0
    while True:
        stmt = (
            sa.select(papers.c.id, papers.c.title, papers.c.abstract)
            .where(papers.c.id > last, ~_has_vector(model))
            .order_by(papers.c.id)
            .limit(chunk)
        )
        rows = [PendingPaper(int(r[0]), r[1] or "", r[2] or "") for r in conn.execute(stmt)]
        if not rows:
            return
        yield rows
        last = rows[-1].id


def save_vectors(conn: sa.Connection, model: str, items: Sequence[tuple[PendingPaper, np.ndarray]]) -> int:
    """Store vectors computed from the given text; a paper whose text changed meanwhile (or vanished) is skipped,
    so a stale vector is never written. Returns how many were stored."""
    if not items:
        return 0
    pgvector = uses_pgvector(conn)
    base = conn.execute(sa.select(sa.func.coalesce(sa.func.max(paper_vectors.c.seq), 0))).scalar_one()
    conn.execute(paper_vectors.delete().where(paper_vectors.c.paper_id.in_([p.id for p, _ in items])))
    now = utcnow()
    stored = 0
    embedding = "CAST(:embedding AS vector)" if pgvector else ":embedding"
    insert = sa.text(
        "INSERT INTO paper_vectors (paper_id, model, seq, created_at, embedding) "
        f"SELECT id, :model, :seq, :created_at, {embedding} FROM papers "
        "WHERE id = :id AND title = :title AND abstract = :abstract"
    )
    for offset, (paper, vector) in enumerate(items, start=1):
        value = _pg_literal(vector) if pgvector else np.asarray(vector, dtype="<f4").tobytes()
        result = conn.execute(insert, {"model": model, "seq": base + offset, "created_at": now, "embedding": value,
                                       "id": paper.id, "title": paper.title, "abstract": paper.abstract})
        stored += result.rowcount or 0
    return stored


def signature(conn: sa.Connection) -> tuple[int, int]:
    """(highest seq, deletions so far): changes whenever a vector is written or removed."""
    top = conn.execute(sa.select(sa.func.coalesce(sa.func.max(paper_vectors.c.seq), 0))).scalar_one()
    deletes = conn.execute(sa.select(search_state.c.value).where(search_state.c.key == "vector_deletes")).scalar()
    return int(top), int(deletes or 0)


def read_vectors(conn: sa.Connection, model: str, after_seq: int = 0
                 ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(paper ids, seqs, vectors) of `model` written after `after_seq`, in chunks."""
    pgvector = uses_pgvector(conn)
    col = sa.literal_column("embedding::text") if pgvector else paper_vectors.c.embedding
    last = after_seq
    while True:
        stmt = (
            sa.select(paper_vectors.c.paper_id, paper_vectors.c.seq, col)
            .where(paper_vectors.c.model == model, paper_vectors.c.seq > last)
            .order_by(paper_vectors.c.seq)
            .limit(20000)
        )
        rows = conn.execute(stmt).all()
        if not rows:
            return
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        seqs = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
        if pgvector:
            vecs = np.stack([_decode(r[2], True) for r in rows])
        else:
            vecs = np.frombuffer(b"".join(bytes(r[2]) for r in rows), dtype="<f4").reshape(len(rows), -1)
        yield ids, seqs, vecs.astype(np.float32, copy=False)
        last = int(seqs[-1])


def vectors_for(conn: sa.Connection, model: str, ids: Sequence[int]) -> dict[int, np.ndarray]:
    if not ids:
        return {}
    pgvector = uses_pgvector(conn)
    col = sa.literal_column("embedding::text") if pgvector else paper_vectors.c.embedding
    stmt = sa.select(paper_vectors.c.paper_id, col).where(
        paper_vectors.c.paper_id.in_(list(ids)), paper_vectors.c.model == model
    )
    return {int(r[0]): _decode(r[1], pgvector) for r in conn.execute(stmt)}


def ensure_hnsw_index(conn: sa.Connection, dim: int) -> None:
    """pgvector HNSW index for vectors of `dim` dimensions (an expression index: the column has no fixed size)."""
    conn.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS ix_paper_vectors_hnsw_{int(dim)} ON paper_vectors "
        f"USING hnsw ((embedding::vector({int(dim)})) vector_cosine_ops)"
    )


def pgvector_nearest(conn: sa.Connection, model: str, query: np.ndarray, limit: int,
                     exclude: Sequence[int] = ()) -> list[tuple[int, float]]:
    """(paper id, cosine similarity) of the nearest vectors by the HNSW index."""
    dim = int(query.shape[0])
    settings = f"SET LOCAL hnsw.ef_search = {max(40, min(1000, limit * 2))}"
    if _iterative_scan(conn):
        settings += "; SET LOCAL hnsw.iterative_scan = strict_order"  # exact distance order, as before
    conn.exec_driver_sql(settings)
    rows = conn.execute(
        sa.text(
            f"SELECT paper_id, 1 - (embedding::vector({dim}) <=> CAST(:q AS vector({dim}))) AS sim "
            f"FROM paper_vectors WHERE model = :model "
            f"ORDER BY embedding::vector({dim}) <=> CAST(:q AS vector({dim})) LIMIT :limit"
        ),
        {"q": _pg_literal(query), "model": model, "limit": limit + len(exclude)},
    )
    skip = set(exclude)
    return [(int(r[0]), float(r[1])) for r in rows if int(r[0]) not in skip][:limit]
