"""Offline sweep of hybrid fusion settings on the papers that have vectors (a consistent sub-corpus when only part
of the corpus is embedded): BM25 (in-memory index over those papers only) and exact cosine over the same papers.

    python bench/fusion_sweep.py --database-url sqlite:////path.db ../shared/eval/dev_paraphrase.jsonl ...

Prints R@1 / R@10 / R@100 / MRR@10 per query file for today's fusion (BM25 top 20 re-scored) and for candidate
unions (BM25 top k1 ∪ dense top k2) under /max or z-score scaling, for a range of dense weights.
"""

from __future__ import annotations

import argparse
import itertools
import os

import numpy as np
import sqlalchemy as sa

from dailypapers.config import load_settings
from dailypapers.search import fusion
from dailypapers.search.bm25 import EXACT_WEIGHT, Bm25Index, Document
from dailypapers.search.engine import state
from dailypapers.search.evaluate import load_queries, query_metrics
from dailypapers.search.query import parse_query
from dailypapers.search.vector_index import NumpyIndex
from dailypapers.store.db import Database

K_MAX = 200  # the deepest candidate list any configuration reads


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--database-url", default=os.environ.get("DAILYPAPERS_DATABASE_URL"))
    ap.add_argument("--k1", type=int, nargs="+", default=[20, 50, 200], help="keyword candidates")
    ap.add_argument("--k2", type=int, nargs="+", default=[0, 20, 50], help="semantic candidates")
    ap.add_argument("--weights", type=float, nargs="+", default=[0.5, 0.6, 0.7], help="cosine weights")
    args = ap.parse_args()
    db = Database(load_settings().model_copy(update={"database_url": args.database_url}))
    embedder = state(db).embedder
    vectors = NumpyIndex(embedder.name)
    with db.connect() as conn:
        vectors.sync(conn)
        rows = conn.execute(sa.text("SELECT id, arxiv_id, title, abstract, authors_text FROM papers")).all()
    arxiv = {int(r[0]): r[1] for r in rows}
    ids = [int(i) for i in vectors.snapshot.ids]
    have = set(ids)
    text = {int(r[0]): r for r in rows}
    index = Bm25Index.build(Document(pid, text[pid][2] or "", text[pid][3] or "", text[pid][4] or "") for pid in ids)
    matrix = vectors.matrix
    covered = {arxiv[pid] for pid in have}
    print(f"sub-corpus: {len(ids)} papers with vectors of {len(rows)}")
    for path in args.files:
        queries = [q for q in load_queries(path) if set(q.relevant) <= covered]
        qv = embedder.embed([q.query for q in queries])
        prepared = []
        for q, v in zip(queries, qv, strict=True):
            words = parse_query(q.query).content_words
            cos = matrix @ v  # index positions are the build order, which is the order of `ids`
            ranked = {}
            for e in (0.0, EXACT_WEIGHT):
                bm = index.scores(words, exact_weight=e)
                live = np.flatnonzero(bm)
                ranked[e] = (bm, live[np.argsort(-bm[live], kind="stable")][:K_MAX])
            near = np.argpartition(-cos, K_MAX)[:K_MAX]
            prepared.append((q, ranked, cos, near[np.argsort(-cos[near])], fusion.is_keyword_list(q.query)))
        configs = [("keyword only (stems)", 0, 0, "max", 0.0, 0.0), ("keyword only", 0, 0, "max", 0.0, EXACT_WEIGHT),
                   ("semantic only", 0, 100, "max", 1.0, EXACT_WEIGHT),
                   ("before: BM25 top 20 re-scored, stems", 20, 0, "max", 0.7, 0.0),
                   ("after: the same + exact forms", 20, 0, "max", 0.7, EXACT_WEIGHT)]
        configs += [(f"union k1={k1} k2={k2} {scale}", k1, k2, scale, w, EXACT_WEIGHT)
                    for k1, k2, scale in itertools.product(args.k1, args.k2, ("max", "z"))
                    for w in args.weights]
        print(f"== {path} ({len(queries)} queries)")
        for name, k1, k2, scale, w, exact in configs:
            out = []
            for q, ranked, cos, near, is_list in prepared:
                bm, kw_order = ranked[exact]
                if k1 == 0 and k2 == 0:  # keyword ranking alone
                    out.append(query_metrics([arxiv[ids[p]] for p in kw_order[:100]], q.relevant))
                    continue
                if k1 == 0:  # semantic ranking alone
                    out.append(query_metrics([arxiv[ids[p]] for p in near[:100]], q.relevant))
                    continue
                ww = fusion.DEFAULT.list_dense_weight if is_list and w == 0.7 else w  # today's list rule
                kw = kw_order[:k1]
                cand = np.unique(np.concatenate([kw, near[:k2]])) if k2 else kw
                b, c = np.where(np.isin(cand, kw), bm[cand], 0.0), cos[cand]  # BM25 only from its own list
                if scale == "max":
                    b = b / b.max() if len(b) and b.max() > 0 else b
                else:
                    b = (b - b.mean()) / (b.std() or 1.0)
                    c = (c - c.mean()) / (c.std() or 1.0)
                fused = (1 - ww) * b + ww * c
                head = list(cand[np.argsort(-fused, kind="stable")])
                seen = set(head)
                tail = [p for p in kw_order[:100] if p not in seen]
                out.append(query_metrics([arxiv[ids[p]] for p in (head + tail)[:100]], q.relevant))
            figs = {m: np.mean([o[m] for o in out]) for m in ("R@1", "R@10", "R@100", "MRR@10")}
            print(f"{name:<38} w={w:<4} " + "  ".join(f"{m} {v:.4f}" for m, v in figs.items()), flush=True)


if __name__ == "__main__":
    main()
