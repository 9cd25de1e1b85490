"""Search on both backends: keyword, semantic and hybrid modes, syntax, filters, sorts, paging, robustness."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from dailypapers.config import Settings
from dailypapers.records import PaperRecord
from dailypapers.search import search_papers, similar_papers
from dailypapers.search.indexer import index_missing
from dailypapers.store import vectors as vector_store
from dailypapers.store.papers import upsert_papers
from dailypapers.store.schema import papers
from tests.factories import make_paper

CORPUS = [
    ("2501.00001", "Graph Neural Networks for Molecule Property Prediction",
     "We train message passing graph neural networks to predict chemical properties of molecules.",
     ["Ada Lovelace", "Alan Turing"], ["cs.LG", "q-bio.QM"], "2025-01-06", 3),
    ("2501.00002", "Diffusion Models for Video Generation",
     "A latent diffusion model that generates high resolution video clips from text prompts.",
     ["Grace Hopper"], ["cs.CV"], "2025-02-10", 50),
    ("2501.00003", "Diffusion Models for Image Super-Resolution",
     "Denoising diffusion model upscales low resolution photographs into sharp images.",
     ["Katherine Johnson"], ["cs.CV"], "2025-03-12", 9),
    ("2501.00004", "Contextual Bandits Reduce Hallucination in Language Models",
     "Choosing how to rewrite a prompt with a contextual bandit lowers the rate of fabricated answers.",
     ["Geoffrey Hinton", "Yoshua Bengio"], ["cs.CL"], "2025-04-01", 20),
    ("2501.00005", "Speech Recognition with Transformers",
     "An end-to-end transformer transcribes spoken audio into text for many languages.",
     ["Claude Shannon"], ["cs.CL", "eess.AS"], "2025-05-20", 1),
    ("2501.00006", "Reinforcement Learning for Robot Grasping",
     "A robot arm learns to pick up unfamiliar objects through trial and error in simulation.",
     ["Barbara Liskov"], ["cs.RO"], "2025-06-02", 7),
    ("2501.00007", "Protein Structure Prediction at Scale",
     "Folding amino acid sequences into three dimensional protein structures with deep networks.",
     ["Ada Lovelace"], ["q-bio.BM"], "2025-07-15", 30),
    ("2501.00008", "Efficient Attention for Long Documents",
     "Sparse attention lets transformers read very long documents with linear memory.",
     ["Donald Knuth"], ["cs.CL"], "2025-08-30", 4),
]
MODEL = f"minilm-q8@{Settings().embedding_max_tokens}"  # the default model's vectors


def _record(arxiv_id, title, abstract, authors, cats, day, upvotes) -> PaperRecord:
    return make_paper(arxiv_id, title, abstract, when=datetime.fromisoformat(day + "T10:00:00"), authors=authors,
                      categories=cats, imported_upvotes=upvotes)


@pytest.fixture
def corpus(db):
    with db.write() as conn:
        upsert_papers(conn, [_record(*row) for row in CORPUS])
    return db


@pytest.fixture
def indexed(corpus):
    done = index_missing(corpus)
    assert done.embedded == len(CORPUS) and done.remaining == 0
    return corpus


def ids(page) -> list[str]:
    return [h.paper["arxiv_id"] for h in page.hits]


def test_keyword_ranks_title_matches_and_highlights(corpus):
    page = search_papers(corpus, "molecule graph", mode="keyword")
    assert ids(page)[0] == "2501.00001"
    assert page.message is None and page.total >= 1
    hl = page.hits[0].highlights
    assert "<mark>Graph</mark>" in hl["title"] and "<mark>Molecule</mark>" in hl["title"]


def test_highlights_escape_html(corpus):
    with corpus.write() as conn:
        conn.execute(papers.update().where(papers.c.arxiv_id == "2501.00008")
                     .values(title="Efficient <script>alert(1)</script> Attention"))
    hit = search_papers(corpus, "efficient attention", mode="keyword").hits[0]
    assert "<script>" not in hit.highlights["title"]
    assert "&lt;script&gt;" in hit.highlights["title"]


def test_filters_and_syntax(corpus):
    assert set(ids(search_papers(corpus, "diffusion", mode="keyword"))) == {"2501.00002", "2501.00003"}
    assert ids(search_papers(corpus, "diffusion -video", mode="keyword")) == ["2501.00003"]
    assert ids(search_papers(corpus, "diffusion cat:cs.CV since:2025-03", mode="keyword")) == ["2501.00003"]
    assert ids(search_papers(corpus, "diffusion until:2025-02-28", mode="keyword")) == ["2501.00002"]
    assert ids(search_papers(corpus, '"latent diffusion"', mode="keyword")) == ["2501.00002"]
    assert ids(search_papers(corpus, "prediction author:Lovelace", mode="keyword")) == ["2501.00001", "2501.00007"] \
        or set(ids(search_papers(corpus, "prediction author:Lovelace", mode="keyword"))) == {"2501.00001",
                                                                                            "2501.00007"}
    assert ids(search_papers(corpus, "diffusion", mode="keyword", categories=["cs.CV"], since=date(2025, 3, 1))) == [
        "2501.00003"]
    assert ids(search_papers(corpus, "networks", mode="keyword", author="Turing")) == ["2501.00001"]
    only_filters = search_papers(corpus, "cat:cs.CL")
    assert ids(only_filters) == ["2501.00008", "2501.00005", "2501.00004"] and only_filters.total == 3


def test_sorts_and_pagination(corpus):
    newest = ids(search_papers(corpus, "diffusion", mode="keyword", sort="newest"))
    assert newest == ["2501.00003", "2501.00002"]
    assert ids(search_papers(corpus, "diffusion", mode="keyword", sort="upvotes")) == ["2501.00002", "2501.00003"]
    everything = ids(search_papers(corpus, "cat:cs.CL cat:cs.CV cat:cs.LG cat:cs.RO cat:q-bio.BM", limit=100))
    assert len(everything) == len(CORPUS)
    pages = [ids(search_papers(corpus, "cat:cs.CL cat:cs.CV cat:cs.LG cat:cs.RO cat:q-bio.BM", limit=3, offset=o))
             for o in (0, 3, 6)]
    assert [a for p in pages for a in p] == everything


def test_arxiv_id_and_exact_title_first(corpus):
    for text in ("2501.00005", "arXiv:2501.00005v2", "https://arxiv.org/abs/2501.00005", "2501.00005v1"):
        assert ids(search_papers(corpus, text, mode="keyword")) == ["2501.00005"]
    missing = search_papers(corpus, "2599.99999")
    assert missing.hits == [] and "2599.99999" in missing.message
    page = search_papers(corpus, "diffusion models for image super-resolution", mode="keyword")
    assert ids(page)[0] == "2501.00003"


def test_hidden_papers_never_appear(corpus):
    with corpus.write() as conn:
        conn.execute(papers.update().where(papers.c.arxiv_id == "2501.00003").values(hidden=True))
    assert ids(search_papers(corpus, "diffusion", mode="keyword")) == ["2501.00002"]
    assert search_papers(corpus, "2501.00003").hits == []


def test_invalid_mode_and_sort_name_the_parameter(corpus):
    with pytest.raises(ValueError, match="mode"):
        search_papers(corpus, "x", mode="fuzzy")
    with pytest.raises(ValueError, match="sort"):
        search_papers(corpus, "x", sort="random")


NASTY = [
    "", "   ", "x" * 10_000, 'unbalanced "quote', '"', '""', "a AND OR NOT", "NEAR(diffusion video)", "title:diffusion",
    "diffusion*", "^start", "{title}: x", "' OR 1=1; DROP TABLE papers; --", "🙂🚀 diffusion 🙂", "\x00\x01\x02",
    "-", "-diffusion", "author:", "cat:", "since:banana", "until:2025-02-30", "since:2026 until:2025", "💥" * 3000,
    "ünïcödé façade naïve", "日本語の論文", "(", ")", "*", ":", "diffusion OR", "%_%", "\\", "a" * 300 + " b",
]


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_any_input_returns_a_page(indexed, mode):
    for text in NASTY:
        page = search_papers(indexed, text, mode=mode, limit=5)
        assert isinstance(page.hits, list)
        assert page.hits or page.message, text
    assert "since" in search_papers(indexed, "since:banana", mode=mode).message
    with indexed.connect() as conn:  # nothing was harmed
        assert conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one() == len(CORPUS)


def test_semantic_finds_paraphrase_and_similar(indexed):
    page = search_papers(indexed, "teaching a mechanical hand to hold things", mode="semantic")
    assert ids(page)[0] == "2501.00006"
    hybrid = search_papers(indexed, "rewriting prompts with bandits so the model makes up fewer facts")
    assert ids(hybrid)[0] == "2501.00004"
    similar = similar_papers(indexed, "2501.00002", limit=3)
    assert similar and similar[0].paper["arxiv_id"] == "2501.00003"
    assert "2501.00002" not in [h.paper["arxiv_id"] for h in similar]
    assert similar_papers(indexed, "2599.99999") == []


def test_semantic_filters_apply(indexed):
    page = search_papers(indexed, "image generation", mode="semantic", categories=["cs.CV"])
    assert set(ids(page)) == {"2501.00002", "2501.00003"}
    assert ids(search_papers(indexed, "image generation -video", mode="semantic", categories=["cs.CV"])) == [
        "2501.00003"]


def test_stale_and_deleted_vectors_are_never_returned(indexed):
    assert ids(search_papers(indexed, "protein folding", mode="semantic"))[0] == "2501.00007"
    with indexed.write() as conn:
        conn.execute(papers.update().where(papers.c.arxiv_id == "2501.00007")
                     .values(title="Cooking Pasta", abstract="Boil water, add salt."))
        pid = conn.execute(sa.select(papers.c.id).where(papers.c.arxiv_id == "2501.00002")).scalar_one()
        conn.execute(papers.delete().where(papers.c.id == pid))
    with indexed.connect() as conn:
        assert vector_store.count_missing(conn, MODEL) == 1  # the changed paper lost its vector
    page = search_papers(indexed, "protein folding", mode="semantic", limit=20)
    assert "2501.00007" not in ids(page) and "2501.00002" not in ids(page)
    assert index_missing(indexed).embedded == 1
    assert ids(search_papers(indexed, "pasta recipe", mode="semantic"))[0] == "2501.00007"


def test_index_is_resumable_and_idempotent(corpus):
    first = index_missing(corpus, limit=3, batch_size=2)
    assert first.embedded == 3 and first.remaining == len(CORPUS) - 3
    second = index_missing(corpus)
    assert second.embedded == len(CORPUS) - 3 and second.remaining == 0
    assert index_missing(corpus).embedded == 0


def test_a_stopped_index_pass_keeps_every_batch_it_embedded_and_resumes(corpus, monkeypatch):
    """The next batch is embedded while the previous one is written: a stop keeps the batch already embedded, and
    the next pass embeds exactly the rest."""
    from dailypapers.search.engine import state

    embedder = state(corpus).embedder
    stop = threading.Event()
    calls = []
    real = embedder.embed

    def embed_then_stop(texts):
        calls.append(len(texts))
        if len(calls) == 2:  # stop while the second batch is being embedded
            stop.set()
        return real(texts)

    monkeypatch.setattr(embedder, "embed", embed_then_stop)
    first = index_missing(corpus, batch_size=2, stop=stop)
    assert first.embedded == 4 and first.remaining == len(CORPUS) - 4  # both batches in flight were kept
    monkeypatch.setattr(embedder, "embed", real)
    second = index_missing(corpus, batch_size=2)
    assert second.embedded == len(CORPUS) - 4 and second.remaining == 0
    with corpus.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM paper_vectors")).scalar_one() == len(CORPUS)
