"""The OpenAPI schema says what the API really takes and answers (issue 11), and OPTIONS answers with `Allow`."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dailypapers.web.app import create_app


@pytest.fixture
def client(settings, db):
    with TestClient(create_app(settings, db=db)) as c:
        yield c


def _param(operation: dict, name: str) -> dict:
    return next(p for p in operation["parameters"] if p["name"] == name)["schema"]


def _schema(schema: dict) -> dict:
    """The string branch of an optional parameter, with what is said of the whole (format) merged in."""
    branch = next((s for s in schema.get("anyOf", []) if s.get("type") != "null"), {})
    return {**schema, **branch}


def test_parameters_are_typed(client):
    paths = client.get("/openapi.json").json()["paths"]
    daily = paths["/api/daily_papers"]["get"]
    assert _schema(_param(daily, "week"))["pattern"] == r"^\d{4}-W\d{2}$"
    assert _schema(_param(daily, "date"))["format"] == "date"
    assert _param(daily, "sort")["enum"] == ["publishedAt", "trending"]
    search = paths["/api/papers/search"]["get"]
    assert _param(search, "mode")["enum"] == ["hybrid", "keyword", "semantic"]
    assert _param(search, "sort")["enum"] == ["relevance", "newest", "upvotes"]
    assert _schema(_param(search, "until"))["format"] == "date"
    assert _param(paths["/api/arxiv/announcements/{day}"]["get"], "day")["format"] == "date"


def test_error_answers_and_bodies_are_documented(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"400", "404", "422"} <= set(paths["/api/papers/{arxiv_id}"]["get"]["responses"])
    submit = paths["/api/papers/submit"]["post"]
    assert {"201", "202", "400", "401", "403", "413", "429"} <= set(submit["responses"])
    body = submit["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["paper_id"] and body["properties"]["comment"]["type"] == "string"
    comment = paths["/api/papers/{paper_id}/comments"]["post"]["requestBody"]["content"]["application/json"]
    assert comment["schema"]["properties"]["parentId"]["maximum"] == 2**31 - 1
    assert "requestBody" in paths["/api/comments/{comment_id}"]["patch"]


def test_options_answers_allow(client):
    for path, allow in [("/", "GET, HEAD, OPTIONS"), ("/api/comments/5", "DELETE, OPTIONS, PATCH"),
                        ("/api/papers/2501.00001/comments", "GET, HEAD, OPTIONS, POST"),
                        ("/static/style.css", "GET, HEAD, OPTIONS")]:
        r = client.options(path)
        assert r.status_code == 204 and r.headers["allow"] == allow, (path, r.status_code, r.headers.get("allow"))
    assert client.options("/no/such/page").status_code == 404
    r = client.put("/api/comments/5")
    assert r.status_code == 405 and "PATCH" in r.headers["allow"]
