"""Vector index appends: what one batch of new vectors costs the in-process index (search/vector_index.py).

The serve worker embeds papers in batches of `index_batch_size` (64) and the next query syncs them into the index,
on the request path. Measured at N x 384 (all-MiniLM's width; 80,000 is this hub's corpus), per appended batch:
  - this index (`NumpyIndex.add`: spare capacity that doubles, one snapshot swapped in);
  - baseline "copy": what the index did before issue 12 (every row into a list, np.stack: the whole matrix copied);
  - baseline "concatenate": np.concatenate of the old matrix and the batch (a full copy, done the cheap way).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from dailypapers.search.vector_index import NumpyIndex


def per_batch_ms(append, batches: int) -> str:
    """Median and mean per batch: the mean carries the occasional doubling, i.e. the amortized cost."""
    times = []
    for _ in range(batches):
        start = time.perf_counter()
        append()
        times.append((time.perf_counter() - start) * 1000)
    return f"median {statistics.median(times):8.2f} ms, mean {statistics.fmean(times):8.2f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=80_000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--batches", type=int, default=100)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    base = rng.standard_normal((args.papers, args.dim), dtype=np.float32)
    batch = rng.standard_normal((args.batch, args.dim), dtype=np.float32)
    next_id = [args.papers + 1]

    def fresh_ids() -> list[int]:
        ids = list(range(next_id[0], next_id[0] + args.batch))
        next_id[0] += args.batch
        return ids

    index = NumpyIndex.from_arrays("bench", np.arange(1, args.papers + 1), base)
    ours = per_batch_ms(lambda: index.add(fresh_ids(), list(batch)), args.batches)

    state = {"ids": np.arange(1, args.papers + 1, dtype=np.int64), "matrix": base.copy()}

    def old_copy() -> None:
        ids, rows = list(state["ids"]), list(state["matrix"])
        ids += fresh_ids()
        rows += list(batch)
        state["ids"], state["matrix"] = np.asarray(ids, dtype=np.int64), np.ascontiguousarray(np.stack(rows))

    copy = per_batch_ms(old_copy, max(3, args.batches // 10))
    state = {"ids": np.arange(1, args.papers + 1, dtype=np.int64), "matrix": base.copy()}

    def concatenate() -> None:
        state["ids"] = np.concatenate([state["ids"], np.asarray(fresh_ids(), dtype=np.int64)])
        state["matrix"] = np.concatenate([state["matrix"], batch])

    concat = per_batch_ms(concatenate, args.batches)
    print(f"{args.papers} x {args.dim} float32, {args.batches} batches of {args.batch}, per appended batch:")
    print(f"  NumpyIndex.add (spare capacity, snapshot swap): {ours}")
    print(f"  baseline: list + np.stack (before issue 12):    {copy}")
    print(f"  baseline: np.concatenate (full copy):           {concat}")
    query = batch[0] / np.linalg.norm(batch[0])
    start = time.perf_counter()
    index.search(query, 100)
    print(f"  (one top-100 query over the index: {(time.perf_counter() - start) * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
