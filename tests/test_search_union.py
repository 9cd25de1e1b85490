"""Recall beyond the keyword head (issue 16, item 2): hybrid search re-ranked only the best 20 keyword matches, so a
paper the keywords rank 21st or lower could never come back, whatever its meaning. A descriptive query now also
takes the nearest semantic neighbours as candidates, each scored with its own BM25."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from dailypapers.records import PaperRecord
from dailypapers.search import bm25, fusion, search_papers
from dailypapers.search.indexer import index_missing
from dailypapers.store import vectors as vector_store
from dailypapers.store.papers import upsert_papers

WHEN = datetime(2025, 3, 1, 10)
TARGET = "2503.00999"
# A paper that says what the query means in other words. It shares only "ask language models" with the query, as
# every paper of the crowd below does, and being longer it ranks below all of them on BM25.
TARGET_PAPER = ("QueryBandits: Rewriting Prompts with Contextual Bandits to Reduce Hallucination",
                "A contextual bandit picks how to rewrite each prompt before we ask language models, learning "
                "from linguistic features which rewrite lowers the rate at which language models fabricate answers.")
QUERY = "rewording what people ask language models, chosen by trial and error, to stop them inventing facts"
SHORT_QUERY = "large language models"


def _paper(arxiv_id: str, title: str, abstract: str) -> PaperRecord:
    return PaperRecord(arxiv_id=arxiv_id, title=title, abstract=abstract, version=1, authors=["Ada Lovelace"],
                       categories=["cs.CL"], published_at=WHEN, updated_at=WHEN)


def _elsewhere(n: int) -> PaperRecord:
    """Papers without the query's words, so that those words are rare enough to count (BM25 gives words in over
    half the papers next to no weight)."""
    return _paper(f"2503.{100 + n:05d}", f"Sparse Solvers for Fluid Simulation {n}",
                  "Multigrid preconditioners speed up incompressible flow solvers on unstructured meshes.")


def _crowd(n: int) -> PaperRecord:
    """A short paper about something else with the same query words: 30 of them fill the keyword head."""
    topics = ["protein folding", "crop yields", "traffic forecasting", "music tagging", "ocean currents"]
    topic = topics[n % len(topics)]
    return _paper(f"2503.{n:05d}", f"{topic.title()} Records {n}",
                  f"We ask language models to label {topic} records; language models match classical {topic} "
                  f"tools.")


@pytest.fixture
def crowded(db):
    with db.write() as conn:
        upsert_papers(conn, [*(_crowd(n) for n in range(30)), *(_elsewhere(n) for n in range(40)),
                             _paper(TARGET, *TARGET_PAPER)])
    assert index_missing(db).remaining == 0
    return db


def _rank(db, query: str) -> int:
    arxiv_ids = [h.paper["arxiv_id"] for h in search_papers(db, query, mode="hybrid", limit=50).hits]
    return arxiv_ids.index(TARGET) + 1


def _keyword_rank(db, query: str) -> int:
    arxiv_ids = [h.paper["arxiv_id"] for h in search_papers(db, query, mode="keyword", limit=50).hits]
    return arxiv_ids.index(TARGET) + 1


def test_a_descriptive_query_finds_the_paper_its_keywords_rank_below_the_head(crowded, monkeypatch):
    assert _keyword_rank(crowded, QUERY) > fusion.DEFAULT.keyword_depth  # out of the re-ranked head
    assert _rank(crowded, QUERY) == 1
    monkeypatch.setattr(fusion, "DEFAULT", replace(fusion.DEFAULT, semantic_depth=0))
    assert _rank(crowded, QUERY) > fusion.DEFAULT.keyword_depth  # before: re-ranking the head could not reach it


def test_a_neighbour_enters_the_mix_with_its_own_bm25(crowded, monkeypatch):
    """With a BM25 of 0 a neighbour only beats keyword candidates whose cosine is far lower than its own."""
    real = bm25.Ranking.score_of
    monkeypatch.setattr(bm25.Ranking, "score_of", lambda self, ids: dict.fromkeys(real(self, ids), 0.0))
    assert _rank(crowded, QUERY) > 1


def test_a_few_keywords_keep_the_papers_that_have_them_first(crowded):
    """Three words name what is wanted: every paper holding them ranks above the neighbours that do not."""
    arxiv_ids = [h.paper["arxiv_id"] for h in search_papers(crowded, SHORT_QUERY, mode="hybrid", limit=50).hits]
    assert arxiv_ids.index(TARGET) + 1 == _keyword_rank(crowded, SHORT_QUERY)


def test_the_union_is_skipped_where_the_in_memory_scan_would_cost_more_than_the_search(crowded, monkeypatch):
    monkeypatch.setattr(fusion, "DEFAULT", replace(fusion.DEFAULT, union_scan_limit=10))
    with crowded.connect() as conn:
        pgvector = vector_store.uses_pgvector(conn)
    if pgvector:  # pgvector's HNSW index finds neighbours without scanning every vector: no limit there
        assert _rank(crowded, QUERY) == 1
    else:
        assert _rank(crowded, QUERY) > fusion.DEFAULT.keyword_depth
