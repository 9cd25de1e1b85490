"""`dailypapers db copy`: every table of a SQLite hub moves to PostgreSQL, users, sessions, votes, comments,
subscriptions and vectors included, and the hub works there (a logged-in user stays logged in, new rows get new ids)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import numpy as np
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dailypapers.config import Settings
from dailypapers.records import PaperRecord
from dailypapers.store import vectors as vector_store
from dailypapers.store.db import Database
from dailypapers.store.papers import upsert_papers
from dailypapers.store.schema import metadata, paper_vectors
from dailypapers.web.app import create_app
from tests.community_support import add_paper, form_csrf, login, make_user
from tests.conftest import _postgres_database
from tests.mail_helpers import add_subscriber, seed_papers
from tests.processes import cli_env


def _rows(db: Database, table: sa.Table) -> list[dict]:
    columns = [c for c in table.c if c.name != "embedding"]
    with db.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(*columns).order_by(*table.primary_key.columns)).mappings()]


@pytest.mark.slow
def test_copy_moves_every_table_from_sqlite_to_postgresql(tmp_path, postgres_server_url):
    source = Database(Settings(database_url=f"sqlite:///{tmp_path / 'hub.db'}", base_url="http://testserver"))
    source.upgrade()
    seed_papers(source, date(2025, 3, 3), count=12)
    add_paper(source, "2611.00001")
    make_user(source, "alice")
    add_subscriber(source, "reader@example.org", topics=[{"kind": "text", "value": "diffusion"}])
    web = TestClient(create_app(source.settings, source))
    assert login(web, "alice").status_code in (302, 303)
    assert web.post("/api/papers/2611.00001/upvote", headers={"X-CSRF-Token": form_csrf(web)}).status_code == 200
    page = web.get("/papers/2611.00001/comments")
    web.post("/papers/2611.00001/comments", data={"body": "Moving house", "csrf_token": form_csrf(web, page.url.path)})
    with source.connect() as conn:
        pending = list(vector_store.iter_missing(conn, "test-model", chunk=100))[0][:5]
    vectors = np.random.default_rng(1).normal(size=(len(pending), 8)).astype("float32")
    with source.write() as conn:
        vector_store.save_vectors(conn, "test-model", list(zip(pending, vectors, strict=True)))
    before = {t.name: _rows(source, t) for t in metadata.sorted_tables}
    assert all(before[name] for name in ("papers", "users", "sessions", "votes", "comments", "subscribers",
                                         "paper_vectors", "daily_entries"))

    target_url, drop = _postgres_database(postgres_server_url)
    try:
        done = subprocess.run([sys.executable, "-m", "dailypapers", "db", "copy", target_url],
                              env=cli_env(source.settings.database_url), capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        target = Database(Settings(database_url=target_url, base_url="http://testserver"))
        assert {t.name: _rows(target, t) for t in metadata.sorted_tables} == before
        with target.connect() as conn:
            moved = {r.paper_id: vector_store._decode(r.embedding, vector_store.uses_pgvector(conn))
                     for r in conn.execute(sa.select(paper_vectors.c.paper_id, sa.literal_column("embedding::text")
                                                     .label("embedding")))}
        for paper, vector in zip(pending, vectors, strict=True):
            np.testing.assert_allclose(moved[paper.id], vector, rtol=1e-6)

        moved_web = TestClient(create_app(target.settings, target), cookies=dict(web.cookies))
        assert "alice" in moved_web.get("/account").text  # the session came along
        assert moved_web.get("/api/papers/2611.00001").json()["upvotes"] == 1
        with target.write() as conn:  # sequences moved past the copied ids
            upsert_papers(conn, [PaperRecord(arxiv_id="2612.00001", title="After the move")])
        again = subprocess.run([sys.executable, "-m", "dailypapers", "db", "copy", target_url],
                               env=cli_env(source.settings.database_url), capture_output=True, text=True, timeout=300)
        assert again.returncode == 1 and "not empty" in again.stderr  # never merges into a used database
        target.dispose()
    finally:
        drop()
        source.dispose()
