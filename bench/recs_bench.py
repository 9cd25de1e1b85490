"""Ranking latency for one reader: a 500-paper library ranks a day's candidates, the default `foryou` method
(per-reader state cached, as the site does) against the baselines, measured in the same run.

    DAILYPAPERS_DATABASE_URL=sqlite:////work/cache/foryou.sqlite OMP_NUM_THREADS=1 \\
        nice -n 10 .venv/bin/python bench/recs_bench.py ../shared/eval/dev_recs.jsonl

Papers come from the events file (they need vectors: bench/recs_embed.py); the library is 500 of them drawn at
random, the candidates each round are `--candidates` others.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from dailypapers.config import load_settings
from dailypapers.recs.evalcorpus import build_eval_corpus
from dailypapers.recs.evaluate import load_events
from dailypapers.recs.features import Library
from dailypapers.store.db import Database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("events")
    parser.add_argument("--library", type=int, default=500)
    parser.add_argument("--candidates", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    db = Database(load_settings())
    start = time.perf_counter()
    corpus = build_eval_corpus(db, load_events(args.events))
    print(f"corpus: {len(corpus.items)} papers featurised in {time.perf_counter() - start:.1f}s")
    rng = np.random.default_rng(7)
    with_vectors = np.flatnonzero(np.abs(corpus.items.vectors).sum(axis=1) > 0)
    order = rng.permutation(with_vectors)
    library_rows, pool = order[: args.library], order[args.library :]
    start = time.perf_counter()
    library = Library(corpus.items.take(list(library_rows)))
    build_ms = (time.perf_counter() - start) * 1000
    print(f"library of {len(library)}: state built in {build_ms:.1f} ms (once per library change)")
    scorers = corpus.scorers()
    methods = ["foryou", "random", "tfidf-svm", "emb-centroid", "emb-linear"]
    rounds = {m: args.rounds if m not in ("tfidf-svm", "emb-linear") else max(20, args.rounds // 10) for m in methods}
    print(f"{'method':<14}{'rounds':>8}{'p50_ms':>10}{'p95_ms':>10}   ({args.candidates} candidates, "
          f"{args.library}-paper library, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '-')})")
    for name in methods:
        times = []
        for _ in range(rounds[name]):
            candidates = corpus.items.take(list(rng.choice(pool, size=args.candidates, replace=False)))
            t = time.perf_counter()
            scorers[name](library, candidates)
            times.append((time.perf_counter() - t) * 1000)
        print(f"{name:<14}{rounds[name]:>8}{np.percentile(times, 50):>10.2f}{np.percentile(times, 95):>10.2f}")
    _end_to_end(db, corpus, library_rows, pool, rng, args)


def _end_to_end(db: Database, corpus, library_rows, pool, rng, args) -> None:
    """What /for-you does per request: the cached reader state, candidates read from the database, ranked with
    reasons. The bench reader's library is written into the bench database (replaced on each run)."""
    from dailypapers.recs.reader import rank_for_reader
    from dailypapers.store import library as library_store
    from dailypapers.store import users as user_store

    with db.write() as conn:
        user = user_store.find_by_username(conn, "bench-reader")
        user_id = user["id"] if user else user_store.create_user(conn, "bench-reader", None, None)
        for paper_id in library_store.saved_paper_ids(conn, user_id):
            library_store.remove(conn, user_id, paper_id)
        for row in library_rows:
            library_store.save(conn, user_id, corpus.items.papers[row].id)
    times = []
    for n in range(args.rounds + 1):
        ids = [corpus.items.papers[i].id for i in rng.choice(pool, size=args.candidates, replace=False)]
        t = time.perf_counter()
        rank_for_reader(db, user_id, ids, limit=50)  # /for-you shows 50
        if n:  # the first call builds and caches the reader's state
            times.append((time.perf_counter() - t) * 1000)
    print(f"{'foryou e2e':<14}{args.rounds:>8}{np.percentile(times, 50):>10.2f}{np.percentile(times, 95):>10.2f}"
          "   (database reads + ranking + reasons, as /for-you)")


if __name__ == "__main__":
    main()
