"""The polite client: spacing, one request at a time, retries, Retry-After, User-Agent — on a virtual clock."""

import threading

import pytest

from dailypapers.config import ConfigError, Settings
from dailypapers.sources.http import ArxivUnavailable, Gate, PoliteClient, retry_after_seconds
from tests.arxiv_replay import FakeClock, ReplayServer, Reply, recorded_replies


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def server(clock):
    srv = ReplayServer(clock=clock).start()
    yield srv
    srv.stop()


def _client(server, clock, **overrides):
    settings = Settings(arxiv_contact="ops@example.org", **overrides)
    return PoliteClient(settings, gate=Gate(clock=clock, sleep=clock.sleep))


def test_requests_are_spaced_three_seconds_on_the_test_clock(server, clock):
    server.add("/x", Reply(200, "<ok/>"))
    with _client(server, clock) as client:
        for _ in range(4):
            assert client.get(server.url + "/x").status_code == 200
    times = [r.at for r in server.log]
    assert len(times) == 4
    assert all(b - a >= 3.0 for a, b in zip(times, times[1:], strict=False))
    assert clock.sleeps == [3.0, 3.0, 3.0]


def test_three_clients_in_three_threads_never_overlap(server, clock):
    server.add("/slow", Reply(200, "<ok/>", delay_s=0.05))
    gate = Gate(clock=clock, sleep=clock.sleep)
    clients = [PoliteClient(Settings(), gate=gate) for _ in range(3)]

    def work(client):
        for _ in range(3):
            client.get(server.url + "/slow")

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(server.log) == 9
    assert server.max_in_flight == 1
    times = sorted(r.at for r in server.log)
    assert all(b - a >= 3.0 for a, b in zip(times, times[1:], strict=False))


def test_slower_spacing_is_allowed_faster_is_refused(server, clock):
    server.add("/x", Reply(200, "<ok/>"))
    with _client(server, clock, arxiv_request_spacing_s=5) as client:
        client.get(server.url + "/x")
        client.get(server.url + "/x")
    assert server.log[1].at - server.log[0].at >= 5.0
    with pytest.raises(ConfigError, match="arxiv_request_spacing_s.*at least 3"):
        PoliteClient(Settings(arxiv_request_spacing_s=1))


def test_recorded_503_retry_after_10_is_honoured(server, clock, shared_dir):
    replies = recorded_replies(shared_dir / "fixtures" / "arxiv",
                               "oaipmh-listrecords---should-list-identifiers-from-arxiv.json")
    assert replies[0].status == 503 and replies[0].headers["Retry-After"] == "10"
    server.add("/oai", replies)
    with _client(server, clock) as client:
        resp = client.get(server.url + "/oai", {"verb": "ListRecords"})
    assert resp.status_code == 200 and "ListRecords" in resp.text
    assert [r.status for r in server.log] == [503, 200]
    assert server.log[1].at - server.log[0].at >= 10.0
    assert clock.sleeps == [10.0]


def test_backoff_is_exponential_then_gives_up_with_one_line(server, clock):
    server.add("/down", Reply(502, "bad gateway", {"Content-Type": "text/plain"}))
    with _client(server, clock, arxiv_max_retries=3) as client, pytest.raises(ArxivUnavailable) as err:
        client.get(server.url + "/down")
    assert clock.sleeps == [3.0, 6.0, 12.0]
    assert "HTTP 502" in str(err.value) and "4 attempts" in str(err.value) and "\n" not in str(err.value)


def test_429_is_retried(server, clock):
    server.add("/busy", [Reply(429, "slow down", {"Retry-After": "7"}), Reply(200, "<ok/>")])
    with _client(server, clock) as client:
        assert client.get(server.url + "/busy").status_code == 200
    assert clock.sleeps == [7.0]


def test_truncated_body_is_retried_then_reported(server, clock):
    server.add("/cut", Reply(200, "<feed>" + "x" * 5000 + "</feed>", truncate_at=100))
    with _client(server, clock, arxiv_max_retries=1) as client, pytest.raises(ArxivUnavailable, match="truncated"):
        client.get(server.url + "/cut")
    assert len(server.log) == 2


def test_unreachable_host_fails_with_one_line(clock):
    with _client(None, clock, arxiv_max_retries=0) as client, pytest.raises(ArxivUnavailable) as err:
        client.get("http://127.0.0.1:9/oai")
    assert "cannot connect" in str(err.value) and "127.0.0.1:9" in str(err.value)


def test_user_agent_names_software_and_contact(server, clock):
    server.add("/x", Reply(200, "<ok/>"))
    with _client(server, clock) as client:
        client.get(server.url + "/x")
    ua = server.log[0].user_agent
    assert ua.startswith("dailypapers/") and "mailto:ops@example.org" in ua


def test_retry_after_http_date():
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now_epoch=1445412480.0) == 10.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds("12") == 12.0


def test_replay_server_counts_a_request_done_once_its_answer_is_out(server):
    """Back-to-back requests on fresh connections never overlap, so the server must never count two in flight: the
    one just answered stops counting before its body leaves (it used to stop after, racing the next request)."""
    import http.client
    from urllib.parse import urlsplit

    server.add("/x", Reply(200, "<ok/>"))
    port = urlsplit(server.url).port
    for _ in range(1000):
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", "/x")
        assert conn.getresponse().read() == b"<ok/>"
        conn.close()
    assert server.max_in_flight == 1
