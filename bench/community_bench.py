"""Community figures: argon2id cost per login, and concurrent upvotes over HTTP on a real server (SQLite).

Baseline in the same run: GET /healthz through the same server and client threads, so the upvote numbers can be
read as "server + write transaction" over "server alone".

    .venv/bin/python bench/community_bench.py [--votes 1000] [--threads 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.community_support import add_paper, make_user  # noqa: E402
from tests.webserver import running  # noqa: E402

from dailypapers.community import accounts, passwords  # noqa: E402
from dailypapers.config import Settings  # noqa: E402
from dailypapers.store.db import Database  # noqa: E402
from dailypapers.web.app import create_app  # noqa: E402


def _fire(url: str, method: str, jobs: list[tuple[str, dict]], threads: int) -> tuple[float, list[float], int]:
    local = threading.local()

    def one(job):
        path, headers = job
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(timeout=60)
        start = time.perf_counter()
        r = client.request(method, url + path, headers=headers)
        return time.perf_counter() - start, r.status_code

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, jobs))
    wall = time.perf_counter() - start
    errors = sum(1 for _, code in results if code != 200)
    return wall, sorted(t for t, _ in results), errors


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--votes", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=50)
    args = ap.parse_args()

    times = []
    for _ in range(10):
        start = time.perf_counter()
        passwords.hash_password("correct horse battery staple")
        times.append(time.perf_counter() - start)
    print(f"argon2id hash (19 MiB, t=2, p=1): median {statistics.median(times) * 1000:.1f} ms")

    folder = tempfile.mkdtemp(prefix="dp-bench-")
    settings = Settings(database_url=f"sqlite:///{folder}/bench.db", rate_vote="100000/minute", log_level="WARNING")
    db = Database(settings)
    db.upgrade()
    papers = [f"2611.{i:05d}" for i in range(20)]
    for arxiv_id in papers:
        add_paper(db, arxiv_id)
    users = [make_user(db, f"bench{i:03d}") for i in range(args.votes // len(papers) + 1)]
    tokens = [accounts.create_api_token(db, u["id"], "bench") for u in users]
    jobs = [(f"/api/papers/{papers[i % len(papers)]}/upvote", {"Authorization": f"Bearer {tokens[i // len(papers)]}"})
            for i in range(args.votes)]
    with running(create_app(settings, db=db)) as url:
        base_wall, base_lat, base_err = _fire(url, "GET", [("/healthz", {})] * args.votes, args.threads)
        wall, lat, err = _fire(url, "POST", jobs, args.threads)
    with db.connect() as conn:
        total = conn.exec_driver_sql("SELECT SUM(vote_count) FROM papers").scalar()
        rows = conn.exec_driver_sql("SELECT COUNT(*) FROM votes").scalar()

    def fmt(name, w, latency, errors):
        p50, p95 = latency[len(latency) // 2], latency[int(len(latency) * 0.95)]
        print(f"{name}: {len(latency) / w:.0f} req/s, p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
              f"errors {errors}")

    fmt(f"baseline GET /healthz x{args.votes} ({args.threads} threads)", base_wall, base_lat, base_err)
    fmt(f"POST upvote x{args.votes} ({args.threads} threads, SQLite)", wall, lat, err)
    print(f"counters {total} == rows {rows} == requests {args.votes}: {total == rows == args.votes}")
    db.dispose()


if __name__ == "__main__":
    main()
