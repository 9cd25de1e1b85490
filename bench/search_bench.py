"""Search benchmark: query latency per mode on a real corpus, vector index build time and memory, embedding
throughput, and (with --synthetic N) brute-force vector search at N vectors.

The database must already hold the corpus and its vectors:

    DAILYPAPERS_DATABASE_URL=sqlite:////tmp/bench.db dailypapers import ../shared/data/*.gz
    DAILYPAPERS_DATABASE_URL=sqlite:////tmp/bench.db dailypapers index
    python bench/search_bench.py --database-url sqlite:////tmp/bench.db

Baseline measured in the same run: a naive keyword query (every query word OR-ed, no term selection).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from pathlib import Path

import numpy as np
import psutil
import sqlalchemy as sa

from dailypapers.config import Settings
from dailypapers.search import search_papers
from dailypapers.search.embedder import load_embedder, paper_text
from dailypapers.search.engine import state
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
    db = Database(Settings(database_url=args.database_url))
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

    queries = [q.query for f in ("dev_queries.jsonl", "dev_paraphrase.jsonl")
               for q in load_queries(SHARED / "eval" / f)]
    random.Random(4).shuffle(queries)
    queries = queries[: args.queries]
    for q in queries[:5]:  # warm caches, load the model
        search_papers(db, q, mode="hybrid")

    with db.connect() as conn:
        def naive(text: str) -> None:
            words = parse_query(text).content_words
            store.keyword_search(conn, store.KeywordQuery(words=words), store.Filters(), 100)

        fast_limit = store.FAST_PATH_LIMIT
        store.FAST_PATH_LIMIT = 0  # the joined FTS5 query every keyword search ran before the fast path
        print(f"keyword, naive OR, joined query (baseline):  {pct(timed(naive, queries))}")
        lat = timed(lambda t: search_papers(db, t, mode="keyword", limit=20), queries)
        print(f"keyword  search_papers, joined (baseline):  {pct(lat)}")
        lat = timed(lambda t: search_papers(db, t, mode="hybrid", limit=20), queries)
        print(f"hybrid   search_papers, joined (baseline):  {pct(lat)}")
        store.FAST_PATH_LIMIT = fast_limit
        print(f"keyword, naive OR, FTS5-only fast path:    {pct(timed(naive, queries))}")
    for mode in ("keyword", "semantic", "hybrid"):
        lat = timed(lambda t, m=mode: search_papers(db, t, mode=m, limit=20), queries)
        print(f"{mode:<8} search_papers, limit 20:          {pct(lat)}")
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
        n, dim = args.synthetic, embedder.dim
        before = rss_mb()
        start = time.perf_counter()
        rng = np.random.default_rng(0)
        big = NumpyIndex("synthetic")
        big.matrix = rng.standard_normal((n, dim), dtype=np.float32)
        big.matrix /= np.linalg.norm(big.matrix, axis=1, keepdims=True)
        big.ids = np.arange(n, dtype=np.int64)
        print(f"synthetic {n} vectors: built in {time.perf_counter() - start:.1f} s, +{rss_mb() - before:.0f} MiB")
        qv = [embedder.embed([q])[0] for q in queries[:50]]
        lat = []
        for v in qv:
            start = time.perf_counter()
            big.search(v, 100)
            lat.append((time.perf_counter() - start) * 1000)
        print(f"synthetic {n} vectors, top-100 brute force: {pct(lat)}")


if __name__ == "__main__":
    main()
