"""The replay scenario the harvesting tests share: a two-page OAI-PMH chain behind a real 503, and RSS."""

from __future__ import annotations

import io
import re
from pathlib import Path

from dailypapers.config import Settings
from dailypapers.ingest.export import export_lines
from dailypapers.sources.http import Gate, PoliteClient
from tests.arxiv_replay import ABSENT, FakeClock, ReplayServer, Reply, recorded_replies

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
TOKEN = "1403493|1001"


def oai_first_page(shared_dir: Path) -> str:
    return (shared_dir / "fixtures" / "arxiv" / "oai_pmh" / "listrecords_arXivRaw_page.xml").read_text()


def oai_last_page() -> str:
    return (FIXTURES / "oai" / "listrecords_arXivRaw_last_page.xml").read_text()


def rss_feed(name: str = "announce_2026-07-01.xml") -> str:
    return (FIXTURES / "rss" / name).read_text()


def fixture_archives(shared_dir: Path) -> list[str]:
    """Archives covering every record of the fixture pages, so that a sync keeps all of them."""
    text = oai_first_page(shared_dir) + oai_last_page()
    cats = {c for line in re.findall(r"<categories>([^<]*)</categories>", text) for c in line.split()}
    return sorted({c.split(".", 1)[0] for c in cats})


def fixture_ids(shared_dir: Path) -> set[str]:
    text = oai_first_page(shared_dir) + oai_last_page()
    ids = set(re.findall(r"<id>([^<]+)</id>", text))
    rss_ids = set(re.findall(r"<guid isPermaLink=\"false\">oai:arXiv.org:([^<]+)v\d+</guid>", rss_feed()))
    return ids | rss_ids


def build_server(shared_dir: Path, clock=None, categories: list[str] | None = None, *, with_503: bool = True,
                 rss_name: str = "announce_2026-07-01.xml", delay_s: float = 0.0) -> ReplayServer:
    server = ReplayServer(clock=clock) if clock else ReplayServer()
    first = [Reply(200, oai_first_page(shared_dir), delay_s=delay_s)]
    if with_503:
        first.insert(0, recorded_replies(shared_dir / "fixtures" / "arxiv",
                                         "oaipmh-listrecords---should-list-identifiers-from-arxiv.json")[0])
    server.add("/oai", [Reply(200, oai_last_page(), delay_s=delay_s)], verb="ListRecords", resumptionToken=TOKEN)
    server.add("/oai", first, verb="ListRecords", resumptionToken=ABSENT, metadataPrefix="arXivRaw")
    server.add("/rss/" + "+".join(categories or []), Reply(200, rss_feed(rss_name)))
    return server.start()


def replay_settings(settings: Settings, server: ReplayServer, categories: list[str], **extra) -> Settings:
    return settings.replace(arxiv_oai_url=server.url + "/oai", arxiv_rss_url=server.url + "/rss",
                            arxiv_api_url=server.url + "/api/query", arxiv_categories=categories,
                            arxiv_contact="test@example.org", **extra)


def fake_client(settings: Settings, clock: FakeClock) -> PoliteClient:
    return PoliteClient(settings, gate=Gate(clock=clock, sleep=clock.sleep))


def export_text(db) -> str:
    out = io.StringIO()
    export_lines(db, out)
    return out.getvalue()
