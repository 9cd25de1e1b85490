"""Embed only the papers a recommendation events file mentions (library, candidates, relevant), so `dailypapers
eval-recs` can run its embedding methods without indexing the whole corpus. Resumable: papers that already have a
vector are skipped.

    nice -n 10 .venv/bin/python bench/recs_embed.py ../shared/eval/dev_recs.jsonl
"""

from __future__ import annotations

import argparse
import json
import time

import sqlalchemy as sa

from dailypapers.config import load_settings
from dailypapers.search.embedder import paper_text
from dailypapers.search.engine import state
from dailypapers.store import vectors as vector_store
from dailypapers.store.db import Database
from dailypapers.store.schema import paper_vectors, papers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("events")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    wanted: set[str] = set()
    with open(args.events, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                event = json.loads(line)
                wanted.update(event["library"], event["candidates"], event["relevant"])
    db = Database(load_settings())
    db.upgrade()
    embedder = state(db).embedder
    with db.connect() as conn:
        have = sa.select(paper_vectors.c.paper_id).where(paper_vectors.c.model == embedder.name)
        rows = conn.execute(
            sa.select(papers.c.id, papers.c.title, papers.c.abstract)
            .where(papers.c.arxiv_id.in_(sorted(wanted)), papers.c.id.not_in(have))
        ).all()
    pending = [vector_store.PendingPaper(int(r[0]), r[1] or "", r[2] or "") for r in rows]
    print(f"{len(wanted)} papers named, {len(pending)} to embed with {embedder.name}", flush=True)
    start = time.monotonic()
    for s in range(0, len(pending), args.batch_size):
        batch = pending[s : s + args.batch_size]
        vecs = embedder.embed([paper_text(p.title, p.abstract) for p in batch])
        with db.write() as conn:
            vector_store.save_vectors(conn, embedder.name, list(zip(batch, vecs, strict=True)))
        if (s // args.batch_size) % 20 == 0:
            done = s + len(batch)
            print(f"{done}/{len(pending)} in {time.monotonic() - start:.0f}s", flush=True)
    print(f"done: {len(pending)} in {time.monotonic() - start:.0f}s")


if __name__ == "__main__":
    main()
