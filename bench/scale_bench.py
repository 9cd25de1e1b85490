"""Scale-out benchmark (issue 15): keyword search on PostgreSQL, and serving from 1, 2 and 4 worker processes.

    python bench/scale_bench.py search --pg-url postgresql+psycopg://.../bench80k --sqlite-url sqlite:////tmp/b.db
    python bench/scale_bench.py serve --database-url ... [--workers 1 2 4]

`search`: `dailypapers eval --mode M` (keyword unless `--modes` says more) on both dev files for (a) PostgreSQL
ranking with ts_rank in the database (keyword_index_in_memory off: the old PostgreSQL path, the baseline), (b)
PostgreSQL with the in-memory BM25 index fed by the text-change log, (c) SQLite with the same in-memory index (the
quality reference); plus the index build time and memory of one process on PostgreSQL.

`serve`: `dailypapers serve --workers N --no-jobs` for each N, then K keep-alive connections (one thread each, plain
http.client) ask for the daily papers API answer and for keyword and hybrid searches (page cache off);
p50/p95/p99 per N and K. Baseline in the same run: uvicorn with its stock h11 protocol (no TCP_NODELAY on
connections from the shared socket), as `uvicorn --workers` runs, on the daily papers answer.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DAILYPAPERS_SHARED_DIR", ROOT.parent / "shared"))
EVAL_FILES = [SHARED / "eval" / "dev_paraphrase.jsonl", SHARED / "eval" / "dev_queries.jsonl"]


def header() -> None:
    print(f"# scale_bench {sys.argv[1]}  {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  {os.cpu_count()} CPUs  "
          f"load {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)


def env_for(url: str, **settings: object) -> dict[str, str]:
    env = dict(os.environ, DAILYPAPERS_DATABASE_URL=url, DAILYPAPERS_LOG_LEVEL="WARNING", OMP_NUM_THREADS="1")
    env.pop("DAILYPAPERS_CONFIG", None)
    env.update({f"DAILYPAPERS_{k.upper()}": str(v) for k, v in settings.items()})
    return env


def subset(path: Path, limit: int) -> Path:
    """The first `limit` queries of an eval file (the ts_rank baseline takes ~1 s a query on a loaded machine)."""
    if not limit:
        return path
    out = Path("/tmp") / f"scale_bench_{limit}_{path.name}"
    out.write_text("".join(path.read_text().splitlines(keepends=True)[:limit]))
    return out


def evaluate(url: str, in_memory: bool, path: Path, mode: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "dailypapers", "eval", str(path), "--mode", mode, "--json"],
                         env=env_for(url, keyword_index_in_memory=str(in_memory).lower()), capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)[mode]["overall"]


def build_figures(url: str) -> tuple[float, float]:
    """Seconds and MB of RSS for one process to build the in-memory index from PostgreSQL."""
    from dailypapers.config import Settings
    from dailypapers.search.keyword_index import KeywordIndex
    from dailypapers.store.db import Database

    db = Database(Settings(database_url=url))
    before = psutil.Process().memory_info().rss
    index = KeywordIndex(db)
    started = time.perf_counter()
    index.build_now()
    seconds = time.perf_counter() - started
    grown = (psutil.Process().memory_info().rss - before) / 2**20
    db.dispose()
    return seconds, grown


def search(args: argparse.Namespace) -> None:
    header()
    runs = [("PostgreSQL ts_rank (old path, baseline)", args.pg_url, False),
            ("PostgreSQL in-memory BM25 (log-fed)", args.pg_url, True),
            ("SQLite in-memory BM25 (= FTS5 bm25)", args.sqlite_url, True)]
    print("| engine | mode | file | R@1 | R@10 | MRR@10 | p50 ms | p95 ms |\n|---|---|---|---|---|---|---|---|")
    for mode in args.modes:
        for name, url, in_memory in runs:
            if not url:
                continue
            for path in EVAL_FILES:
                f = evaluate(url, in_memory, subset(path, args.limit), mode)
                label = f"{path.name} (first {args.limit})" if args.limit else path.name
                print(f"| {name} | {mode} | {label} | {f['R@1']:.3f} | {f['R@10']:.3f} | {f['MRR@10']:.3f} | "
                      f"{f['p50_ms']:.1f} | {f['p95_ms']:.1f} |", flush=True)
    seconds, mb = build_figures(args.pg_url)
    print(f"\nin-memory index from PostgreSQL: built in {seconds:.1f} s, +{mb:.0f} MB RSS in one process")


def start(url: str, workers: int, protocol: str | None, port: int, in_memory: bool) -> subprocess.Popen:
    code = ("import uvicorn; uvicorn.run('dailypapers.web.asgi:serve_app', factory=True, host='127.0.0.1', "
            f"port={port}, workers={workers}, log_level='warning', access_log=False"
            + (f", http={protocol!r})" if protocol else ")"))
    # The page cache off: every search is computed (100 queries repeat within seconds and would be cache hits).
    proc = subprocess.Popen([sys.executable, "-c", code], env=env_for(url, jobs_in_serve="false", page_cache_entries=0,
                                                                       keyword_index_in_memory=str(in_memory).lower()))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def load(port: int, paths: list[str], connections: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn.request("GET", rng.choice(paths))
            conn.getresponse().read()
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def wait_ready(port: int, workers: int) -> None:
    """Every worker's keyword index built: ask until `workers` answers in a row say ready (or 5 minutes)."""
    deadline, ready = time.monotonic() + 300, 0
    while ready < 4 * workers and time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/healthz")
        ready = ready + 1 if json.loads(conn.getresponse().read())["keyword_index"] == "ready" else 0
        time.sleep(0.05)


def serve(args: argparse.Namespace) -> None:
    from dailypapers.search.evaluate import load_queries
    from dailypapers.web.nodelay import PROTOCOL

    header()
    queries = [q.query for q in load_queries(EVAL_FILES[0])][:100]
    targets = {"daily papers (API)": ["/api/daily_papers?limit=5"]}
    for mode in args.modes:
        targets[f"{mode} search (API)"] = [f"/api/papers/search?mode={mode}&limit=20&q={quote(q)}" for q in queries]
    print(f"{args.seconds:.0f} s per line\n")
    print("| workers | protocol | target | connections | req/s | p50 ms | p95 ms | p99 ms |\n"
          "|---|---|---|---|---|---|---|---|")
    for workers in args.workers:
        # The baseline protocol is timed on the daily papers answer only (no keyword index to build: it would only
        # compete for the CPU); keyword searches are timed with the fix, every worker's index built first.
        for label, protocol in (("uvicorn h11 (baseline)", None), ("dailypapers NoDelay", PROTOCOL)):
            proc = start(args.database_url, workers, protocol, args.port, in_memory=protocol is not None)
            try:
                if protocol is not None:
                    wait_ready(args.port, workers)
                for target, paths in targets.items():
                    if protocol is None and target != "daily papers (API)":
                        continue
                    load(args.port, paths, max(args.connections), 5)  # warm caches (and every worker's model)
                    for connections in args.connections:
                        lat = load(args.port, paths, connections, args.seconds)
                        print(f"| {workers} | {label} | {target} | {connections} | {len(lat) / args.seconds:.0f} | "
                              f"{np.percentile(lat, 50):.1f} | {np.percentile(lat, 95):.1f} | "
                              f"{np.percentile(lat, 99):.1f} |", flush=True)
            finally:
                proc.terminate()
                proc.wait(30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    s = sub.add_parser("search")
    s.add_argument("--pg-url", required=True)
    s.add_argument("--sqlite-url", default="")
    s.add_argument("--limit", type=int, default=0, help="first N queries of each eval file (0: all)")
    s.add_argument("--modes", nargs="+", default=["keyword"], choices=["keyword", "semantic", "hybrid"])
    v = sub.add_parser("serve")
    v.add_argument("--database-url", required=True)
    v.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    v.add_argument("--connections", type=int, nargs="+", default=[1, 8],
                   help="keep-alive client connections, one line each (1: one request at a time)")
    v.add_argument("--modes", nargs="+", default=["keyword", "hybrid"], choices=["keyword", "semantic", "hybrid"])
    v.add_argument("--seconds", type=float, default=10.0)
    v.add_argument("--port", type=int, default=8460)
    args = ap.parse_args()
    if args.what == "search":
        search(args)
    else:
        serve(args)


if __name__ == "__main__":
    main()
