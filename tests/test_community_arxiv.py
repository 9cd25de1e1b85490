"""Submitting a paper the hub does not have yet: metadata comes from the harvesting feature's arXiv API client,
here against a local server replaying recorded export.arxiv.org answers."""

from datetime import UTC, datetime

import pytest

from dailypapers.community.submissions import SubmissionRefused, submit
from dailypapers.store import daily as daily_store
from dailypapers.store import submissions as sub_store
from tests.arxiv_replay import ReplayServer, api_reply
from tests.community_support import make_user


@pytest.fixture
def arxiv(shared_dir, settings):
    server = ReplayServer().start()
    fixtures = shared_dir / "fixtures" / "arxiv"
    server.add("/api/query", api_reply(fixtures, "id_2104.12255v1"), id_list="2104.12255")  # asked versionless
    server.add("/api/query", api_reply(fixtures, "id_0000.0000"), id_list="0000.0000")
    yield server, settings.replace(arxiv_api_url=server.url + "/api/query",
                                   arxiv_max_retries=0, arxiv_timeout_s=10.0)
    server.stop()


def test_paper_fetched_from_arxiv_goes_on_todays_list(db, arxiv):
    _server, settings = arxiv
    user = make_user(db, "finder")
    old = settings.replace(submission_max_age_days=100_000)  # the recorded paper is from 2021
    done = submit(db, old, user, "https://arxiv.org/abs/2104.12255v1")
    assert done.arxiv_id == "2104.12255"
    with db.connect() as conn:
        paper = sub_store.paper_by_arxiv_id(conn, "2104.12255")
        entry = daily_store.daily_entry_for(conn, paper["id"])
    assert paper["title"] == "0" and paper["authors"] == ["Quan Thoi Minh Nguyen"]
    assert entry["day"] == datetime.now(UTC).date() and entry["user_id"] == user["id"]


def test_arxiv_papers_still_follow_the_rules(db, arxiv):
    _server, settings = arxiv
    user = make_user(db, "finder")
    with pytest.raises(SubmissionRefused) as exc:
        submit(db, settings, user, "2104.12255v1")  # fetched, but first published in 2021
    assert exc.value.rule == "max_age"
    with db.connect() as conn:
        assert sub_store.paper_by_arxiv_id(conn, "2104.12255") is None  # refused: nothing stored
    with pytest.raises(SubmissionRefused) as exc:
        submit(db, settings, user, "0000.0000")
    assert exc.value.rule == "metadata" and "arXiv has no paper 0000.0000" in exc.value.message
