"""A hub that looks like a real morning: one day of real Hugging Face daily papers (from ../shared), a math title,
140 more papers about graphs (so a search runs past 100 results), a commented and upvoted paper, and accounts."""

from __future__ import annotations

import gzip
import json
from itertools import islice
from pathlib import Path

from dailypapers.community import comments as comment_logic
from dailypapers.community import votes
from dailypapers.config import Settings
from dailypapers.ingest.importer import import_files
from dailypapers.store.db import Database
from dailypapers.store.submissions import paper_by_arxiv_id
from tests.community_support import make_user
from tests.factories import hf_item, kaggle_line, write_jsonl

DAY = "2025-06-13"
MATH_ID = "2506.99001"
MATH_TITLE = r"$\alpha$-Flow: Attention in $O(n \log n)$ with $\frac{1}{"
MATH_ABSTRACT = r"We bound the error by $\epsilon^2$ and publish code at https://example.org/flow."
COMMENTED_ID = "2506.99002"
GRAPH_PAPERS = 140


def _real_items(shared: Path, n: int) -> list[dict]:
    """`n` real daily-paper items (titles, author lists and abstracts as they come), all moved onto DAY."""
    with gzip.open(shared / "data" / "hf_daily_papers.jsonl.gz", "rt", encoding="utf-8") as f:
        items = [json.loads(line) for line in islice(f, n)]
    for item in items:
        item["publishedAt"] = f"{DAY}T08:00:00.000Z"
        item["paper"]["submittedOnDailyAt"] = f"{DAY}T08:00:00.000Z"
    return items


def seed_hub(db: Database, settings: Settings, tmp: Path, shared: Path) -> dict:
    hf = _real_items(shared, 28)
    hf.append(hf_item(MATH_ID, upvotes=5, day=DAY, title=MATH_TITLE, summary=MATH_ABSTRACT))
    hf.append(hf_item(COMMENTED_ID, upvotes=2, day=DAY, title="A paper people talk about"))
    arxiv = [kaggle_line(MATH_ID, title=MATH_TITLE, categories="cs.LG 68T07", abstract=MATH_ABSTRACT),
             kaggle_line(COMMENTED_ID, title="A paper people talk about", categories="cs.CL I.2.7;")]
    arxiv += [kaggle_line(f"2506.{98000 + i}", title=f"Graph study {i}", categories="cs.LG",
                          abstract=f"Graph networks, part {i}.") for i in range(GRAPH_PAPERS)]
    import_files(db, [write_jsonl(tmp / "arxiv.jsonl", arxiv), write_jsonl(tmp / "hf.jsonl", hf)])

    alice, bob = make_user(db, "alice"), make_user(db, "bob")
    make_user(db, "root", role="admin")
    with db.connect() as conn:
        commented = paper_by_arxiv_id(conn, COMMENTED_ID)
        math = paper_by_arxiv_id(conn, MATH_ID)
    top = comment_logic.post(db, commented["id"], alice, "## A heading\n\nDoes this hold for https://example.org/data?")
    comment_logic.post(db, commented["id"], bob, "It does, see section 3.", top)
    votes.change(db, settings, alice, commented["id"], "add", "127.0.0.1")
    return {"commented": commented, "math": math}
