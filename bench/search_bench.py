"""Search benchmark: query latency per mode on a real corpus, keyword and vector index build time and memory,
embedding throughput, and (with --synthetic N) keyword, vector and hybrid search over N generated papers.

The database must already hold the corpus and its vectors:

    DAILYPAPERS_DATABASE_URL=sqlite:////tmp/bench.db dailypapers import ../shared/data/*.gz
    DAILYPAPERS_DATABASE_URL=sqlite:////tmp/bench.db dailypapers index
    python bench/search_bench.py --database-url sqlite:////tmp/bench.db

Baselines measured in the same run: SQLite FTS5 ranking every query (keyword_index_in_memory off: what search did
before the in-memory BM25 index), and a naive FTS5 OR query joined with papers.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import psutil
import sqlalchemy as sa

from dailypapers.config import load_settings
from dailypapers.search import fusion, search_papers
from dailypapers.search.bm25 import Bm25Index, Document
from dailypapers.search.embedder import load_embedder, paper_text
from dailypapers.search.engine import state, warm_keyword_index
from dailypapers.search.evaluate import load_queries
from dailypapers.search.query import parse_query
from dailypapers.search.vector_index import NumpyIndex
from dailypapers.store import search as store
from dailypapers.store import vectors as vector_store
from dailypapers.store.db import Database

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DAILYPAPERS_SHARED_DIR", ROOT.parent / "shared"))


def pct(values: list[float]) -> str:
    a = np.array(values)
    return f"p50 {np.percentile(a, 50):7.1f} ms   p95 {np.percentile(a, 95):7.1f} ms   (n={len(a)})"


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def timed(fn, texts: list[str]) -> list[float]:
    out = []
    for t in texts:
        start = time.perf_counter()
        fn(t)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", default=os.environ.get("DAILYPAPERS_DATABASE_URL", "sqlite:///dailypapers.db"))
    ap.add_argument("--queries", type=int, default=200, help="queries per mode (from ../shared/eval)")
    ap.add_argument("--synthetic", type=int, default=0, help="also time brute-force search over N random vectors")
    args = ap.parse_args()

    print(f"# search_bench  {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  {platform.node()}  "
          f"{os.cpu_count()} CPUs  load {os.getloadavg()[0]:.1f}")
    db = Database(load_settings().model_copy(update={"database_url": args.database_url}))
    db.upgrade()
    embedder = state(db).embedder
    with db.connect() as conn:
        n_papers = conn.execute(sa.text("SELECT count(*) FROM papers")).scalar_one()
        n_vectors = conn.execute(sa.text("SELECT count(*) FROM paper_vectors")).scalar_one()
        pg = vector_store.uses_pgvector(conn)
    print(f"corpus: {n_papers} papers, {n_vectors} vectors ({embedder.name}), backend {db.dialect}"
          f"{' + pgvector HNSW' if pg else ' + in-process numpy index'}")

    if not pg:
        before = rss_mb()
        start = time.perf_counter()
        index = NumpyIndex(embedder.name)
        with db.connect() as conn:
            index.sync(conn)
        print(f"vector index build: {time.perf_counter() - start:.2f} s, +{rss_mb() - before:.0f} MiB RSS "
              f"({index.matrix.nbytes / 2**20:.0f} MiB of vectors)")

    if state(db).keyword_index is not None:  # on PostgreSQL too: timing the first queries would time its build
        before = rss_mb()
        start = time.perf_counter()
        warm_keyword_index(db, wait=True)
        bm25 = state(db).keyword_index.snapshot
        print(f"keyword index build (in-memory BM25): {time.perf_counter() - start:.2f} s, "
              f"+{rss_mb() - before:.0f} MiB RSS, {bm25.size} papers, {len(bm25.terms)} terms, "
              f"{bm25.postings} postings (stems and unstemmed forms)")

    queries = [q.query for f in ("dev_queries.jsonl", "dev_paraphrase.jsonl")
               for q in load_queries(SHARED / "eval" / f)]
    random.Random(4).shuffle(queries)
    queries = queries[: args.queries]
    for q in queries[:5]:  # warm caches, load the model
        search_papers(db, q, mode="hybrid")

    if db.dialect == "sqlite":
        fts_db = Database(db.settings.model_copy(update={"keyword_index_in_memory": False}))
        for q in queries[:5]:
            search_papers(fts_db, q, mode="hybrid")
        with fts_db.connect() as conn:
            def naive(text: str) -> None:
                words = parse_query(text).content_words
                store.keyword_search(conn, store.KeywordQuery(words=words), store.Filters(), 100)

            fast_limit = store.FAST_PATH_LIMIT
            store.FAST_PATH_LIMIT = 0
            print(f"baseline: naive FTS5 OR query joined with papers: {pct(timed(naive, queries))}")
            store.FAST_PATH_LIMIT = fast_limit
        for mode in ("keyword", "hybrid"):
            lat = timed(lambda t, m=mode: search_papers(fts_db, t, mode=m, limit=20), queries)
            print(f"baseline: {mode:<8} search_papers, FTS5 ranking:   {pct(lat)}")
    shipped = fusion.DEFAULT
    fusion.DEFAULT = replace(shipped, semantic_depth=0)
    lat = timed(lambda t: search_papers(db, t, mode="hybrid", limit=20), queries)
    print(f"baseline: hybrid without the semantic union (round three): {pct(lat)}")
    fusion.DEFAULT = shipped
    for mode in ("keyword", "semantic", "hybrid"):
        lat = timed(lambda t, m=mode: search_papers(db, t, mode=m, limit=20), queries)
        print(f"{mode:<8} search_papers, limit 20:                {pct(lat)}")
    print(f"query embedding alone:                     {pct(timed(lambda t: embedder.embed([t]), queries))}")

    with db.connect() as conn:
        rows = conn.execute(sa.text("SELECT title, abstract FROM papers ORDER BY id LIMIT 1024")).all()
    texts = [paper_text(t, a) for t, a in rows]
    emb = load_embedder(db.settings.embedding_model, db.settings.embedding_max_tokens, db.settings.embedding_threads)
    order = np.argsort(emb.token_counts(texts))
    start = time.perf_counter()
    for s in range(0, len(order), 64):
        emb.embed([texts[i] for i in order[s : s + 64]])
    secs = time.perf_counter() - start
    print(f"embedding throughput ({emb.name}, batches of 64, length-sorted): {len(texts) / secs:.1f} papers/s")

    if args.synthetic:
        synthetic(db, embedder, queries, args.synthetic)


def synthetic(db: Database, embedder, queries: list[str], n: int) -> None:
    """Keyword, vector and hybrid search over `n` generated papers: each is a real paper of the corpus with a random
    fifth of its words dropped (so word statistics stay those of real abstracts), and a random unit vector."""
    with db.connect() as conn:
        rows = conn.execute(sa.text("SELECT title, abstract, authors_text FROM papers ORDER BY id")).all()
    rng = random.Random(0)

    def docs():
        for i in range(n):
            title, abstract, authors = rows[i % len(rows)]
            words = abstract.split()
            kept = " ".join(w for w in words if rng.random() > 0.2) if i >= len(rows) else abstract
            yield Document(i + 1, title, kept, authors)

    before = rss_mb()
    start = time.perf_counter()
    index = Bm25Index.build(docs())
    print(f"synthetic {n} papers: keyword index built in {time.perf_counter() - start:.1f} s, "
          f"+{rss_mb() - before:.0f} MiB RSS ({index.postings} postings)")
    before = rss_mb()
    start = time.perf_counter()
    matrix = np.random.default_rng(0).standard_normal((n, embedder.dim), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    vectors = NumpyIndex.from_arrays("synthetic", np.arange(1, n + 1, dtype=np.int64), matrix)
    print(f"synthetic {n} vectors: built in {time.perf_counter() - start:.1f} s, +{rss_mb() - before:.0f} MiB")
    lat = timed(lambda t: index.top(parse_query(t).content_words, 100), queries)
    print(f"synthetic {n}: keyword top-100 (in-memory BM25):   {pct(lat)}")
    qv = {q: embedder.embed([q])[0] for q in queries}
    lat = timed(lambda t: vectors.search(qv[t], 100), queries)
    print(f"synthetic {n}: semantic top-100 brute force:       {pct(lat)}")

    # The engine's hybrid path at this size: keyword head re-scored by cosine, query embedded (the semantic union is
    # skipped above fusion.DEFAULT.union_scan_limit vectors in process)
    def hybrid(text: str) -> None:
        head = index.top(parse_query(text).content_words, fusion.DEFAULT.keyword_depth)
        vector = embedder.embed([text])[0]
        dense = {pid: float(v @ vector) for pid, v in vectors.get([pid for pid, _ in head]).items()}
        fusion.fuse(head, [], dense)

    print(f"synthetic {n}: hybrid incl. query embedding:       {pct(timed(hybrid, queries))}")


if __name__ == "__main__":
    main()
