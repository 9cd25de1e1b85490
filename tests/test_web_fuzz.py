"""No user input produces a 500: every GET route of the app, every known parameter, hostile values."""

import random
import re
from urllib.parse import quote

import pytest

NASTY = ["", " ", "0", "-1", "99999999999999999999", "1e9", "NaN", "null", "true", "[]", "{}", "%00", "\x00",
         "'; DROP TABLE papers; --", "<script>alert(1)</script>", "../../etc/passwd", "2025-02-30", "2025-W00",
         "9999-12-31", "0001-01-01", "0000-W01", "2025-13", "x" * 5000, "ü" * 100, "🙂", "\ud800", "%ff", "a/b",
         "2501.00012", "2501.00012v99", "cs.CL", "trending", "publishedAt", "keyword", "semantic", "hybrid",
         "2401.00001v0", str(2**31), str(2**63), "-" + str(2**63), "9" * 40, "Infinity", "1e308"]
PARAMS = ["p", "page", "limit", "date", "week", "month", "sort", "category", "submitter", "q", "mode", "author",
          "since", "until", "cursor", "offset", "before", "email", "token"]


@pytest.fixture
def client(seeded_client):
    return seeded_client


def _routes(routes):
    for route in routes:
        inner = getattr(route, "original_router", None)  # FastAPI wraps included routers
        yield from _routes(inner.routes) if inner is not None else [route]


def _get_paths(app) -> list[str]:
    paths = []
    for route in _routes(app.routes):
        methods = getattr(route, "methods", None) or ()
        if "GET" in methods and not route.path.startswith("/static"):
            paths.append(route.path)
    return paths


def _fill(path: str, value: str) -> str:

    value = quote(value, safe="")  # the server decodes it back: NUL bytes, slashes and all
    return re.sub(r"\{[^}]+\}", lambda m: "2501.00012" if ":arxiv" in m.group(0) else value, path)


@pytest.mark.slow
def test_fuzzed_parameters_never_give_500(client):
    rng = random.Random(5)
    failures = []
    paths = _get_paths(client.app)
    assert {"/api/daily_papers", "/papers/{arxiv_id:arxiv}", "/search", "/feeds/daily.atom"} <= set(paths)
    for path in paths:
        for value in NASTY:
            try:
                urls = [(_fill(path, value), {})] if "{" in path else []
            except UnicodeEncodeError:
                urls = []  # a lone surrogate cannot even be put on the wire
            params = {name: value for name in rng.sample(PARAMS, 3)}
            urls.append((_fill(path, "2025-01-08"), params))
            urls.append((_fill(path, "2025-01-08"), {rng.choice(PARAMS): value}))
            for url, query in urls:
                try:
                    r = client.get(url, params=query)
                except UnicodeEncodeError:
                    continue  # the client cannot even send a lone surrogate
                if r.status_code >= 500:
                    failures.append((url, query, r.status_code))
    assert not failures, failures[:10]


def test_path_values_with_slashes_and_encodings(client):
    for url in ["/papers/date/2025-01-08%2F..", "/papers/%2e%2e/%2e%2e/etc/passwd", "/papers/hep-th/9901001",
                "/api/papers/hep-th/9901001", "/feeds/category/..%2F.atom", "/papers/week/%00",
                "/api/daily_papers?date=2025-01-08&date=2025-01-09", "/papers/2501.00012/../../",
                "/papers/2401.00001v0", "/api/papers/2401.00001v0", "/papers/hep-th/9901001v0",
                f"/api/moderation/log?before={2**63}", f"/moderation?before={2**63}",
                f"/comments/{2**63}/edit", "/admin/mail/preview?email=a@example.org&date=0001-01-01"]:
        assert client.get(url).status_code < 500, url


JSON_BODIES = ["[" * 100_000 + "]" * 100_000, '{"body": "x", "parentId": Infinity}', '{"body": "x", "parentId": 1e308}',
               '{"body": "x", "parentId": NaN}', f'{{"body": "x", "parentId": {2**63}}}', '{"body": "\\ud800"}',
               '{"body": "a\\u0000b"}', '{"paper_id": "2501.00012", "comment": [1]}', '{"paper_id": {"a": 1}}',
               '{"body": 5}', "[]", "null", '"x"', "{", "\xff", '{"\\ud800": 1}']


def test_fuzzed_json_bodies_never_give_500(client, db):
    from dailypapers.community import accounts
    from tests.community_support import make_user

    token = accounts.create_api_token(db, make_user(db, "fuzzer")["id"], "fuzz")
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    targets = [("POST", "/api/papers/2501.00012/comments"), ("POST", "/api/papers/submit"),
               ("PATCH", "/api/comments/1"), ("PATCH", f"/api/comments/{2**63}"),
               ("POST", "/api/papers/2501.00012/upvote")]
    failures = []
    for method, path in targets:
        for body in JSON_BODIES:
            r = client.request(method, path, content=body.encode("utf-8", "surrogatepass"), headers=auth)
            if r.status_code >= 500:
                failures.append((method, path, body[:40], r.status_code))
    assert not failures, failures


def test_nul_characters_are_a_400_naming_the_parameter(client):
    r = client.get("/api/daily_papers", params={"submitter": "a\x00b"})
    assert r.status_code == 400 and r.json()["parameter"] == "submitter"
    assert client.get("/papers/date/2025%0001-08").status_code == 400


AUTH_HEADERS = ["Bearer dp_unknown", "Bearer", "Bearer ", "bearer " + "x" * 5000, "Basic dXNlcjpwYXNz", "Token abc",
                "Bearer dp_ü"]


@pytest.mark.slow
def test_any_authorization_header_on_any_get_route_never_gives_500(client):
    """Issue 11: an unknown or malformed bearer token is ignored by pages and a 401 (JSON) where the API needs one."""
    failures = []
    for path in _get_paths(client.app):
        url = _fill(path, "2025-01-08")
        plain = client.get(url).status_code
        for header in AUTH_HEADERS:
            try:
                r = client.get(url, headers={"Authorization": header})
            except UnicodeEncodeError:
                continue  # not ASCII: the client cannot send it
            expected = {plain, 401} if url.startswith("/api/") else {plain}
            if r.status_code >= 500 or r.status_code not in expected:
                failures.append((url, header[:20], plain, r.status_code))
            if r.status_code == 401:
                assert r.json()["status"] == 401
    assert not failures, failures[:10]
