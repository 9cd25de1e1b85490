import pytest

from dailypapers.ingest.importer import import_files
from dailypapers.web.app import create_app
from tests.factories import hf_item, write_jsonl


@pytest.fixture
def client_sync(settings, db):
    from fastapi.testclient import TestClient

    with TestClient(create_app(settings, db=db)) as c:
        yield c


def test_empty_database_explains_how_to_load_papers(client_sync):
    r = client_sync.get("/")
    assert r.status_code == 200
    assert "dailypapers import FILE" in r.text


def test_daily_page_with_navigation(client_sync, db, tmp_path):
    items = [hf_item("2501.00010", day="2025-01-06", upvotes=3), hf_item("2501.00011", day="2025-01-08", upvotes=9),
             hf_item("2501.00012", day="2025-01-08", upvotes=20, title="Top <b>paper</b>"),
             hf_item("2501.00013", day="2025-01-10")]
    import_files(db, [write_jsonl(tmp_path / "hf.jsonl", items)])
    r = client_sync.get("/papers/date/2025-01-08")
    assert r.status_code == 200
    assert r.text.index("2501.00012") < r.text.index("2501.00011")  # most upvoted first
    assert "Top &lt;b&gt;paper&lt;/b&gt;" in r.text  # titles are escaped
    assert 'href="/papers/date/2025-01-06"' in r.text and 'href="/papers/date/2025-01-10"' in r.text
    assert "Sub Mitter" in r.text and "https://github.com/hf/code" in r.text
    home = client_sync.get("/")
    assert "2501.00013" in home.text  # the newest day


def test_malformed_date_names_the_parameter(client_sync):
    r = client_sync.get("/papers/date/2025-13-45")
    assert r.status_code == 400
    assert "parameter &#39;day&#39;" in r.text
    r = client_sync.get("/papers/date/2025-13-45", headers={"Accept": "application/json"})
    assert r.json()["parameter"] == "day"
