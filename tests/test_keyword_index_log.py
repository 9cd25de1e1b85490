"""The in-memory keyword index fed by the text-change log, on SQLite and PostgreSQL: it catches up with new,
rewritten and deleted papers, never answers from old text, survives PostgreSQL's out-of-order commits, and a process
whose index is not ready answers from the database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dailypapers.config import Settings
from dailypapers.search import bm25, keyword_index, search_papers
from dailypapers.search.keyword_index import KeywordIndex
from dailypapers.store.db import Database
from dailypapers.store.papers import upsert_papers
from dailypapers.store.schema import papers
from tests.conftest import _postgres_database
from tests.test_keyword_index import QUERIES, _corpus, _paper


@pytest.fixture
def corpus(db):
    with db.write() as conn:
        upsert_papers(conn, _corpus())
    return db


def _ids(index: KeywordIndex, conn, words: list[str], limit: int = 500) -> list[int]:
    return [pid for pid, _ in index.current(conn).top(words, limit)]


def _id(conn, arxiv_id: str) -> int:
    return conn.execute(sa.select(papers.c.id).where(papers.c.arxiv_id == arxiv_id)).scalar_one()


def test_catches_up_with_new_rewritten_and_deleted_papers_like_a_fresh_build(corpus):
    index = KeywordIndex(corpus)
    index.build_now()
    with corpus.write() as conn:
        upsert_papers(conn, [_paper(900, "Quokka behaviour", "A study of quokkas.")])
        victim = conn.execute(papers.select().where(papers.c.arxiv_id == "2503.00003")).first()
        conn.execute(papers.update().where(papers.c.id == victim.id).values(abstract="wombat burrows"))
        gone = conn.execute(papers.select().where(papers.c.arxiv_id == "2503.00004")).first()
        conn.execute(papers.delete().where(papers.c.id == gone.id))
        conn.execute(papers.update().where(papers.c.id == victim.id).values(vote_count=3))  # not a text change
    fresh = KeywordIndex(corpus)
    fresh.build_now()
    with corpus.connect() as conn:
        assert _ids(index, conn, ["quokka"], 5) == [_id(conn, "2503.00900")]
        assert _ids(index, conn, ["wombat"], 5) == [victim.id]
        old = [w for w in bm25.words(victim.abstract) if w not in ("the", "of", "a")][:1]
        assert not old or victim.id not in _ids(index, conn, old)
        assert gone.id not in _ids(index, conn, bm25.words(gone.title))
        for text in QUERIES:
            caught_up = index.current(conn).top(bm25.words(text), 500)
            rebuilt = dict(fresh.current(conn).top(bm25.words(text), 500))
            assert {pid for pid, _ in caught_up} == set(rebuilt)
            assert [s for _, s in caught_up] == pytest.approx([rebuilt[p] for p, _ in caught_up], rel=0.01)


def test_search_uses_the_index_and_never_shows_a_changed_papers_old_text(corpus):
    hits = search_papers(corpus, "diffusion", mode="keyword", limit=5).hits
    assert hits
    first = hits[0].paper["id"]
    with corpus.write() as conn:
        conn.execute(papers.update().where(papers.c.id == first).values(title="Capybara", abstract="Rodents."))
    after = search_papers(corpus, "diffusion", mode="keyword", limit=50).hits
    assert first not in {h.paper["id"] for h in after}
    assert [h.paper["id"] for h in search_papers(corpus, "capybara", mode="keyword").hits] == [first]


def test_a_process_whose_index_is_not_ready_answers_from_the_database(corpus, monkeypatch):
    monkeypatch.setattr(keyword_index, "CATCH_UP_LIMIT", 3)  # the 150 papers count as "large": build in background
    fresh = Database(corpus.settings)
    try:
        page = search_papers(fresh, "graph neural networks", mode="keyword", limit=10)
        assert len(page.hits) == 10  # ranked by FTS5 / PostgreSQL while the build runs
        from dailypapers.search.engine import state

        assert state(fresh).keyword_index.wait(30)
        with fresh.write() as conn:
            upsert_papers(conn, [_paper(950 + i, f"Pangolin scales {i}", "Keratin.") for i in range(5)])
        with fresh.connect() as conn:
            assert state(fresh).keyword_index.current(conn) is None  # too many to apply: rebuilding meanwhile
        assert len(search_papers(fresh, "pangolin", mode="keyword").hits) == 5  # the database answers
    finally:
        fresh.dispose()


@pytest.fixture
def pg(postgres_server_url):
    url, drop = _postgres_database(postgres_server_url)
    database = Database(Settings(database_url=url))
    database.upgrade()
    with database.write() as conn:
        upsert_papers(conn, _corpus(20))
    yield database
    database.dispose()
    drop()


def test_postgresql_a_transaction_that_commits_late_is_not_missed(pg):
    """T1 draws its id and log entry first but commits after T2, which the index has already caught up with."""
    index = KeywordIndex(pg)
    index.build_now()
    with pg.engine.connect() as slow:
        t1 = slow.begin()
        upsert_papers(slow, [_paper(800, "Narwhal tusks", "Sensory organs.")])
        with pg.write() as conn:
            upsert_papers(conn, [_paper(801, "Okapi stripes", "Camouflage.")])
        with pg.connect() as conn:
            assert _ids(index, conn, ["okapi"]) == [_id(conn, "2503.00801")]
            assert _ids(index, conn, ["narwhal"]) == []  # not committed yet
        t1.commit()
    with pg.connect() as conn:
        assert _ids(index, conn, ["narwhal"]) == [_id(conn, "2503.00800")]
        assert _id(conn, "2503.00800") < _id(conn, "2503.00801")  # the id came first, the commit last


def test_postgresql_an_index_behind_a_pruned_log_rebuilds_instead_of_missing_changes(pg):
    from dailypapers.store import text_log

    behind = KeywordIndex(pg)
    behind.build_now()
    with pg.write() as conn:
        upsert_papers(conn, [_paper(700, "Tardigrade survival", "Extremes.")])
    with pg.write() as conn:
        assert text_log.prune(conn, keep=0) > 0  # the tardigrade's entry is gone
    current = KeywordIndex(pg)
    current.build_now()  # built after the prune: nothing to miss
    with pg.connect() as conn:
        assert _ids(current, conn, ["tardigrade"]) == [_id(conn, "2503.00700")]
        assert behind.current(conn) is None  # cannot know what it missed: rebuilds, the database answers meanwhile
    assert behind.wait(30)
    with pg.connect() as conn:
        assert _ids(behind, conn, ["tardigrade"]) == [_id(conn, "2503.00700")]
