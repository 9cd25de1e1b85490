"""`dailypapers index`, `search` and `eval` as a user runs them, the serve index worker, and the metrics."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dailypapers.config import Settings
from dailypapers.search.evaluate import query_metrics
from dailypapers.store import vectors as vector_store
from dailypapers.store.papers import upsert_papers
from dailypapers.store.schema import paper_vectors, papers
from dailypapers.web.app import create_app
from tests.factories import make_paper
from tests.test_search import CORPUS, _record

MODEL = f"minilm-q8@{Settings().embedding_max_tokens}"  # the default model's vectors


def _run(args, env, **kw):
    return subprocess.run([sys.executable, "-m", "dailypapers", *args], env=env, capture_output=True, text=True, **kw)


@pytest.fixture
def cli_env(database_url):
    env = dict(os.environ, DAILYPAPERS_DATABASE_URL=database_url, DAILYPAPERS_LOG_LEVEL="WARNING")
    env.pop("DAILYPAPERS_CONFIG", None)
    return env


@pytest.fixture
def corpus(db):
    with db.write() as conn:
        upsert_papers(conn, [_record(*row) for row in CORPUS])
    return db


def test_query_metrics():
    m = query_metrics(["a", "b", "c"], ["b"])
    assert m == {"R@1": 0.0, "R@10": 1.0, "R@100": 1.0, "MRR@10": 0.5, "nDCG@10": pytest.approx(1 / 1.5849625)}
    assert query_metrics(["x"] * 10 + ["b"], ["b"])["MRR@10"] == 0.0
    assert query_metrics(["b", "a"], ["a", "b"])["nDCG@10"] == pytest.approx(1.0)


@pytest.mark.slow
def test_search_and_eval_commands(corpus, cli_env, tmp_path):
    r = _run(["index"], cli_env)
    assert r.returncode == 0, r.stderr
    assert f"indexed {len(CORPUS)} papers" in r.stdout and "0 still without a vector" in r.stdout
    r = _run(["search", "diffusion -video", "--mode", "keyword", "--json"], cli_env)
    out = json.loads(r.stdout)
    assert [h["arxiv_id"] for h in out["hits"]] == ["2501.00003"]
    r = _run(["search", "robot hand picking things up", "--limit", "2"], cli_env)
    assert r.returncode == 0 and "2501.00006" in r.stdout.splitlines()[0]
    r = _run(["search", "since:nope"], cli_env)
    assert r.returncode == 0 and "since" in r.stderr
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"id": "1", "query": "protein folding", "kind": "topic", "relevant": ["2501.00007"]}) + "\n"
        + json.dumps({"id": "2", "query": "speech to text", "kind": "paraphrase", "relevant": ["2501.00005"]}) + "\n"
    )
    r = _run(["eval", str(queries), "--json"], cli_env)
    assert r.returncode == 0, r.stderr
    figures = json.loads(r.stdout)
    assert set(figures) == {"keyword", "semantic", "hybrid"}
    assert figures["semantic"]["overall"]["R@1"] == 1.0
    assert set(figures["hybrid"]) == {"topic", "paraphrase", "overall"}
    assert {"R@1", "R@10", "R@100", "MRR@10", "nDCG@10", "p50_ms", "p95_ms"} <= set(figures["hybrid"]["overall"])
    r = _run(["eval", str(queries), "--mode", "keyword"], cli_env)
    assert "MRR@10" in r.stdout and "overall" in r.stdout
    queries.write_text('{"query": "x", "relevant": ["2501.00001"]}\n{"query": "y"}\n')
    r = _run(["eval", str(queries)], cli_env)
    assert r.returncode == 1 and f"{queries}:2: missing field 'relevant'" in r.stderr


@pytest.mark.slow
def test_killed_index_loses_nothing(db, cli_env):
    records = [make_paper(f"2502.{n:05d}", f"Paper {n} on topic {n % 17}",
                          " ".join(f"word{(n * k) % 997}" for k in range(30)), when=None, authors=["A. Author"])
               for n in range(1, 401)]
    with db.write() as conn:
        upsert_papers(conn, records)
    proc = subprocess.Popen([sys.executable, "-m", "dailypapers", "index", "--batch-size", "8"], env=cli_env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and stored < 40:
        time.sleep(0.3)
        with db.connect() as conn:
            stored = conn.execute(sa.select(sa.func.count()).select_from(paper_vectors)).scalar_one()
    assert proc.poll() is None, "index finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with db.connect() as conn:
        partial = conn.execute(sa.select(sa.func.count()).select_from(paper_vectors)).scalar_one()
    assert 0 < partial < len(records)
    r = _run(["index", "--batch-size", "256"], cli_env, timeout=600)
    assert r.returncode == 0, r.stderr
    with db.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(paper_vectors)).scalar_one() == len(records)
        assert vector_store.count_missing(conn, MODEL) == 0
        seqs = conn.execute(sa.select(paper_vectors.c.seq)).scalars().all()
        assert len(set(seqs)) == len(seqs)


def test_serve_worker_embeds_new_papers(corpus, settings):
    serve_settings = settings.replace(index_on_serve=True, sync_in_serve=False, digest_schedule_enabled=False)
    app = create_app(serve_settings, db=corpus)
    with TestClient(app):  # a plain create_app never starts the worker
        time.sleep(0.5)
        assert not hasattr(app.state, "jobs")
    app = create_app(serve_settings, db=corpus, background_sync=True)  # what `dailypapers serve` does
    with TestClient(app):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with corpus.connect() as conn:
                if vector_store.count_missing(conn, MODEL) == 0:
                    break
            time.sleep(0.2)
        with corpus.connect() as conn:
            assert vector_store.count_missing(conn, MODEL) == 0
            assert conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one() == len(CORPUS)
