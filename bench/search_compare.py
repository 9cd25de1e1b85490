"""Search quality before and after a ranking change, from one run on one database: `dailypapers eval`'s harness
through `search_papers` (limit 100), once with the previous ranking (round three: exact-form bonus; hybrid re-scores
the keyword top 20 and semantic neighbours only fill in) and once with today's (a descriptive query's keyword top 20
∪ semantic top 20, each scored with its own BM25). Settings (the embedder's model and window) come from the
environment, as for the CLI.

    python bench/search_compare.py --database-url sqlite:////path.db FILE.jsonl [FILE.jsonl ...] [--mode M ...]
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

from dailypapers.config import load_settings
from dailypapers.search import bm25, fusion, search_papers
from dailypapers.search.engine import warm_keyword_index
from dailypapers.search.evaluate import format_table, load_queries, run_eval
from dailypapers.store.db import Database

BEFORE = {"exact_weight": 0.5, "fusion": replace(fusion.DEFAULT, semantic_depth=0)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--database-url", default=os.environ.get("DAILYPAPERS_DATABASE_URL", "sqlite:///dailypapers.db"))
    ap.add_argument("--mode", action="append", choices=["keyword", "semantic", "hybrid"])
    args = ap.parse_args()
    db = Database(load_settings().model_copy(update={"database_url": args.database_url}))
    warm_keyword_index(db, wait=True)
    after = {"exact_weight": bm25.EXACT_WEIGHT, "fusion": fusion.DEFAULT}
    print(f"# search_compare  {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  load {os.getloadavg()[0]:.1f}"
          f"  after: exact_weight {after['exact_weight']}, {after['fusion']}")
    for path in args.files:
        queries = load_queries(path)
        for mode in args.mode or ["keyword", "semantic", "hybrid"]:
            for label, setting in (("before", BEFORE), ("after", after)):
                if mode != "hybrid" and label == "after":
                    continue  # only the hybrid ranking changed
                bm25.EXACT_WEIGHT, fusion.DEFAULT = setting["exact_weight"], setting["fusion"]

                def search(text: str, m: str = mode) -> list[str]:
                    return [h.paper["arxiv_id"] for h in search_papers(db, text, mode=m, limit=100).hits]

                result = run_eval(queries, search)
                label = label if mode == "hybrid" else "unchanged"
                print(format_table(result, f"{os.path.basename(path)}  {mode}  {label}  "
                                           f"(load {os.getloadavg()[0]:.1f})"), flush=True)
        bm25.EXACT_WEIGHT, fusion.DEFAULT = after["exact_weight"], after["fusion"]


if __name__ == "__main__":
    main()
