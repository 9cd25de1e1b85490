"""Issue 11, items 12, 13, 15 and 16: body cap, subscribe limits, proxy headers and security headers, checked over
HTTP against the real app, and against a real uvicorn server configured the way `dailypapers serve` runs it."""

from __future__ import annotations

import re
import socket
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from dailypapers.community import accounts
from dailypapers.mail.backends import MemoryBackend
from dailypapers.web.app import create_app
from dailypapers.web.security import CSP
from tests.community_support import add_paper, make_user
from tests.mail_helpers import add_subscriber
from tests.webserver import running

EXACT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
             "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


@pytest.fixture
def app(settings, db):
    add_paper(db, "2611.00001")
    return create_app(settings.replace(mail_backend="memory", digest_schedule_enabled=False), db=db)


def _assert_headers(r: httpx.Response, https: bool = False) -> None:
    where = f"{r.request.method} {r.request.url.path} ({r.status_code})"
    assert r.headers.get("content-security-policy") == EXACT_CSP, where
    assert r.headers.get("x-frame-options") == "DENY", where
    assert r.headers.get("x-content-type-options") == "nosniff", where
    assert r.headers.get("referrer-policy") == "strict-origin-when-cross-origin", where
    assert ("strict-transport-security" in r.headers) == https, where


def test_security_headers_on_every_answer(app):
    assert CSP == EXACT_CSP
    with TestClient(app, raise_server_exceptions=False) as client:
        answers = [client.get(url) for url in ("/", "/trending", "/search?q=x", "/papers/2611.00001", "/login",
                                               "/subscribe", "/docs", "/openapi.json", "/api/daily_papers",
                                               "/api/papers/2611.00001", "/feeds/daily.atom", "/static/style.css",
                                               "/healthz", "/no/such/page", "/papers/2401.00001v0")]
        answers += [client.post("/login", data={}), client.post("/api/papers/submit", json={}),
                    client.head("/"), client.get("/papers/2611.00001v1", follow_redirects=False)]
        for r in answers:
            _assert_headers(r)
    with TestClient(app, base_url="https://testserver") as client:
        _assert_headers(client.get("/"), https=True)
        assert client.get("/").headers["strict-transport-security"].startswith("max-age=")


def test_mail_preview_gets_its_own_sandboxed_policy(app, db):
    sub = add_subscriber(db, "reader@example.org")
    with TestClient(app) as client:
        r = client.get(f"/subscription/{sub['token']}/preview")
    assert r.status_code == 200 and 'style="' in r.text  # the mail's inline CSS, shown as mail clients show it
    policy = r.headers["content-security-policy"]
    assert "sandbox" in policy and "style-src 'unsafe-inline'" in policy and "script-src" not in policy
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert r.headers["x-frame-options"] == "DENY"


# -- body size cap (item 12) ----------------------------------------------------------------------------------------

def _raw_exchange(base: str, head: bytes, body_chunks=(), timeout: float = 5.0) -> tuple[bytes, int]:
    """Send a request head, then body chunks while the server stays silent; return (what it answered, bytes sent)."""
    host, port = base.removeprefix("http://").split(":")
    sent = 0
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(head)
        sock.setblocking(False)
        answer = b""
        deadline = time.monotonic() + timeout
        chunks = iter(body_chunks)
        while time.monotonic() < deadline:
            try:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
                if _complete(answer):
                    break
            except BlockingIOError:
                pass
            chunk = next(chunks, None)
            if chunk is None:
                time.sleep(0.01)
                continue
            try:
                sock.sendall(chunk)
                sent += len(chunk)
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                time.sleep(0.01)
    return answer, sent


def _complete(answer: bytes) -> bool:
    """Head and body are in: with TCP_NODELAY the body may come in a later segment than the head."""
    head, found, body = answer.partition(b"\r\n\r\n")
    if not found:
        return False
    length = re.search(rb"^content-length:\s*(\d+)", head, flags=re.I | re.M)
    return length is None or len(body) >= int(length.group(1))


def test_oversized_body_is_refused_before_it_is_read(app, settings, db):
    token = accounts.create_api_token(db, make_user(db, "ada")["id"], "t")
    with running(app, settings) as base:
        for auth in (f"Authorization: Bearer {token}\r\n", ""):
            head = (f"POST /api/papers/2611.00001/comments HTTP/1.1\r\nHost: x\r\n{auth}"
                    f"Content-Type: application/json\r\nContent-Length: {50 * 2**20}\r\n\r\n").encode()
            answer, _ = _raw_exchange(base, head)  # not a byte of the 50 MB is sent
            assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
            assert b"max_body_bytes" in answer and b"content-security-policy" in answer.lower()


def test_streamed_body_is_cut_off_at_the_cap(app, settings, db):
    token = accounts.create_api_token(db, make_user(db, "ada")["id"], "t")
    chunk = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"  # 64 KiB chunks, 50 MB in all
    with running(app, settings) as base:
        head = (f"POST /api/papers/2611.00001/comments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").encode()
        answer, sent = _raw_exchange(base, head, [chunk] * 800, timeout=20)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 10 * 2**20  # answered long before the 50 MB were through


def test_anonymous_writes_are_refused_unread(app, settings):
    with running(app, settings) as base:
        head = (b"POST /api/papers/2611.00001/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 500000\r\n\r\n")  # under the cap, but never sent: the 401 must not wait for it
        answer, _ = _raw_exchange(base, head)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]


def test_body_cap_is_a_setting(settings, db):
    add_paper(db, "2611.00001")
    token = accounts.create_api_token(db, make_user(db, "ada")["id"], "t")
    small = create_app(settings.replace(max_body_bytes=2048), db=db)
    with TestClient(small) as client:
        auth = {"Authorization": f"Bearer {token}"}
        assert client.post("/api/papers/2611.00001/comments", json={"body": "ok"}, headers=auth).status_code == 201
        r = client.post("/api/papers/2611.00001/comments", json={"body": "x" * 3000}, headers=auth)
        assert r.status_code == 413 and r.json()["parameter"] == "request body"


# -- per-client limits on /subscribe (item 13) ----------------------------------------------------------------------

def test_subscribe_is_limited_per_mailbox_whatever_the_tags(settings, db):
    MemoryBackend.outbox.clear()
    app = create_app(settings.replace(mail_backend="memory", rate_subscribe="3/hour", rate_ip_multiplier=100), db=db)
    with TestClient(app) as client:
        codes = [client.post("/subscribe", data={"email": f"Victim+{i}@Example.org"}).status_code for i in range(6)]
        assert codes == [200, 200, 200, 429, 429, 429]
        assert client.post("/subscribe", data={"email": "someone.else@example.org"}).status_code == 200
    assert len(MemoryBackend.outbox) <= 4


def test_subscribe_is_limited_per_client_address(settings, db):
    MemoryBackend.outbox.clear()
    app = create_app(settings.replace(mail_backend="memory", rate_subscribe="2/hour", rate_ip_multiplier=2), db=db)
    with TestClient(app) as client:
        codes = [client.post("/subscribe", data={"email": f"person{i}@example.org"}).status_code for i in range(6)]
    assert codes == [200] * 4 + [429] * 2
    assert len(MemoryBackend.outbox) == 4


# -- proxy headers (item 15) ----------------------------------------------------------------------------------------

def test_forwarded_headers_from_an_untrusted_peer_are_ignored(settings, db):
    """`serve` behind nothing, with trusted_proxies naming another host: a client on 127.0.0.1 cannot claim HTTPS
    (Secure cookies, HSTS) nor rotate X-Forwarded-For around the per-IP limits."""
    untrusted = settings.replace(trusted_proxies=["10.0.0.0/8"], mail_backend="memory", rate_subscribe="2/hour",
                                 rate_ip_multiplier=1)
    with running(create_app(untrusted, db=db), untrusted) as base:
        r = httpx.get(base + "/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.1.1"})
        assert r.status_code == 200 and "secure" not in r.headers["set-cookie"].lower()
        assert "strict-transport-security" not in r.headers
        codes = [httpx.post(base + "/subscribe", data={"email": f"p{i}@example.org"},
                            headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(4)]
        assert codes == [200, 200, 429, 429]


def test_forwarded_headers_from_a_trusted_network_are_believed(settings, db):
    trusted = settings.replace(trusted_proxies=["127.0.0.0/8"], mail_backend="memory", rate_subscribe="2/hour",
                               rate_ip_multiplier=1)
    with running(create_app(trusted, db=db), trusted) as base:
        r = httpx.get(base + "/login", headers={"X-Forwarded-Proto": "https"})
        assert "secure" in r.headers["set-cookie"].lower()
        assert r.headers["strict-transport-security"].startswith("max-age=")
        codes = [httpx.post(base + "/subscribe", data={"email": f"p{i}@example.org"},
                            headers={"X-Forwarded-For": f"203.0.113.{i // 2}"}).status_code for i in range(4)]
        assert codes == [200, 200, 200, 200]  # two clients behind the proxy, two each
