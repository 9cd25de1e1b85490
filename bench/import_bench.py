"""Import benchmark: papers/s and peak RSS of `dailypapers import`, against a raw sqlite3 baseline.

Cases, each in a fresh SQLite database and a subprocess of its own (so peak RSS is the import's alone):
  1. ../shared/data/arxiv_2025_2026.jsonl.gz + hf_daily_papers.jsonl.gz (the real data, 80,317 papers)
  2. a deterministic synthetic 1,000,000-paper file in the Kaggle snapshot format, generated here
The baseline for each case reads the same file with json.loads and executemany()s the same rows into a bare table
with the same FTS5 index (same tokenizer, same set-based indexing per batch), with plain sqlite3.

With --before SRC (the src/ folder of another checkout, e.g. a `git worktree` of main), that code's import runs
too, in the same run, as "before".

Usage: python bench/import_bench.py [--papers 1000000] [--skip-real] [--skip-synthetic] [--before SRC]
Env: DAILYPAPERS_SHARED_DIR (default ../shared), BENCH_DIR (default bench/out).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DAILYPAPERS_SHARED_DIR", ROOT.parent / "shared"))
OUT = Path(os.environ.get("BENCH_DIR", ROOT / "bench" / "out"))
CATS = ["cs.AI", "cs.CL", "cs.CV", "cs.LG", "stat.ML", "cs.RO", "cs.IR", "math.OC", "eess.IV", "cs.CR"]


def _words(rng: random.Random, vocab: list[str], n: int) -> str:
    return " ".join(rng.choice(vocab) for _ in range(n))


def generate(path: Path, n: int, seed: int = 20261127) -> None:
    """Deterministic Kaggle-format lines: realistic lengths (title ~10 words, abstract ~170 words, ~6 authors)."""
    if path.exists() and path.stat().st_size > 0:
        return
    rng = random.Random(seed)
    syllables = ["ra", "to", "ne", "ki", "lo", "mu", "sa", "ve", "di", "po", "qua", "tri", "zen", "lex", "mor"]
    vocab = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(30000)]
    names = ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).title() for _ in range(5000)]
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for i in range(n):
            yymm = 2001 + (i // 25000) % 12 + 100 * ((i // 300000) % 6)
            arxiv_id = f"{yymm:04d}.{i % 100000:05d}"
            authors = [f"{rng.choice(names)} {rng.choice(names)}" for _ in range(rng.randint(1, 12))]
            cats = rng.sample(CATS, rng.randint(1, 3))
            day = 1 + i % 28
            rec = {
                "id": arxiv_id, "submitter": None, "authors": ", ".join(authors),
                "title": _words(rng, vocab, rng.randint(6, 16)).capitalize(),
                "comments": None, "journal-ref": None, "doi": None, "report-no": None,
                "categories": " ".join(cats), "license": None,
                "abstract": _words(rng, vocab, rng.randint(100, 250)),
                "versions": [{"version": "v1", "created": f"Mon, {day:02d} Jan 2024 00:00:00 GMT"}],
                "update_date": f"2024-01-{day:02d}",
                "authors_parsed": [[a.split()[1], a.split()[0], ""] for a in authors],
            }
            fh.write(json.dumps(rec) + "\n")
    tmp.rename(path)


def measured(argv: list[str], src: str | None = None) -> tuple[float, float, int]:
    """Run a module in a child (with `src` first on its path); return wall s, CPU s (children included), peak RSS."""
    code = (
        "import resource, runpy, sys; sys.argv = sys.argv[1:]; "
        "rc = 0\n"
        "try:\n    runpy.run_module(sys.argv[0], run_name='__main__')\n"
        "except SystemExit as e:\n    rc = e.code or 0\n"
        "s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime, max(s.ru_maxrss, c.ru_maxrss) * 1024)\n"
        "sys.exit(rc)"
    )
    env = dict(os.environ, PYTHONPATH=src) if src else None
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    cpu, rss = proc.stdout.strip().splitlines()[-1].split()
    return elapsed, float(cpu), int(rss)


def _open(path: Path):
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8")


def baseline(db_path: str, files: list[str], batch: int = 2000) -> None:
    """Plain sqlite3: same rows, bare table, same FTS5 index (run in a child process by _baseline_child)."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE papers(id INTEGER PRIMARY KEY, arxiv_id TEXT UNIQUE, title TEXT, abstract TEXT, "
                 "authors_text TEXT, categories TEXT, published TEXT)")
    conn.execute("CREATE VIRTUAL TABLE papers_fts USING fts5(title, abstract, authors_text, content='papers', "
                 "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')")

    def flush(rows):
        conn.execute("BEGIN")
        last = conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0]
        conn.executemany("INSERT OR REPLACE INTO papers(arxiv_id, title, abstract, authors_text, categories, "
                         "published) VALUES (?,?,?,?,?,?)", rows)
        conn.execute("INSERT INTO papers_fts(rowid, title, abstract, authors_text) "
                     "SELECT id, title, abstract, authors_text FROM papers WHERE id > ?", (last,))
        conn.execute("COMMIT")

    rows = []
    for f in files:
        with _open(Path(f)) as fh:
            for line in fh:
                o = json.loads(line)
                p = o.get("paper", o)
                authors = o.get("authors") if "paper" not in o else ", ".join(a["name"] for a in p["authors"])
                rows.append((p["id"], p["title"], p.get("abstract") or p.get("summary"), authors,
                             o.get("categories", ""), p.get("publishedAt") or o.get("update_date")))
                if len(rows) >= batch:
                    flush(rows)
                    rows = []
    if rows:
        flush(rows)


def case(name: str, files: list[Path], expect: int | None, before: str | None = None) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {"case": name}
    for label in ("dailypapers", "baseline", *(["before"] if before else [])):
        db = OUT / f"{name}-{label}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        if label in ("dailypapers", "before"):
            os.environ.update(DAILYPAPERS_DATABASE_URL=f"sqlite:///{db}", DAILYPAPERS_LOG_LEVEL="WARNING")
            elapsed, cpu, rss = measured(["dailypapers", "import", *map(str, files)],
                                         before if label == "before" else None)
        else:
            elapsed, cpu, rss = _baseline_child(str(db), [str(f) for f in files])
        papers = int(sqlite3.connect(db).execute("SELECT count(*) FROM papers").fetchone()[0])
        if expect is not None and papers != expect:
            raise SystemExit(f"{name}/{label}: expected {expect} papers, got {papers}")
        results[label] = {"seconds": elapsed, "papers_per_s": papers / elapsed, "cpu_seconds": cpu,
                          "peak_rss_mb": rss / 2**20}
        print(f"{name:>10} {label:>12}: {papers:>9,} papers in {elapsed:7.1f} s = {papers / elapsed:8,.0f} papers/s "
              f"(CPU {cpu:6.1f} s = {papers / cpu:8,.0f} papers per CPU-s), peak RSS {rss / 2**20:6.0f} MB, "
              f"load average {os.getloadavg()[0]:.1f}",
              flush=True)
    results["ratio"] = results["dailypapers"]["papers_per_s"] / results["baseline"]["papers_per_s"]
    print(f"{name:>10} ratio dailypapers/baseline (papers/s): {results['ratio']:.2f}", flush=True)
    if before:
        speedup = results["dailypapers"]["papers_per_s"] / results["before"]["papers_per_s"]
        print(f"{name:>10} ratio dailypapers/before (papers/s): {speedup:.2f}", flush=True)
    return results


def _baseline_child(db: str, files: list[str]) -> tuple[float, float, int]:
    code = (
        f"import resource, sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); "
        "import import_bench as b; b.baseline(sys.argv[1], sys.argv[2:]); "
        "s = resource.getrusage(resource.RUSAGE_SELF); print(s.ru_utime + s.ru_stime, s.ru_maxrss * 1024)"
    )
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, db, *files],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"baseline failed:\n{proc.stderr[-2000:]}")
    cpu, rss = proc.stdout.strip().splitlines()[-1].split()
    return elapsed, float(cpu), int(rss)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--papers", type=int, default=1_000_000, help="size of the synthetic file")
    ap.add_argument("--skip-real", action="store_true")
    ap.add_argument("--skip-synthetic", action="store_true")
    ap.add_argument("--before", metavar="SRC", help="also import with the code in this src/ folder, in the same run")
    args = ap.parse_args()
    before = str(Path(args.before).resolve()) if args.before else None
    print(f"load average {os.getloadavg()[0]:.1f}; nice {os.nice(0)}; "
          f"machine: {os.uname().nodename}, {os.cpu_count()} cores, python {sys.version.split()[0]}, "
          f"sqlite {sqlite3.sqlite_version}, {time.strftime('%Y-%m-%d %H:%M')}", flush=True)
    if not args.skip_real:
        data = SHARED / "data"
        real = [data / "arxiv_2025_2026.jsonl.gz", data / "hf_daily_papers.jsonl.gz"]
        case("real", real, expect=80317, before=before)
    if not args.skip_synthetic:
        synth = OUT / f"synthetic-{args.papers}.jsonl"
        OUT.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        generate(synth, args.papers)
        size_mb = synth.stat().st_size / 2**20
        print(f"synthetic file {synth.name}: {size_mb:.0f} MB (ready in {time.perf_counter() - t:.0f} s)")
        case("synthetic", [synth], expect=args.papers, before=before)


if __name__ == "__main__":
    main()
