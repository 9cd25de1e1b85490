"""Web throughput and latency on the 80k-paper database: the daily page, `/api/daily_papers` and the search page.

Starts `uvicorn` (N worker processes) on 127.0.0.1 against a database holding both shared data files, and loads it
with `wrk` (Debian package `wrk`) at a fixed number of connections; a Lua script reports p50/p95/p99. The same run
measures a baseline with the rendered-page cache switched off (`page_cache_entries = 0`), so the figures compare
like with like on this (shared) machine.

    .venv/bin/python bench/web_bench.py                      # builds bench/out/web.db on first use
    .venv/bin/python bench/web_bench.py --db sqlite:////tmp/web.db --duration 15 --connections 50

Targets (issue 5): daily page and /api/daily_papers >= 500 req/s with p99 <= 100 ms at 50 connections; search page
p95 <= 60 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DAILYPAPERS_SHARED_DIR", ROOT.parent / "shared"))
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent

LUA = """
paths = {%(paths)s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "JSON {\\"requests\\":%%d,\\"duration_us\\":%%d,\\"errors\\":%%d,\\"bad_status\\":%%d," ..
    "\\"p50\\":%%d,\\"p95\\":%%d,\\"p99\\":%%d,\\"max\\":%%d}\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def ensure_database(url: str) -> None:
    env = {**os.environ, "DAILYPAPERS_DATABASE_URL": url, "DAILYPAPERS_INDEX_ON_SERVE": "false"}
    count = subprocess.run(
        [str(BIN / "python"), "-c",
         "from dailypapers.config import load_settings; from dailypapers.store.db import Database; "
         "from dailypapers.store.papers import count_papers; db = Database(load_settings()); db.upgrade(); "
         "print(count_papers(db.engine.connect()))"],
        env=env, capture_output=True, text=True, check=True).stdout.split()[-1]
    if int(count) == 0:
        files = [SHARED / "data" / "arxiv_2025_2026.jsonl.gz", SHARED / "data" / "hf_daily_papers.jsonl.gz"]
        print(f"importing {', '.join(f.name for f in files)} into {url} ...", flush=True)
        subprocess.run([str(BIN / "dailypapers"), "import", *map(str, files)], env=env, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, workers: int, cache_entries: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DAILYPAPERS_DATABASE_URL": url, "DAILYPAPERS_PAGE_CACHE_ENTRIES": str(cache_entries),
           "DAILYPAPERS_INDEX_ON_SERVE": "false", "DAILYPAPERS_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
        [str(BIN / "uvicorn"), "--factory", "dailypapers.web.app:create_app", "--host", "127.0.0.1", "--port",
         str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:]}") from None
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("server did not start in 120 s")
    # The first search starts the in-memory keyword index; measure once it is ready (as a running server is).
    urllib.request.urlopen(base + "/search?q=warm+up", timeout=60).read()
    while time.monotonic() < deadline + 120:
        if json.loads(urllib.request.urlopen(base + "/healthz", timeout=2).read())["keyword_index"] != "building":
            return proc, base
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("the keyword index was not ready in 240 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


def wrk(base: str, paths: list[str], connections: int, duration: int, threads: int = 2) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)})
        script = f.name
    try:
        for path in paths[:3]:  # warm up: templates compiled, caches filled, connections open
            urllib.request.urlopen(base + path, timeout=30).read()
        out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout",
                              "10s", "-s", script, base], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script)
    line = next(x for x in out.splitlines() if x.startswith("JSON "))
    r = json.loads(line[5:])
    return {"rps": r["requests"] / (r["duration_us"] / 1e6), "p50_ms": r["p50"] / 1000, "p95_ms": r["p95"] / 1000,
            "p99_ms": r["p99"] / 1000, "errors": r["errors"] + r["bad_status"], "requests": r["requests"]}


def latest_day(base: str) -> str:
    items = json.loads(urllib.request.urlopen(base + "/api/daily_papers?limit=1", timeout=30).read())
    return items[0]["dailypapers"]["dailyDate"]


def search_paths(n: int, mode: str | None) -> list[str]:
    lines = (SHARED / "eval" / "dev_queries.jsonl").read_text(encoding="utf-8").splitlines()
    queries = [json.loads(x)["query"] for x in lines[:n]]
    return ["/search?" + urlencode({"q": q, **({"mode": mode} if mode else {})}) for q in queries]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=f"sqlite:///{OUT / 'web.db'}", help="database URL (imported on first use)")
    ap.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--search-connections", type=int, default=4)
    # One process: uvicorn's --workers mode answered small responses ~40 ms late here (Nagle meets delayed ACK).
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--no-baseline", action="store_true", help="skip the run with the page cache switched off")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    ensure_database(args.db)
    runs = [("cache on", 512)] + ([] if args.no_baseline else [("cache off (baseline)", 0)])
    results = []
    for label, cache in runs:
        proc, base = start_server(args.db, args.workers, cache)
        try:
            day = latest_day(base)
            targets = [
                ("daily page /", ["/"], args.connections),
                (f"daily page /papers/date/{day}", [f"/papers/date/{day}"], args.connections),
                ("/api/daily_papers", ["/api/daily_papers"], args.connections),
                (f"/api/daily_papers?date={day}", [f"/api/daily_papers?date={day}"], args.connections),
                ("search page (200 queries, default mode)", search_paths(200, None), args.search_connections),
                ("search page (200 queries, keyword)", search_paths(200, "keyword"), args.search_connections),
                ("search page (one query, repeated)", search_paths(1, None), args.connections),
            ]
            for name, paths, conns in targets:
                r = wrk(base, paths, conns, args.duration)
                results.append({"run": label, "target": name, "connections": conns, **r})
                print(f"{label:22} {name:45} c={conns:<3} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.1f} ms  "
                      f"p95 {r['p95_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  errors {r['errors']}", flush=True)
        finally:
            stop_server(proc)
    (OUT / "web_bench.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
