"""Trending: the one place that decides how votes, comments and age combine into a rank.

The formula (also in the README, "Trending"), in the spirit of Hacker News and lobste.rs:

    votes    = papers.imported_upvotes + papers.vote_count
    comments = papers.imported_comments + papers.comment_count
    points   = votes + COMMENT_WEIGHT * comments
    score    = points / (age_hours + AGE_OFFSET_HOURS) ** GRAVITY

`age_hours` runs from the moment the paper went on a daily list (`daily_entries.submitted_at`) to now, never
negative. A fresh paper with a few votes beats an old one with many; the offset keeps a paper's first hour from
dividing by zero and lets a paper's first votes count. Ties break on more votes, then the newer arXiv id, so the
order is total and stable.

Every ranking function returns the same shape as the search layer: `(ids, scores)`, two lists in rank order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

GRAVITY = 1.8
AGE_OFFSET_HOURS = 2.0
COMMENT_WEIGHT = 0.5


def trending_score(votes: int, comments: int, age_hours: float) -> float:
    """The trending score of one paper (see the module docstring for the formula)."""
    points = max(votes, 0) + COMMENT_WEIGHT * max(comments, 0)
    return points / (max(age_hours, 0.0) + AGE_OFFSET_HOURS) ** GRAVITY


def age_hours(submitted_at: datetime | None, now: datetime) -> float:
    """Hours from `submitted_at` to `now` (both naive UTC); a missing time counts as very old (one year)."""
    if submitted_at is None:
        return 24.0 * 365
    return max((now - submitted_at).total_seconds() / 3600.0, 0.0)


def paper_votes(row: Mapping) -> int:
    return int(row.get("imported_upvotes") or 0) + int(row.get("vote_count") or 0)


def paper_comments(row: Mapping) -> int:
    return int(row.get("imported_comments") or 0) + int(row.get("comment_count") or 0)


def rank_trending(rows: Iterable[Mapping], now: datetime) -> tuple[list[int], list[float]]:
    """Rank paper rows (with `id`, `arxiv_id`, the four counters and `submitted_at`) by trending score."""
    scored = []
    for row in rows:
        votes = paper_votes(row)
        score = trending_score(votes, paper_comments(row), age_hours(row.get("submitted_at"), now))
        scored.append((score, votes, row["arxiv_id"], row["id"]))
    scored.sort(key=lambda t: (-t[0], -t[1], _desc_key(t[2])))
    return [t[3] for t in scored], [t[0] for t in scored]


def _desc_key(arxiv_id: str) -> tuple:
    # Sorting ascending on negated code points gives a descending string order inside a tuple sort.
    # The trailing 1 sorts a prefix after its longer extensions ("2501.1" after "2501.12").
    return (*(-ord(c) for c in arxiv_id), 1)
