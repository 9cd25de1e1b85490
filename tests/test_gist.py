"""TL;DR and keyphrases: always extractive, stored with every paper (import, harvest path, updates, backfill), shown
on cards and pages with their source, and present in the API and the export."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
from itertools import islice

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dailypapers import gist
from dailypapers.ingest.export import export_lines
from dailypapers.ingest.gists import fill_gists
from dailypapers.ingest.importer import import_files
from dailypapers.records import PaperRecord, clean_text
from dailypapers.store.papers import get_paper, upsert_papers
from dailypapers.store.schema import papers
from dailypapers.web.app import create_app
from tests.factories import kaggle_line, write_jsonl

ABSTRACT = ("Large language models struggle with long documents. To address this, in this work, we propose "
            "LongSum, a hierarchical summarizer that reads documents in chunks. Experiments on three benchmarks "
            "show that LongSum improves ROUGE by 4 points. Code is available at https://github.com/x/longsum.")


def _shared_abstracts(shared_dir, n: int) -> list[tuple[str, str]]:
    with gzip.open(shared_dir / "data" / "arxiv_2025_2026.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = (json.loads(line) for line in fh)
        return [(clean_text(r["title"]) or "", clean_text(r["abstract"]) or "") for r in islice(rows, n)]


def test_tldr_is_always_a_sentence_or_trimmed_tail_of_the_abstract(shared_dir):
    for title, abstract in _shared_abstracts(shared_dir, 300):
        tldr = gist.tldr(title, abstract)
        assert tldr, title
        # Only the first letter may differ (a trimmed lead-in leaves "we propose …" capitalized).
        assert tldr[1:] in abstract and tldr[0].lower() in abstract.lower(), (tldr, abstract)


def test_keyphrases_come_from_the_text_five_to_ten_of_them(shared_dir):
    for title, abstract in _shared_abstracts(shared_dir, 300):
        phrases = gist.keyphrases(title, abstract)
        assert 5 <= len(phrases) <= 10 or len(abstract.split()) < 40, (title, phrases)
        text = f"{title} {abstract}".lower()
        for phrase in phrases:
            assert phrase.lower() in text, (phrase, title)


def test_lead_in_is_trimmed_and_link_sentences_are_never_picked():
    tldr = gist.tldr("LongSum: Hierarchical Summarization", ABSTRACT)
    assert tldr == "We propose LongSum, a hierarchical summarizer that reads documents in chunks."
    assert "LongSum" in gist.keyphrases("LongSum: Hierarchical Summarization", ABSTRACT)


def test_empty_text_gives_no_tldr_and_no_error():
    assert gist.explain("", "") == gist.Gist(None, [])
    assert gist.explain("Only a title", None).tldr is None


def _gist_columns(db, arxiv_id: str) -> tuple:
    with db.connect() as conn:
        row = get_paper(conn, arxiv_id)
    return row["tldr"], row["keyphrases"], row["gist_version"]


def test_import_stores_gists_and_a_new_abstract_replaces_them(db, tmp_path):
    import_files(db, [write_jsonl(tmp_path / "a.jsonl", [kaggle_line("2501.00001", abstract=ABSTRACT)])],
                 parallel=False)
    tldr, phrases, version = _gist_columns(db, "2501.00001")
    assert tldr.startswith("We propose LongSum") and phrases and version == gist.VERSION
    newer = kaggle_line("2501.00001", versions=2, abstract="We introduce ShortSum, a tiny model. It is fast.")
    import_files(db, [write_jsonl(tmp_path / "b.jsonl", [newer])], parallel=False)
    assert _gist_columns(db, "2501.00001")[0] == "We introduce ShortSum, a tiny model."


def test_harvest_and_submissions_path_computes_the_gist_at_once(db):
    with db.write() as conn:
        upsert_papers(conn, [PaperRecord("2501.00002", title="LongSum", abstract=ABSTRACT, version=1)])
    assert _gist_columns(db, "2501.00002")[0].startswith("We propose LongSum")


def test_import_without_gists_then_backfill_command(db, database_url, tmp_path):
    lines = [kaggle_line(f"2501.0001{i}", abstract=ABSTRACT) for i in range(3)]
    summary = import_files(db, [write_jsonl(tmp_path / "a.jsonl", lines)], parallel=False, gists=False)
    assert summary.gists is None
    assert _gist_columns(db, "2501.00010") == (None, None, None)
    env = dict(os.environ, DAILYPAPERS_DATABASE_URL=database_url, DAILYPAPERS_LOG_LEVEL="WARNING")
    done = subprocess.run([sys.executable, "-m", "dailypapers", "gist"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "3 papers" in done.stdout
    assert _gist_columns(db, "2501.00012")[0].startswith("We propose LongSum")
    assert fill_gists(db, show_progress=False).computed == 0  # nothing left
    with db.write() as conn:  # an older algorithm's gist counts as stale
        conn.execute(sa.update(papers).values(gist_version=0))
    assert fill_gists(db, show_progress=False).computed == 3


def test_backfill_skips_a_paper_whose_text_changed_meanwhile(db):
    with db.write() as conn:
        upsert_papers(conn, [PaperRecord("2501.00003", title="T", abstract=ABSTRACT, version=1)], gists=False)
    from dailypapers.store.gists import save_gists

    with db.write() as conn:
        pid = conn.execute(sa.select(papers.c.id)).scalar_one()
        save_gists(conn, [{"_id": pid, "_title": "T", "_abstract": "an older abstract", "tldr": "stale",
                           "keyphrases": [], "gist_version": gist.VERSION}])
    assert _gist_columns(db, "2501.00003") == (None, None, None)


@pytest.fixture
def client(settings, db, tmp_path):
    lines = [kaggle_line("2501.00001", abstract=ABSTRACT, title="LongSum: Hierarchical Summarization")]
    hf = {"paper": {"id": "2501.00001", "title": "LongSum", "summary": ABSTRACT, "authors": [],
                    "publishedAt": "2025-01-07T17:00:00.000Z", "submittedOnDailyAt": "2025-01-08T06:12:00.000Z",
                    "upvotes": 3}, "numComments": 0}
    import_files(db, [write_jsonl(tmp_path / "a.jsonl", lines), write_jsonl(tmp_path / "h.jsonl", [hf])])
    with TestClient(create_app(settings, db=db)) as c:
        yield c


def test_card_page_api_and_export_show_the_gist(client, db):
    card = client.get("/papers/date/2025-01-08").text
    assert "TL;DR</span> We propose LongSum" in card
    page = client.get("/papers/2501.00001").text
    assert "(a sentence of the abstract, picked automatically)" in page
    assert "Keyphrases (extracted from the title and abstract)" in page
    assert 'href="/search?q=LongSum"' in page
    extras = client.get("/api/papers/2501.00001").json()["dailypapers"]
    assert extras["tldr"].startswith("We propose LongSum") and "LongSum" in extras["keyphrases"]
    out = io.StringIO()
    export_lines(db, out)
    line = json.loads(out.getvalue())
    assert line["tldr"] == extras["tldr"] and line["keyphrases"] == extras["keyphrases"]


def test_hugging_face_summary_wins_and_is_labelled(client, db):
    with db.write() as conn:
        conn.execute(sa.update(papers).values(ai_summary="HF says so.", ai_keywords=["hf word"]))
    card = client.get("/papers/date/2025-01-08").text
    assert "AI summary</span> HF says so." in card and "We propose LongSum" not in card
    page = client.get("/papers/2501.00001").text
    assert "(Hugging Face, written by a language model)" in page and "Keywords (Hugging Face)" in page
    assert "(a sentence of the abstract, picked automatically)" in page  # ours still shown, labelled


def test_the_gists_job_fills_missing_gists_once_across_two_runners(db, settings, tmp_path):
    """Papers imported with --no-gists get their gists from the `gists` job, which runs under its lease: with two
    runners (as two server processes would have) on one database, one pass at a time (each used to run its own
    gist thread over the same papers)."""
    import time

    from dailypapers.jobs.catalog import GISTS, JOBS
    from dailypapers.jobs.runner import JobRunner
    from dailypapers.store import leases

    lines = [kaggle_line(f"2501.0002{i}", abstract=ABSTRACT) for i in range(2)]
    import_files(db, [write_jsonl(tmp_path / "a.jsonl", lines)], parallel=False, gists=False)
    job = next(j for j in JOBS if j.name == GISTS)
    runners = [JobRunner(db, settings, [job]) for _ in range(2)]
    with db.write() as conn:
        assert leases.take_lease(conn, GISTS, "other-host:1:x", time.time(), 60.0)
    assert not runners[0].run_pass(GISTS)  # the lease is held elsewhere: nothing computed here
    assert _gist_columns(db, "2501.00021")[2] is None
    with db.write() as conn:
        leases.release_lease(conn, GISTS, "other-host:1:x")
    assert runners[1].run_pass(GISTS)
    assert _gist_columns(db, "2501.00020")[0].startswith("We propose LongSum")
    assert _gist_columns(db, "2501.00021")[2] is not None
