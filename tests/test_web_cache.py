"""The page cache answers repeat GETs without reading the data, and never outlives a commit."""

import pytest
from fastapi.testclient import TestClient

from dailypapers.store.version import DataVersion
from dailypapers.web.app import create_app
from tests.webdata import seed, set_counts


@pytest.fixture
def client(seeded_client):
    return seeded_client


def _break_store(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the store was read")

    monkeypatch.setattr("dailypapers.store.listing.list_entries", refuse)


def test_repeat_gets_come_from_the_cache_until_a_commit(client, db, monkeypatch):
    first = client.get("/papers/date/2025-01-08")
    api = client.get("/api/daily_papers?date=2025-01-08")
    _break_store(monkeypatch)
    again = client.get("/papers/date/2025-01-08")
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert client.get("/papers/date/2025-01-08", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert client.get("/api/daily_papers?date=2025-01-08").content == api.content
    # Another URL or other cookies are other pages.
    assert client.get("/papers/date/2025-01-08?sort=newest").status_code == 500
    assert client.get("/papers/date/2025-01-08", headers={"Cookie": "session=abc"}).status_code == 500
    set_counts(db, "2501.00012", vote_count=1)  # any commit invalidates
    assert client.get("/papers/date/2025-01-08").status_code == 500


def test_data_version_changes_on_every_commit(db, tmp_path):
    seed(db, tmp_path)
    version = DataVersion(db)
    before = version.current()
    assert version.current() == before
    set_counts(db, "2501.00012", vote_count=1)
    after = version.current()
    assert after != before
    set_counts(db, "2501.00012", comment_count=1)
    assert version.current() != after
    version.close()


def test_cache_can_be_switched_off(settings, db, tmp_path, monkeypatch):
    seed(db, tmp_path)
    with TestClient(create_app(settings.replace(page_cache_entries=0), db=db), raise_server_exceptions=False) as c:
        assert c.get("/papers/date/2025-01-08").status_code == 200
        _break_store(monkeypatch)
        assert c.get("/papers/date/2025-01-08").status_code == 500


def test_concurrent_misses_render_once(settings, db, tmp_path, monkeypatch):
    import asyncio
    import time

    import httpx

    from dailypapers.store import listing

    seed(db, tmp_path)
    app = create_app(settings, db=db)
    calls = []
    real = listing.list_entries

    def slow(*args, **kwargs):
        calls.append(1)
        time.sleep(0.3)
        return real(*args, **kwargs)

    monkeypatch.setattr("dailypapers.store.listing.list_entries", slow)

    async def burst():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            return await asyncio.gather(*(c.get("/papers/date/2025-01-08") for _ in range(8)))

    responses = asyncio.run(burst())
    assert {r.status_code for r in responses} == {200} and len({r.content for r in responses}) == 1
    assert len(calls) == 1
