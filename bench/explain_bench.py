"""TL;DR and keyphrase bench: the extractive gist (dailypapers.gist) against Hugging Face's LLM-written
`ai_summary` / `ai_keywords` on the shared HF data, with baselines from the same run.

Papers with both fields are shuffled with a fixed seed; the first 1,000 are the held-out test split (the figures
to report), the next 1,000 the dev split (the only one to tune on: `--split dev`). The method sees only the title
and abstract; the references are read only to score.

TL;DR: ROUGE-L F (LCS of lower-cased alphanumeric tokens, no stemming) against `ai_summary`; baselines: the first
sentence, a random sentence (seeded), the best single sentence (an oracle that peeks at the reference).
Keyphrases: exact-match F1 against `ai_keywords` (lower-cased, punctuation stripped, whitespace collapsed);
baseline: YAKE (n <= 3, top 8) when the `yake` package is installed.
Speed: papers/s of `explain()` on one core (title + abstract in, TL;DR and keyphrases out).

Usage: python bench/explain_bench.py [--split test|dev] [--n 1000] [--show 5]
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import random
import re
import time
from pathlib import Path

from dailypapers.gist import explain
from dailypapers.gist.text import split_sentences
from dailypapers.records import clean_text

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DAILYPAPERS_SHARED_DIR", ROOT.parent / "shared"))
SEED = 17
_TOKEN = re.compile(r"[a-z0-9]+")


def load(split: str, n: int) -> list[dict]:
    seen: set[str] = set()
    papers = []
    with gzip.open(SHARED / "data" / "hf_daily_papers.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            p = json.loads(line)["paper"]
            if p.get("ai_summary") and p.get("ai_keywords") and p.get("summary") and p["id"] not in seen:
                seen.add(p["id"])
                papers.append({"id": p["id"], "title": clean_text(p["title"]) or "",
                               "abstract": clean_text(p["summary"]) or "", "summary": p["ai_summary"],
                               "keywords": p["ai_keywords"]})
    papers.sort(key=lambda p: p["id"])
    random.Random(SEED).shuffle(papers)
    return papers[:n] if split == "test" else papers[n:2 * n]


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def lcs(a: list[str], b: list[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l(candidate: str, reference: str) -> float:
    c, r = tokens(candidate), tokens(reference)
    hit = lcs(c, r)
    if not hit:
        return 0.0
    p, rec = hit / len(c), hit / len(r)
    return 2 * p * rec / (p + rec)


def norm_phrase(text: str) -> str:
    return " ".join(tokens(text))


def phrase_f1(predicted: list[str], reference: list[str]) -> float:
    pred = {norm_phrase(k) for k in predicted} - {""}
    ref = {norm_phrase(k) for k in reference} - {""}
    hit = len(pred & ref)
    if not hit:
        return 0.0
    p, r = hit / len(pred), hit / len(ref)
    return 2 * p * r / (p + r)


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["test", "dev"], default="test")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--show", type=int, default=0, help="print this many examples")
    ap.add_argument("--processes", type=int, default=2, help="also time this many worker processes (0: skip)")
    args = ap.parse_args()
    papers = load(args.split, args.n)
    rng = random.Random(SEED)

    start = time.perf_counter()
    cpu = time.process_time()
    gists = [explain(p["title"], p["abstract"]) for p in papers]
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu

    scores: dict[str, list[float]] = {k: [] for k in ("gist", "first", "random", "oracle", "kp", "yake")}
    try:
        import yake  # type: ignore[import-not-found]
        extractor = yake.KeywordExtractor(lan="en", n=3, top=8)
    except ImportError:
        extractor = None
    for p, g in zip(papers, gists, strict=True):
        sents = split_sentences(p["abstract"]) or [p["abstract"]]
        scores["gist"].append(rouge_l(g.tldr or "", p["summary"]))
        scores["first"].append(rouge_l(sents[0], p["summary"]))
        scores["random"].append(rouge_l(rng.choice(sents), p["summary"]))
        scores["oracle"].append(max(rouge_l(s, p["summary"]) for s in sents))
        scores["kp"].append(phrase_f1(g.keyphrases, p["keywords"]))
        if extractor is not None:
            found = [k for k, _ in extractor.extract_keywords(f"{p['title']}. {p['abstract']}")]
            scores["yake"].append(phrase_f1(found, p["keywords"]))
    for p, g in list(zip(papers, gists, strict=True))[: args.show]:
        print(f"\n{p['id']} {p['title']}\n  TL;DR: {g.tldr}\n  HF:    {p['summary']}\n  KP: {g.keyphrases}\n"
              f"  HF: {p['keywords']}")
    print(f"split={args.split} papers={len(papers)} seed={SEED}")
    print(f"TL;DR ROUGE-L F: gist {mean(scores['gist']):.3f} | first sentence {mean(scores['first']):.3f} | "
          f"random sentence {mean(scores['random']):.3f} | oracle sentence {mean(scores['oracle']):.3f}")
    yake_figure = f"{mean(scores['yake']):.3f}" if extractor is not None else "n/a (yake not installed)"
    print(f"keyphrase F1: gist {mean(scores['kp']):.3f} | YAKE n<=3 top 8 {yake_figure}")
    print(f"speed: {len(papers) / wall:.0f} papers/s wall, {len(papers) / max(cpu, 1e-9):.0f} papers/CPU-s "
          f"(one process)")
    if args.processes > 1:
        texts = [(p["title"], p["abstract"]) for p in papers] * 4
        with multiprocessing.Pool(args.processes) as pool:
            pool.starmap(explain, texts[:50])  # workers started and warm
            start = time.perf_counter()
            pool.starmap(explain, texts, chunksize=50)
            wall = time.perf_counter() - start
        print(f"speed: {len(texts) / wall:.0f} papers/s wall with {args.processes} processes ({len(texts)} papers); "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
