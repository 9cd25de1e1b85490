"""`dailypapers eval-recs`: replay recommendation events (`{id, user, library[], candidates[], relevant[]}`), each
library as a new reader's, and measure where each method ranks the relevant paper among the candidates."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dailypapers.ids import normalize_arxiv_id
from dailypapers.jsonlines import read_objects
from dailypapers.recs.features import Items, Library
from dailypapers.recs.methods import Scorer

METRICS = ("MRR", "R@1", "R@10", "nDCG@10", "median_rank", "p50_ms", "p95_ms", "events")


class EventsFileError(ValueError):
    """The events file is malformed; the message names the file and line."""


@dataclass
class Event:
    id: str
    user: str
    library: list[str]
    candidates: list[str]
    relevant: list[str]

    @property
    def split(self) -> str:
        """Half the users tune, the other half test: a stable split by user, so no reader is in both."""
        return "tune" if hashlib.sha1(self.user.encode()).digest()[0] % 2 == 0 else "test"


def _id_list(item: dict, key: str) -> list[str]:
    value = item[key]
    if not isinstance(value, list):
        raise ValueError(f"'{key}' must be a list")
    return [normalize_arxiv_id(str(v)) for v in value]


def load_events(path: str | Path) -> list[Event]:
    def parse(item: dict, n: int) -> Event:
        event = Event(str(item.get("id", n)), str(item.get("user", "")), _id_list(item, "library"),
                      _id_list(item, "candidates"), _id_list(item, "relevant"))
        if not event.candidates or not event.relevant:
            raise ValueError("'candidates' and 'relevant' must not be empty")
        return event

    return read_objects(path, parse, EventsFileError, "events")


def rank_metrics(ranked: Sequence[str], relevant: Sequence[str]) -> dict[str, float]:
    rel = set(relevant)
    positions = [i for i, a in enumerate(ranked) if a in rel]
    first = positions[0] if positions else len(ranked)
    dcg = sum(1.0 / math.log2(i + 2) for i in positions if i < 10)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(rel), 10)))
    return {
        "MRR": 1.0 / (first + 1) if positions else 0.0,
        "R@1": len(rel & set(ranked[:1])) / len(rel),
        "R@10": len(rel & set(ranked[:10])) / len(rel),
        "nDCG@10": dcg / ideal if ideal else 0.0,
        "rank": float(first + 1),
    }


def summarize(rows: list[dict[str, float]]) -> dict[str, float]:
    if not rows:
        return {}
    out = {k: round(float(np.mean([r[k] for r in rows])), 4) for k in ("MRR", "R@1", "R@10", "nDCG@10")}
    out["median_rank"] = float(np.median([r["rank"] for r in rows]))
    lat = np.array([r["ms"] for r in rows])
    out["p50_ms"] = round(float(np.percentile(lat, 50)), 2)
    out["p95_ms"] = round(float(np.percentile(lat, 95)), 2)
    out["events"] = len(rows)
    return out


Featurize = Callable[[Sequence[str]], Items]


def run_method(events: Sequence[Event], featurize: Featurize, scorer: Scorer) -> dict[str, dict[str, float]]:
    """Figures overall and per split. Latency covers building the reader's state and scoring the candidates."""
    rows: dict[str, list[dict[str, float]]] = {"tune": [], "test": []}
    for event in events:
        library_items = featurize(event.library)
        candidate_items = featurize(event.candidates)
        start = time.perf_counter()
        scores = scorer(Library(library_items), candidate_items)
        ms = (time.perf_counter() - start) * 1000
        order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
        ranked = [candidate_items.papers[i].arxiv_id for i in order]
        rows[event.split].append({**rank_metrics(ranked, event.relevant), "ms": ms})
    result = {"overall": summarize(rows["tune"] + rows["test"])}
    result.update({split: summarize(r) for split, r in rows.items() if r})
    return result


def format_table(results: dict[str, dict[str, dict[str, float]]], title: str = "") -> str:
    lines = [title] if title else []
    lines.append(f"{'method':<16}{'split':<9}" + "".join(f"{c:>12}" for c in METRICS))
    for method, splits in results.items():
        for split, figs in splits.items():
            lines.append(f"{method:<16}{split:<9}" + "".join(f"{figs.get(c, ''):>12}" for c in METRICS))
    return "\n".join(lines)
