"""`sync` against a local server replaying recorded arXiv responses: completeness, idempotence, politeness,
daily-list policy, and errors that leave the database as it was."""

from datetime import date

import pytest
import sqlalchemy as sa

from dailypapers.harvest.sync import SyncFailed, run_sync
from dailypapers.records import DailyEntryRecord, PaperRecord
from dailypapers.store import harvest as harvest_store
from dailypapers.store.daily import upsert_daily_entries
from dailypapers.store.listing import ListFilter, Period, list_entries
from dailypapers.store.papers import count_papers, upsert_papers
from dailypapers.store.schema import harvest_checkpoints
from tests.arxiv_replay import FakeClock, Reply
from tests.harvest_helpers import (
    TOKEN,
    build_server,
    export_text,
    fake_client,
    fixture_archives,
    fixture_ids,
    replay_settings,
)

DAY = date(2026, 7, 1)
TODAY = date(2026, 7, 1)


@pytest.fixture
def harvest(shared_dir, db, settings, request):
    clock = FakeClock()
    # Every archive of the fixtures (one OAI-PMH set each) for the completeness test; `cs` alone elsewhere.
    cats = fixture_archives(shared_dir) if "every_record" in request.node.name else ["cs"]
    server = build_server(shared_dir, clock, cats)
    s = replay_settings(settings, server, cats)
    client = fake_client(s, clock)

    def sync(**overrides):
        return run_sync(db, s.replace(**overrides) if overrides else s, client=client, today=TODAY)

    yield sync, server, clock, s
    client.close()
    server.stop()


@pytest.mark.slow
def test_sync_from_empty_db_stores_every_record_once_and_rerun_changes_nothing(harvest, db, shared_dir):
    sync, server, clock, _ = harvest
    result = sync()
    expected = fixture_ids(shared_dir)
    with db.connect() as conn:
        assert count_papers(conn) == len(expected) == 387 + 1 + 6
        ids = set(conn.execute(sa.text("SELECT arxiv_id FROM papers")).scalars())
        assert ids == expected
        assert "1610.05555" not in ids  # deleted upstream, never stored
        listed = list_entries(conn, ListFilter(Period.day(DAY))).rows
    assert result.backfill and result.deleted >= 1
    # The 503 was waited out with its Retry-After, then the resumption chain was followed to its end.
    assert 10.0 in clock.sleeps
    assert [r.status for r in server.log[:3]] == [503, 200, 200]
    assert server.log[2].query["resumptionToken"] == TOKEN
    # Announced today as new or cross-listed -> today's daily list, from the RSS feed.
    assert {p["arxiv_id"] for p in listed} == {"2606.32040", "2606.32039", "2606.32018", "2606.32033"}
    assert {p["entry_source"] for p in listed} == {"arxiv"}
    # Never two requests at once, always >= 3 s apart on the test clock.
    times = [r.at for r in server.log]
    assert server.max_in_flight == 1
    assert all(b - a >= 3.0 for a, b in zip(times, times[1:], strict=False))
    assert all("mailto:test@example.org" in r.user_agent for r in server.log)

    before = export_text(db)
    again = sync()
    assert not again.backfill
    assert (again.papers_new, again.papers_updated, again.daily_added) == (0, 0, 0)
    assert export_text(db) == before


def test_versions_update_and_nothing_is_duplicated_across_sources(harvest, db):
    sync, *_ = harvest
    with db.write() as conn:  # an older import of a paper the RSS feed announces as replaced (v2)
        upsert_papers(conn, [PaperRecord(arxiv_id="2606.32036", version=1, title="Old title", authors=["X"])])
        # a community submission of a paper arXiv announces as new today: it keeps its entry
        _, ids = upsert_papers(conn, [PaperRecord(arxiv_id="2606.32040", version=1, title="FaceMoE")])
        upsert_daily_entries(conn, [DailyEntryRecord("2606.32040", date(2026, 6, 30), __import__("datetime")
                                                     .datetime(2026, 6, 30, 9), "Ada", "ada", "submission")], ids)
    sync()
    with db.connect() as conn:
        row = conn.execute(sa.text("SELECT version, title FROM papers WHERE arxiv_id='2606.32036'")).one()
        assert row.version == 2 and row.title != "Old title"
        n = conn.execute(sa.text("SELECT count(*) FROM papers WHERE arxiv_id='2606.32040'")).scalar()
        entry = conn.execute(sa.text("SELECT d.source, d.day FROM daily_entries d JOIN papers p ON p.id=d.paper_id "
                                     "WHERE p.arxiv_id='2606.32040'")).one()
    assert n == 1
    assert entry.source == "submission" and str(entry.day) == "2026-06-30"


def test_curated_policy_lists_announcements_apart(harvest, db):
    sync, *_ = harvest
    sync(daily_list_policy="curated")
    with db.connect() as conn:
        assert list_entries(conn, ListFilter(Period.day(DAY))).rows == []
        new = harvest_store.new_on_arxiv(conn, DAY)
        replaced = harvest_store.new_on_arxiv(conn, DAY, types=("replace", "replace-cross"))
    assert {p["arxiv_id"] for p in new} == {"2606.32040", "2606.32039", "2606.32018", "2606.32033"}
    assert {p["arxiv_id"] for p in replaced} == {"2606.32036", "2606.32020"}


def test_weekend_feed_without_items_is_fine(shared_dir, db, settings):
    clock = FakeClock()
    cats = ["cs"]
    server = build_server(shared_dir, clock, cats, with_503=False, rss_name="weekend_empty.xml")
    try:
        s = replay_settings(settings, server, cats)
        with fake_client(s, clock) as client:
            result = run_sync(db, s, client=client, today=TODAY)
        assert result.announced == 0 and result.daily_added == 0 and result.papers_new > 6
    finally:
        server.stop()


def _broken_first_page(harvest, reply):
    sync, server, clock, s = harvest
    server.routes.insert(0, server.routes[1].__class__("/oai", {"verb": "ListRecords",
                                                                "resumptionToken": TOKEN}, [reply]))


@pytest.mark.parametrize("reply, message", [
    (Reply(200, "<OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'><ListRecords><record>"),
     "malformed or truncated XML"),
    (Reply(200, "<html><body>Service temporarily unavailable</body>"), "malformed or truncated XML"),
    (Reply(200, "<OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'><error code='badResumptionToken'>"
                "The value of the resumptionToken argument is invalid or expired.</error></OAI-PMH>"),
     "arXiv rejected the resumption token '1403493|1001'"),
    (Reply(200, "<OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'><ListRecords>" + "x" * 4000
                + "</ListRecords></OAI-PMH>", truncate_at=200), "truncated"),
], ids=["malformed", "html", "bad-token", "truncated"])
def test_bad_second_page_fails_clearly_and_leaves_papers_as_they_were(harvest, db, reply, message):
    sync, server, clock, s = harvest
    first = sync(arxiv_max_retries=1)  # complete run, then break the chain for the next
    assert first.papers_new
    with db.write() as conn:  # pretend the next sync is mid-chain, as after a kill
        conn.execute(harvest_checkpoints.update().values(token=TOKEN, cursor=387, complete_size=1440))
    before = export_text(db)
    _broken_first_page(harvest, reply)
    with pytest.raises(SyncFailed, match=message) as err:
        sync(arxiv_max_retries=1)
    assert "\n" not in str(err.value)
    assert export_text(db) == before
    with db.connect() as conn:
        run = harvest_store.last_finished_run(conn)
    assert run["status"] == "failed" and message.split("'")[0] in run["error"]


def test_unreachable_arxiv_fails_with_one_line_and_logs_the_run(db, settings):
    s = settings.replace(arxiv_oai_url="http://127.0.0.1:9/oai", arxiv_rss_url="http://127.0.0.1:9/rss",
                         arxiv_max_retries=0)
    with pytest.raises(SyncFailed, match="cannot connect"):
        run_sync(db, s, today=TODAY)
    with db.connect() as conn:
        run = harvest_store.last_finished_run(conn)
        assert count_papers(conn) == 0
    assert run["status"] == "failed" and "127.0.0.1:9" in run["error"]


def test_settings_are_checked_before_anything_is_recorded(db, settings):
    from dailypapers.config import ConfigError

    for bad, match in [({"arxiv_request_spacing_s": 1.0}, "arxiv_request_spacing_s.*at least 3"),
                       ({"daily_list_policy": "some"}, "daily_list_policy"),
                       ({"arxiv_metadata_prefix": "oai_dc"}, "arxiv_metadata_prefix"),
                       ({"arxiv_categories": []}, "arxiv_categories")]:
        with pytest.raises(ConfigError, match=match):
            run_sync(db, settings.replace(**bad))
    with db.connect() as conn:
        assert harvest_store.recent_runs(conn) == []


def test_a_second_sync_is_refused_while_one_is_alive(db):
    with db.write() as conn:
        harvest_store.start_run(conn, "serve", backfill=False)  # this process: alive
    with pytest.raises(harvest_store.SyncAlreadyRunning, match="already running"), db.write() as conn:
        harvest_store.start_run(conn, "cli", backfill=False)
    with db.write() as conn:  # a run whose process died is retired, not waited for
        conn.execute(sa.text("UPDATE harvest_runs SET pid = 999999999"))
        harvest_store.start_run(conn, "cli", backfill=False)
    with db.connect() as conn:
        assert [r["status"] for r in harvest_store.recent_runs(conn)] == ["running", "interrupted"]
