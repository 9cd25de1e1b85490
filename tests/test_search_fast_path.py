"""Keyword search ranks in the FTS5 table alone when no filter restricts it (the fast path): the results must be
exactly those of the joined query, and hidden, deleted or rewritten papers must never come back. Both backends (on
PostgreSQL the fast path does not exist and the same assertions hold for its one query)."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest

from dailypapers.records import PaperRecord
from dailypapers.search import search_papers
from dailypapers.store import search as store
from dailypapers.store.papers import upsert_papers
from dailypapers.store.schema import papers
from tests.factories import make_paper

WORDS = ["graph", "neural", "network", "diffusion", "model", "video", "image", "language", "robot", "protein",
         "attention", "transformer", "speech", "learning", "reinforcement", "sparse", "dense", "retrieval",
         "generation", "agent", "planning", "vision", "token", "memory"]
QUERIES = ["diffusion model", "graph neural network", "robot learning agent", "sparse attention memory transformer",
           "language model retrieval generation", "protein", "vision token", "speech"]
ALL_TIME = store.Filters(since=date(1900, 1, 1))  # restricts nothing, but forces the joined query


def _corpus(n: int = 120, seed: int = 7) -> list[PaperRecord]:
    rng = random.Random(seed)
    when = datetime(2025, 3, 1, 10)
    out = []
    for i in range(n):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
        abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 40)))
        out.append(make_paper(f"2503.{i:05d}", title, abstract, when=when, authors=[f"Author {rng.choice(WORDS)}"]))
    return out


@pytest.fixture
def big(db):
    with db.write() as conn:
        upsert_papers(conn, _corpus())
    return db


def _both(db, text: str, limit: int) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    with db.connect() as conn:
        query = store.KeywordQuery(words=text.split())
        return (store.keyword_search(conn, query, store.Filters(), limit),
                store.keyword_search(conn, query, ALL_TIME, limit))


def _same(a: list[tuple[int, float]], b: list[tuple[int, float]]) -> None:
    assert [pid for pid, _ in a] == [pid for pid, _ in b]
    assert [s for _, s in a] == pytest.approx([s for _, s in b])


@pytest.mark.parametrize("limit", [1, 5, 100])
def test_fast_path_ranks_exactly_like_the_joined_query(big, limit):
    for text in QUERIES:
        fast, joined = _both(big, text, limit)
        assert fast, text
        _same(fast, joined)


def test_hidden_winner_falls_back_to_the_exact_order(big):
    before, _ = _both(big, "diffusion model", 11)
    top = before[0][0]
    with big.write() as conn:
        conn.execute(papers.update().where(papers.c.id == top).values(hidden=True))
    fast, joined = _both(big, "diffusion model", 10)
    _same(fast, joined)
    assert [pid for pid, _ in fast] == [pid for pid, _ in before[1:]]
    page = search_papers(big, "diffusion model", mode="keyword", limit=10)
    assert top not in {h.paper["id"] for h in page.hits}


def test_deleted_and_rewritten_papers_never_return(big):
    fast, _ = _both(big, "protein", 5)
    gone, rewritten = fast[0][0], fast[1][0]
    with big.write() as conn:
        conn.execute(papers.delete().where(papers.c.id == gone))
        conn.execute(papers.update().where(papers.c.id == rewritten).values(
            title="nothing relevant", abstract="an unrelated abstract about cooking"))
    fast2, joined2 = _both(big, "protein", 100)
    _same(fast2, joined2)
    assert not {gone, rewritten} & {pid for pid, _ in fast2}
    page = search_papers(big, "protein", mode="keyword", limit=100)
    assert not {gone, rewritten} & {h.paper["id"] for h in page.hits}
    assert page.hits
