"""Retrieval quality harness: runs a JSON Lines query file (`{id, query, kind, relevant[]}`) through search and
reports R@1, R@10, R@100, MRR@10, nDCG@10 and latency p50/p95, per kind and overall."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dailypapers.ids import normalize_arxiv_id
from dailypapers.jsonlines import read_objects


class EvalFileError(ValueError):
    """The query file is malformed; the message names the file and line."""


@dataclass
class EvalQuery:
    id: str
    query: str
    kind: str
    relevant: list[str]


def load_queries(path: str | Path) -> list[EvalQuery]:
    def parse(item: dict, n: int) -> EvalQuery:
        query, relevant = item["query"], item["relevant"]
        if not isinstance(query, str) or not isinstance(relevant, list) or not relevant:
            raise ValueError("'query' must be a string and 'relevant' a non-empty list")
        ids = [normalize_arxiv_id(str(r)) for r in relevant]
        return EvalQuery(str(item.get("id", n)), query, str(item.get("kind", "all")), ids)

    return read_objects(path, parse, EvalFileError, "queries")


def query_metrics(ranked: list[str], relevant: list[str]) -> dict[str, float]:
    rel = set(relevant)
    first = next((i for i, a in enumerate(ranked) if a in rel), None)
    dcg = sum(1.0 / math.log2(i + 2) for i, a in enumerate(ranked[:10]) if a in rel)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(rel), 10)))

    def recall(k: int) -> float:
        return len(rel & set(ranked[:k])) / len(rel)

    return {
        "R@1": recall(1),
        "R@10": recall(10),
        "R@100": recall(100),
        "MRR@10": 1.0 / (first + 1) if first is not None and first < 10 else 0.0,
        "nDCG@10": dcg / ideal if ideal else 0.0,
    }


def summarize(rows: list[dict]) -> dict[str, float]:
    lat = np.array([r["ms"] for r in rows])
    out = {k: round(float(np.mean([r[k] for r in rows])), 4) for k in ("R@1", "R@10", "R@100", "MRR@10", "nDCG@10")}
    out["p50_ms"] = round(float(np.percentile(lat, 50)), 1)
    out["p95_ms"] = round(float(np.percentile(lat, 95)), 1)
    out["queries"] = len(rows)
    return out


def run_eval(queries: list[EvalQuery], search: Callable[[str], list[str]], warmup: int = 3) -> dict[str, dict]:
    """Figures per kind and under "overall"; `search` maps a query to ranked arXiv ids (up to 100)."""
    for q in queries[:warmup]:  # load models and indexes before timing
        search(q.query)
    rows_by_kind: dict[str, list[dict]] = {}
    for q in queries:
        start = time.perf_counter()
        ranked = search(q.query)
        ms = (time.perf_counter() - start) * 1000
        row = {**query_metrics(ranked, q.relevant), "ms": ms}
        rows_by_kind.setdefault(q.kind, []).append(row)
    result = {kind: summarize(rows) for kind, rows in sorted(rows_by_kind.items())}
    result["overall"] = summarize([r for rows in rows_by_kind.values() for r in rows])
    return result


def format_table(results: dict[str, dict], title: str = "") -> str:
    cols = ["R@1", "R@10", "R@100", "MRR@10", "nDCG@10", "p50_ms", "p95_ms", "queries"]
    lines = [title] if title else []
    lines.append(f"{'kind':<12}" + "".join(f"{c:>9}" for c in cols))
    for kind, figs in results.items():
        lines.append(f"{kind:<12}" + "".join(f"{figs[c]:>9}" for c in cols))
    return "\n".join(lines)
