"""How much of arXiv's 3 s request spacing one harvested OAI-PMH page costs us to parse and store.

Uses the real 387-record `arXivRaw` ListRecords page from ../shared. Prints per-page milliseconds for parsing,
storing into a fresh database (all new), storing again (all unchanged), and the RSS parse, next to the baseline
the harvest cannot beat: the 3000 ms arXiv asks between requests.

    .venv/bin/python bench/harvest_bench.py [--backend sqlite|postgresql-url] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from dailypapers.config import ARXIV_MIN_SPACING_S as MIN_SPACING_S
from dailypapers.config import Settings
from dailypapers.sources.oai_pmh import parse_list_records
from dailypapers.sources.rss import parse_feed
from dailypapers.store.db import Database
from dailypapers.store.papers import upsert_papers

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DAILYPAPERS_SHARED_DIR", ROOT.parent / "shared"))


def timed(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    page_text = (SHARED / "fixtures" / "arxiv" / "oai_pmh" / "listrecords_arXivRaw_page.xml").read_text()
    rss_text = (ROOT / "tests" / "fixtures" / "rss" / "announce_2026-07-01.xml").read_text()
    page = parse_list_records(page_text, "bench")
    papers = [r.paper for r in page.records if r.paper]
    parse_ms = timed(lambda: parse_list_records(page_text, "bench"), args.repeat)
    rss_ms = timed(lambda: parse_feed(rss_text, "bench"), args.repeat)
    new_ms, same_ms = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            url = args.database_url or f"sqlite:///{tmp}/bench{i}.db"
            db = Database(Settings(database_url=url))
            db.upgrade()
            start = time.perf_counter()
            with db.write() as conn:
                upsert_papers(conn, papers)
            new_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            with db.write() as conn:
                upsert_papers(conn, papers)
            same_ms.append((time.perf_counter() - start) * 1000)
            db.dispose()
            if args.database_url:
                break
    store_new, store_same = statistics.median(new_ms), statistics.median(same_ms)
    budget = MIN_SPACING_S * 1000
    print(f"page: {len(page.records)} OAI-PMH records ({len(page_text) / 1e6:.1f} MB arXivRaw)")
    print(f"baseline, arXiv's spacing between requests: {budget:.0f} ms")
    print(f"parse page:                 {parse_ms:7.1f} ms")
    print(f"store page, all new:        {store_new:7.1f} ms")
    print(f"store page, all unchanged:  {store_same:7.1f} ms")
    print(f"parse RSS (6 items):        {rss_ms:7.2f} ms")
    total = parse_ms + store_new
    print(f"parse + store: {total:.0f} ms per page = {100 * total / budget:.0f}% of the spacing; "
          f"{len(page.records) / (total / 1000):.0f} records/s before the network")


if __name__ == "__main__":
    main()
