"""The in-memory BM25 index (search/bm25.py, search/keyword_index.py): without its exact-form bonus it must rank
exactly as SQLite FTS5's bm25() does, and stay in step with the papers table (new, rewritten, deleted, hidden
papers) without ever answering from stale text. Exact-ranking tests run on SQLite (FTS5 is the reference);
tests/test_keyword_index_log.py covers both dialects' change logs."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from dailypapers.config import Settings
from dailypapers.records import PaperRecord
from dailypapers.search import bm25, keyword_index, search_papers
from dailypapers.search.keyword_index import KeywordIndex
from dailypapers.store import search as store
from dailypapers.store.db import Database
from dailypapers.store.papers import upsert_papers
from dailypapers.store.schema import papers
from tests.factories import make_paper

WORDS = ["graph", "graphs", "neural", "networks", "network", "diffusion", "model", "modelling", "video", "images",
         "language", "robot", "robotic", "protein", "attention", "transformer", "speech", "learning", "learned",
         "sparse", "retrieval", "generation", "agent", "planning", "vision", "token", "memory", "Schrödinger",
         "naïve", "the", "of", "a", "x2", "3d"]
QUERIES = ["diffusion model", "graph neural networks", "robots learn planning", "sparse attention memory",
           "language model retrieval generation", "protein", "schrodinger", "naive bayes", "3d", "modelled images",
           "the of a"]
WHEN = datetime(2025, 3, 1, 10)


def _paper(i: int, title: str, abstract: str, author: str = "Ada Lovelace") -> PaperRecord:
    return make_paper(f"2503.{i:05d}", title, abstract, when=WHEN, authors=[author])


def _corpus(n: int = 150, seed: int = 11) -> list[PaperRecord]:
    rng = random.Random(seed)
    return [_paper(i, " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 8))),
                   " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 60))),
                   f"{rng.choice(['Ada', 'Émile', 'Grace'])} {rng.choice(WORDS).title()}") for i in range(n)]


@pytest.fixture
def corpus_db(tmp_path):
    db = Database(Settings(database_url=f"sqlite:///{tmp_path / 'index.db'}"))
    db.upgrade()
    with db.write() as conn:
        upsert_papers(conn, _corpus())
    yield db
    db.dispose()


def test_both_dialects_rank_in_memory_and_healthz_says_so(db):
    """Each server process keeps its own index, on SQLite and on PostgreSQL (fed by the text-change log)."""
    from fastapi.testclient import TestClient

    from dailypapers.web.app import create_app

    with db.write() as conn:
        upsert_papers(conn, _corpus(20))
    with TestClient(create_app(db.settings, db)) as client:
        assert client.get("/search", params={"q": "graph"}).status_code == 200
        status = client.get("/healthz").json()["keyword_index"]
    assert status == "ready"


def _fts(db, words: list[str], limit: int, excluded: list[str] | None = None) -> list[tuple[int, float]]:
    with db.connect() as conn:
        return store.keyword_search(conn, store.KeywordQuery(words=words), store.Filters(excluded=excluded or []),
                                    limit)


def _memory(db, words: list[str], limit: int, excluded: list[str] | None = None) -> list[tuple[int, float]]:
    with db.connect() as conn:
        index = KeywordIndex(db)
        index.build_now()
        return index.current(conn).top(words, limit, excluded or [], exact_weight=0)


def _same(a, b) -> None:
    assert [pid for pid, _ in a] == [pid for pid, _ in b]
    assert [s for _, s in a] == pytest.approx([s for _, s in b], rel=1e-4)


@pytest.mark.parametrize("text", QUERIES)
def test_ranks_exactly_like_fts5_bm25(corpus_db, text):
    words = bm25.words(text)
    memory, fts = _memory(corpus_db, words, 200), _fts(corpus_db, words, 200)
    assert fts, text
    _same(memory, fts)


def test_exclusions_match_every_form_like_fts5(corpus_db):
    memory = _memory(corpus_db, ["model"], 200, excluded=["networks"])
    _same(memory, _fts(corpus_db, ["model"], 200, excluded=["networks"]))
    assert len(memory) < len(_memory(corpus_db, ["model"], 200))


def test_analysis_folds_case_accents_and_stems():
    terms = bm25.Terms()
    assert terms.ids(bm25.words("Learning LEARNED learns")) == [0, 0, 0]
    assert bm25.words("Schrödinger's naïve x_2 3D-CNN") == ["schrodinger", "s", "naive", "x", "2", "3d", "cnn"]
    assert terms.ids(["unknown"], add=False) == []


def test_a_snapshot_never_changes_under_its_readers():
    docs = [bm25.Document(1, "graph networks", "", ""), bm25.Document(2, "protein folding", "", "")]
    first = bm25.Bm25Index.build(docs)
    second = first.with_changes([bm25.Document(3, "graph protein", "", "")], removed=[1])
    assert [pid for pid, _ in first.top(["graph"], 10)] == [1]
    assert [pid for pid, _ in second.top(["graph"], 10)] == [3]
    assert first.size == 2 and second.size == 2


def test_catches_up_with_new_rewritten_and_deleted_papers(corpus_db):
    index = KeywordIndex(corpus_db)
    index.build_now()
    with corpus_db.write() as conn:
        upsert_papers(conn, [_paper(900, "Quokka behaviour", "A study of quokkas.")])
        victim = conn.execute(papers.select().where(papers.c.arxiv_id == "2503.00003")).first()
        conn.execute(papers.update().where(papers.c.id == victim.id).values(abstract="wombat burrows"))
        gone = conn.execute(papers.select().where(papers.c.arxiv_id == "2503.00004")).first()
        conn.execute(papers.delete().where(papers.c.id == gone.id))
    old_words = [w for w in bm25.words(victim.abstract) if w not in ("the", "of", "a")][:1]
    with corpus_db.connect() as conn:
        snapshot = index.current(conn)
        assert [pid for pid, _ in snapshot.top(["quokka"], 5)] == [_id(conn, "2503.00900")]
        assert [pid for pid, _ in snapshot.top(["wombat"], 5)] == [victim.id]
        if old_words:
            assert victim.id not in {pid for pid, _ in snapshot.top(old_words, 500)}
        assert gone.id not in {pid for pid, _ in snapshot.top(bm25.words(gone.title), 500)}
        for text in QUERIES:
            # Scores stay within 1% of FTS5's on the changed table (the average length is fixed at the last full
            # build and a removed paper still counts in document frequencies until the next one).
            fts = dict(_fts(corpus_db, bm25.words(text), 500))
            memory = snapshot.top(bm25.words(text), 500, exact_weight=0)
            assert {pid for pid, _ in memory} == set(fts)
            assert [s for _, s in memory] == pytest.approx([fts[pid] for pid, _ in memory], rel=0.01)


def _id(conn, arxiv_id: str) -> int:
    return conn.execute(papers.select().where(papers.c.arxiv_id == arxiv_id)).first().id


def test_a_reused_rowid_is_picked_up(corpus_db):
    """SQLite hands the highest rowid out again once its paper is deleted: the change log must cover it."""
    index = KeywordIndex(corpus_db)
    index.build_now()
    with corpus_db.write() as conn:
        top = conn.execute(papers.select().order_by(papers.c.id.desc())).first()
        conn.execute(papers.delete().where(papers.c.id == top.id))
    with corpus_db.connect() as conn:
        assert top.id not in {pid for pid, _ in index.current(conn).top(bm25.words(top.title), 500)}
    with corpus_db.write() as conn:
        upsert_papers(conn, [_paper(901, "Axolotl regeneration", "Limbs regrow.")])
        assert _id(conn, "2503.00901") == top.id
    with corpus_db.connect() as conn:
        assert [pid for pid, _ in index.current(conn).top(["axolotl"], 5)] == [top.id]


def test_a_large_change_rebuilds_in_the_background_and_fts5_answers_meanwhile(corpus_db, monkeypatch):
    monkeypatch.setattr(keyword_index, "CATCH_UP_LIMIT", 3)
    index = KeywordIndex(corpus_db)
    index.build_now()
    with corpus_db.write() as conn:
        upsert_papers(conn, [_paper(950 + i, f"Pangolin scales {i}", "Keratin.") for i in range(5)])
    with corpus_db.connect() as conn:
        assert index.current(conn) is None  # too many to apply before a query: a rebuild started
    assert index.wait(30)
    with corpus_db.connect() as conn:
        assert len(index.current(conn).top(["pangolin"], 10)) == 5


def test_search_never_shows_hidden_papers_and_fills_the_page(corpus_db):
    first = search_papers(corpus_db, "diffusion model", mode="keyword", limit=10)
    hidden = [h.paper["id"] for h in first.hits[:3]]
    with corpus_db.write() as conn:
        conn.execute(papers.update().where(papers.c.id.in_(hidden)).values(hidden=True))
    after = search_papers(corpus_db, "diffusion model", mode="keyword", limit=10)
    assert not set(hidden) & {h.paper["id"] for h in after.hits}
    assert [h.paper["id"] for h in after.hits[:7]] == [h.paper["id"] for h in first.hits[3:]]
    assert len(after.hits) == 10


def test_highlights_mark_the_words_that_matched_by_stem_and_skip_stopwords():
    from dailypapers.search.highlight import highlights

    paper = {"title": "Learning the Graphs of Naïve Models", "abstract": "We learned graph models. " * 40,
             "authors_text": "Ada Lovelace"}
    hl = highlights(paper, ["learns", "graph", "naive"])
    assert hl["title"] == "<mark>Learning</mark> the <mark>Graphs</mark> of <mark>Naïve</mark> Models"
    assert "<mark>learned</mark> <mark>graph</mark> models" in hl["abstract"] and len(hl["abstract"]) < 600
    assert highlights({"title": "x_learning <b>learning</b>"}, ["learn"])["title"] == (
        "x_<mark>learning</mark> &lt;b&gt;<mark>learning</mark>&lt;/b&gt;")


def test_search_highlights_skip_stopwords(corpus_db):
    hits = search_papers(corpus_db, "the diffusion of a model", mode="keyword", limit=50).hits
    assert any("<mark>" in h.highlights["title"] for h in hits)
    assert not any("<mark>the</mark>" in h.highlights["title"].lower() or "<mark>of</mark>" in h.highlights["title"]
                   for h in hits)
