"""Exact word forms beat conflated stems (issue 16, item 1): Porter folds "regularization" into "regular", so a
paper about ω-regular objectives matched `regularization constraints` as well as a paper about regularization did,
and being shorter it ranked first. Keyword search adds a bonus for the query's own word forms."""

from __future__ import annotations

from datetime import datetime

import pytest

from dailypapers.config import Settings
from dailypapers.records import PaperRecord
from dailypapers.search import bm25, search_papers
from dailypapers.store.db import Database
from dailypapers.store.papers import upsert_papers

WHEN = datetime(2025, 3, 1, 10)
FILLER = ("We evaluate the method on several benchmarks and compare it with strong baselines across settings, "
          "reporting accuracy, robustness and cost. ")

# (query form, a word Porter folds into the same stem, the other query word)
PAIRS = [
    ("regularization", "regular", "constraints"),
    ("generalization", "general", "agents"),
    ("normalization", "normal", "layers"),
    ("organization", "organ", "segmentation"),
    ("conditioning", "conditions", "diffusion"),
    ("university", "universe", "rankings"),
]


def _docs(exact: str, conflated: str, other: str) -> tuple[bm25.Document, bm25.Document]:
    """Two papers with both query words in the title, one through the conflated form: on stems alone the shorter,
    conflated one wins."""
    stem_only = bm25.Document(1, f"{conflated.title()} objectives and {other}", FILLER, "Ada Lovelace")
    exact_form = bm25.Document(2, f"{exact.title()} under {other}", FILLER * 2, "Grace Hopper")
    return stem_only, exact_form


@pytest.mark.parametrize(("exact", "conflated", "other"), PAIRS)
def test_the_query_own_word_form_outranks_a_conflated_stem(exact, conflated, other):
    assert bm25.stems([exact]) == bm25.stems([conflated])  # the pair really is conflated by Porter
    stem_only, exact_form = _docs(exact, conflated, other)
    filler = [bm25.Document(10 + i, f"Unrelated work {i}", FILLER, "Alan Turing") for i in range(20)]
    index = bm25.Bm25Index.build([stem_only, exact_form, *filler])
    query = [exact, other]
    assert [pid for pid, _ in index.top(query, 2, exact_weight=0)] == [1, 2]  # stems alone: the conflated first
    assert [pid for pid, _ in index.top(query, 2)] == [2, 1]
    # the conflated paper is still found (stemming keeps its recall), and a query in its own form ranks it first
    assert [pid for pid, _ in index.top([conflated, other], 2)] == [1, 2]


def _paper(n: int, title: str, abstract: str) -> PaperRecord:
    return PaperRecord(arxiv_id=f"2503.{n:05d}", title=title, abstract=abstract, version=1, authors=["Ada Lovelace"],
                       categories=["cs.LG"], published_at=WHEN, updated_at=WHEN)


@pytest.fixture
def seed_db(tmp_path):
    db = Database(Settings(database_url=f"sqlite:///{tmp_path / 'seed.db'}"))
    db.upgrade()
    with db.write() as conn:
        upsert_papers(conn, [
            _paper(1, "Reinforcement Learning with $ω$-Regular Objectives and Constraints",
                   "Objectives given as automata, for agents in Markov decision processes."),
            _paper(2, "Exact Regular-Constrained Variable-Order Markov Generation",
                   "Generating sequences that satisfy regular constraints exactly."),
            _paper(3, "Implicit regularization and norm constraints in gradient descent",
                   "We show how overparameterized networks behave under gradient descent. " + FILLER),
            *[_paper(10 + i, f"Unrelated paper {i}", FILLER) for i in range(20)],
        ])
    yield db
    db.dispose()


def test_the_seed_page_query_puts_the_regularization_paper_first(seed_db):
    """The query of the page this product copies, through keyword search on SQLite (the in-memory index)."""
    page = search_papers(seed_db, "regularization constraints", mode="keyword", limit=3)
    assert [h.paper["arxiv_id"] for h in page.hits][0] == "2503.00003"
    assert {h.paper["arxiv_id"] for h in page.hits} == {"2503.00001", "2503.00002", "2503.00003"}
