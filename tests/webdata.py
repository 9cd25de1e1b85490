"""A small hub for web tests: six featured papers over three weeks and two months, with categories."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from dailypapers.ingest.importer import import_files
from dailypapers.store.db import Database
from dailypapers.store.schema import papers
from tests.factories import hf_item, kaggle_line, write_jsonl

# arxiv id -> (list day, imported upvotes, categories)
PAPERS = {
    "2501.00010": ("2025-01-06", 3, "cs.CL"),
    "2501.00011": ("2025-01-08", 9, "cs.CV cs.LG"),
    "2501.00012": ("2025-01-08", 20, "cs.CL cs.AI"),
    "2501.00013": ("2025-01-10", 7, "cs.LG"),
    "2501.00014": ("2025-01-14", 1, "cs.CL"),
    "2502.00015": ("2025-02-03", 4, "cs.CV"),
}
LATEST_DAY = "2025-02-03"


def title(arxiv_id: str) -> str:
    return "Top <b>paper</b>" if arxiv_id == "2501.00012" else f"Paper {arxiv_id}"


def seed(db: Database, tmp_path: Path) -> None:
    hf = []
    for aid, (day, up, _cats) in PAPERS.items():
        extra = {"title": title(aid)}
        if aid == "2501.00011":
            extra["githubRepo"] = "https://github.com/example/eleven"
        item = hf_item(aid, upvotes=up, day=day, **extra)
        item["submittedBy"] = {"fullname": f"Sub {aid[-2:]}", "name": f"user{aid[-2:]}", "type": "user"}
        hf.append(item)
    arxiv = [kaggle_line(aid, title=title(aid), categories=cats) for aid, (_d, _u, cats) in PAPERS.items()]
    arxiv.append(kaggle_line("2501.09999", title="Never featured", categories="cs.CL"))
    import_files(db, [write_jsonl(tmp_path / "arxiv.jsonl", arxiv), write_jsonl(tmp_path / "hf.jsonl", hf)])


def set_counts(db: Database, arxiv_id: str, **values) -> None:
    """Change community counters or visibility the way the community feature would."""
    with db.write() as conn:
        conn.execute(sa.update(papers).where(papers.c.arxiv_id == arxiv_id).values(**values))
