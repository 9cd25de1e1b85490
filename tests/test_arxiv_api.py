"""arXiv API look-ups by id against a local server replaying recorded export.arxiv.org responses."""

import pytest

from dailypapers.config import Settings
from dailypapers.sources.arxiv_api import UnknownArxivIds, fetch_papers, parse_feed
from dailypapers.sources.http import ArxivUnavailable, Gate, PoliteClient
from dailypapers.sources.xmlparse import SourceFormatError
from tests.arxiv_replay import FakeClock, ReplayServer, Reply, api_reply


@pytest.fixture
def api(shared_dir):
    clock = FakeClock()
    server = ReplayServer(clock=clock).start()
    fixtures = shared_dir / "fixtures" / "arxiv"
    for query_id, prefix in [("1605.08386", "id_1605.08386"), ("2104.12255v1", "id_2104.12255v1"),
                             ("astro-ph/0601001", "id_astro-ph_0601001"),
                             ("quant-ph/0201082v1", "id_quant-ph_0201082v1"), ("0000.0000", "id_0000.0000"),
                             ("0808.05394,1707.08567", "id_0808.05394_1707.08567"),
                             ("1707.08567", "id_1707.08567")]:
        server.add("/api/query", api_reply(fixtures, prefix), id_list=query_id)
    settings = Settings(arxiv_api_url=server.url + "/api/query")
    client = PoliteClient(settings, gate=Gate(clock=clock, sleep=clock.sleep))
    yield server, settings, client
    client.close()
    server.stop()


def test_new_old_and_versioned_ids(api):
    server, settings, client = api
    assert list(fetch_papers(["1605.08386"], settings, client=client)) == ["1605.08386"]
    found = fetch_papers(["https://arxiv.org/abs/2104.12255v1"], settings, client=client)
    assert list(found) == ["2104.12255"]
    paper = found["2104.12255"]
    assert paper.title == "0" and paper.version == 1 and paper.categories == ["cs.CR"]
    assert paper.authors == ["Quan Thoi Minh Nguyen"] and paper.published_at.isoformat() == "2021-04-20T16:07:14"
    old = fetch_papers(["astro-ph/0601001"], settings, client=client)
    old.update(fetch_papers(["arXiv:quant-ph/0201082v1"], settings, client=client))
    assert old["astro-ph/0601001"].journal_ref == "ActaAstron.56:1-50,2006"
    assert old["astro-ph/0601001"].authors[:2] == ["Andrew Gould", "Susan Dorsher"]
    assert old["quant-ph/0201082"].categories == ["quant-ph", "cs.PL"]


def test_unknown_id_is_a_clear_error(api):
    _, settings, client = api
    with pytest.raises(UnknownArxivIds, match="0000.0000") as err:
        fetch_papers(["0000.0000"], settings, client=client)
    assert err.value.ids == ["0000.0000"]


def test_one_unknown_in_a_batch_names_it(api):
    server, settings, client = api
    with pytest.raises(UnknownArxivIds) as err:
        fetch_papers(["0808.05394", "1707.08567"], settings, client=client)
    assert err.value.ids == ["0808.05394"]
    assert len(server.log) == 1  # one batched request


def test_malformed_id_is_rejected_without_asking_arxiv(api):
    server, settings, client = api
    with pytest.raises(UnknownArxivIds, match="'abc'"):
        fetch_papers(["abc", "1605.08386"], settings, client=client)
    assert server.log == []


def test_error_feed_is_read(shared_dir):
    reply = api_reply(shared_dir / "fixtures" / "arxiv", "id_abc")
    assert reply.status == 400
    records, errors = parse_feed(reply.body, "test")
    assert records == [] and errors == ["incorrect id format for abc"]


def test_error_feed_over_http_is_unknown_id(api, shared_dir):
    server, settings, client = api
    server.routes.insert(0, server.routes[0].__class__("/api/query", {"id_list": "2501.99999"},
                                                        [api_reply(shared_dir / "fixtures" / "arxiv", "id_abc")]))
    with pytest.raises(UnknownArxivIds, match="incorrect id format"):
        fetch_papers(["2501.99999"], settings, client=client)


def test_unreachable_and_garbage(api):
    server, settings, client = api
    server.add("/api/query", Reply(200, "<feed><entry>"), id_list="2501.00001")
    with pytest.raises(SourceFormatError, match="malformed or truncated XML"):
        fetch_papers(["2501.00001"], settings, client=client)
    offline = Settings(arxiv_api_url="http://127.0.0.1:9/api/query", arxiv_max_retries=0)
    with pytest.raises(ArxivUnavailable, match="cannot connect"):
        fetch_papers(["2501.00001"], offline)
