"""Embeds a subset of the corpus when embedding all of it would take too long on this machine: every paper that
an eval file names as relevant (so each query's answer can be found semantically) plus a seeded random sample of
the rest, in that order, committed batch by batch (kill it and run it again to resume).

    DAILYPAPERS_DATABASE_URL=sqlite:////path.db python bench/embed_subset.py --random 20000 \
        ../shared/eval/dev_paraphrase.jsonl ../shared/eval/dev_queries.jsonl bench/data/dev_topics.jsonl

Semantic figures measured on such a database flatter the dense side (fewer distractors than the full corpus):
compare versions measured on the same subset, and say which subset in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import time

import numpy as np
import sqlalchemy as sa

from dailypapers.config import Settings
from dailypapers.search.embedder import paper_text
from dailypapers.search.engine import state
from dailypapers.search.evaluate import load_queries
from dailypapers.store import vectors as vector_store
from dailypapers.store.db import Database
from dailypapers.store.schema import paper_vectors, papers


def wanted_ids(conn: sa.Connection, eval_files: list[str], n_random: int) -> list[int]:
    relevant = sorted({r for f in eval_files for q in load_queries(f) for r in q.relevant})
    by_arxiv = dict(conn.execute(sa.select(papers.c.arxiv_id, papers.c.id)).all())
    first = [by_arxiv[a] for a in relevant if a in by_arxiv]
    rest = sorted(set(by_arxiv.values()) - set(first))
    return first + random.Random(16).sample(rest, min(n_random, len(rest)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("eval_files", nargs="+")
    ap.add_argument("--random", type=int, default=20000)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--chunk", type=int, default=2048)
    args = ap.parse_args()
    db = Database(Settings(database_url=os.environ["DAILYPAPERS_DATABASE_URL"]))
    embedder = state(db).embedder
    with db.connect() as conn:
        ids = wanted_ids(conn, args.eval_files, args.random)
        have = set(conn.execute(sa.select(paper_vectors.c.paper_id).where(paper_vectors.c.model == embedder.name))
                   .scalars())
    todo = [pid for pid in ids if pid not in have]
    print(f"{len(ids)} wanted, {len(todo)} to embed with {embedder.name}", flush=True)
    done, start = 0, time.monotonic()
    for c in range(0, len(todo), args.chunk):
        with db.connect() as conn:
            rows = conn.execute(sa.select(papers.c.id, papers.c.title, papers.c.abstract)
                                .where(papers.c.id.in_(todo[c : c + args.chunk]))).all()
        pending = [vector_store.PendingPaper(int(i), t or "", a or "") for i, t, a in rows]
        texts = [paper_text(p.title, p.abstract) for p in pending]
        order = list(np.argsort(embedder.token_counts(texts)))
        for s in range(0, len(order), args.batch_size):
            picked = order[s : s + args.batch_size]
            vecs = embedder.embed([texts[i] for i in picked])
            with db.write() as conn:
                done += vector_store.save_vectors(conn, embedder.name, [(pending[i], vecs[n])
                                                                        for n, i in enumerate(picked)])
        rate = done / (time.monotonic() - start)
        print(f"{done}/{len(todo)} embedded, {rate:.1f} papers/s, load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
