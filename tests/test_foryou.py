# ruff: noqa: F811  (pytest fixtures imported from tests.community_support are parameters here)
"""For you: the ranked feed with reasons, the cold start, per-reader state caching, `dailypapers library import`
and `dailypapers eval-recs`, on real papers from the shared data, on both backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from dailypapers.recs.reader import rank_for_reader, reader_cache
from dailypapers.store import library as library_store
from tests import recs_support
from tests.community_support import app, client, csrf_from, login, make_user  # noqa: F401


@pytest.fixture
def event(db, tmp_path):
    return recs_support.seed_event(db, tmp_path)


def _ids(db, arxiv_ids):
    with db.connect() as conn:
        found = library_store.paper_ids_by_arxiv_id(conn, arxiv_ids)
    return [found[a] for a in arxiv_ids]


def test_cold_start_then_feed_with_reasons(client, db, event):
    make_user(db, "newbie")
    login(client, "newbie")
    page = client.get("/for-you")
    assert "Your library is empty" in page.text and 'name="pick"' in page.text  # trending papers to pick from
    first = recs_support.paper(event["library"][0])
    found = client.get("/for-you", params={"q": first["title"]}).text
    assert f'value="{event["library"][0]}"' in found
    r = client.post("/for-you/start", data={"pick": event["library"][:3], "csrf_token": csrf_from(page.text)},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/for-you"
    feed = client.get("/for-you?period=week").text
    assert "Your library is empty" not in feed
    days = {a: date.fromisoformat(recs_support.listed_day(a)) for a in event["library"] + event["candidates"]}
    last = max(days.values())
    expected = [a for a, d in days.items() if (last - d).days < 7 and a not in event["library"][:3]]
    assert feed.count('class="foryou-reason"') == len(expected) > 0
    titles = [recs_support.paper(a)["title"].split("\n")[0][:30] for a in event["library"][:3]]
    assert "in your library" in feed and any(t in feed for t in titles)
    for saved in event["library"][:3]:
        assert f'id="paper-{saved}"' not in feed  # saved papers are not recommended again


def test_cold_start_by_author_and_bad_input(client, db, event):
    make_user(db, "newbie")
    login(client, "newbie")
    token = csrf_from(client.get("/for-you").text)
    author = recs_support.paper(event["library"][1])["authors"][0]["name"]
    r = client.post("/for-you/start", data={"authors": author, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert event["library"][1] in client.get("/library").text
    r = client.post("/for-you/start", data={"authors": "Nobody Atall", "pick": [], "csrf_token": token})
    assert r.status_code == 422 and "authors" in r.text
    r = client.post("/for-you/start", data={"pick": "bogus", "csrf_token": token})
    assert r.status_code == 422 and "pick" in r.text
    assert client.get("/for-you?period=year").status_code == 422


def test_ranking_state_is_cached_until_the_library_changes(db, event):
    user = make_user(db, "reader")
    lib, cands = _ids(db, event["library"]), _ids(db, event["candidates"])
    for paper_id in lib[:4]:
        with db.write() as conn:
            library_store.save(conn, user["id"], paper_id)
    cache = reader_cache(db)
    before = cache.builds
    first = rank_for_reader(db, user["id"], cands)
    assert rank_for_reader(db, user["id"], cands) == first
    assert cache.builds == before + 1
    with db.write() as conn:
        library_store.save(conn, user["id"], lib[4])
    rank_for_reader(db, user["id"], cands)
    assert cache.builds == before + 2
    with db.write() as conn:
        library_store.mark_not_interested(conn, user["id"], first[0].paper_id)
    assert first[0].paper_id not in [r.paper_id for r in rank_for_reader(db, user["id"], cands)]
    assert all(r.reason for r in first)


def test_library_import_cli(tmp_path, db, database_url, event):
    make_user(db, "cliuser")
    ids = event["library"][:2]
    file = tmp_path / "ids.txt"
    file.write_text(f"{ids[0]}\nhttps://arxiv.org/abs/{ids[1]}v1\n2101.99999\n", encoding="utf-8")
    env = dict(os.environ, DAILYPAPERS_DATABASE_URL=database_url, DAILYPAPERS_LOG_LEVEL="WARNING")
    proc = subprocess.run([sys.executable, "-m", "dailypapers", "library", "import", "cliuser", str(file)],
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert "2 saved, 0 already in the library, 1 not matched" in proc.stdout
    assert "2101.99999 is not in this hub yet" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "dailypapers", "library", "import", "ghost", str(file)],
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 1 and "no user named 'ghost'" in proc.stderr


def test_eval_recs_reports_every_method_default_first(tmp_path, db, database_url, event):
    events = tmp_path / "events.jsonl"
    shorter = {**event, "id": "shorter", "user": "someone-else", "library": event["library"][:3]}
    events.write_text(json.dumps(event) + "\n" + json.dumps(shorter) + "\n", encoding="utf-8")
    env = dict(os.environ, DAILYPAPERS_DATABASE_URL=database_url, DAILYPAPERS_LOG_LEVEL="WARNING")
    proc = subprocess.run([sys.executable, "-m", "dailypapers", "eval-recs", str(events), "--json"],
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert list(results)[0] == "foryou"
    assert {"random", "tfidf-svm", "emb-centroid", "emb-linear"} <= set(results)
    for figures in results.values():
        overall = figures["overall"]
        assert overall["events"] == 2
        assert 0 <= overall["MRR"] <= 1 and 0 <= overall["R@10"] <= 1 and 1 <= overall["median_rank"] <= 47
        assert overall["p95_ms"] >= overall["p50_ms"] >= 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"library": [], "candidates": ["x"], "relevant": ["2501.00001"]}\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "dailypapers", "eval-recs", str(bad)], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "bad.jsonl:1" in proc.stderr and "'x'" in proc.stderr


def test_weekly_digest_has_a_for_you_section_never_repeating_a_paper(db, settings, event):
    from dailypapers.mail.backends import MemoryBackend
    from dailypapers.mail.sender import send_period
    from dailypapers.store.schema import deliveries, subscribers
    from tests.mail_helpers import add_subscriber

    user = make_user(db, "subscriber")
    with db.write() as conn:
        for paper_id in _ids(db, event["library"]):
            library_store.save(conn, user["id"], paper_id)
    sub = add_subscriber(db, "reader@example.org", frequency="weekly")
    add_subscriber(db, "anonymous@example.org", frequency="weekly")
    with db.write() as conn:
        conn.execute(subscribers.update().where(subscribers.c.id == sub["id"]).values(user_id=user["id"]))
    days = sorted(date.fromisoformat(recs_support.listed_day(a)) for a in event["candidates"])
    # The sending day whose week holds the most listed candidates.
    send_day = max((d + timedelta(days=1) for d in days), key=lambda s: sum(0 < (s - d).days <= 7 for d in days))
    settings = settings.replace(mail_backend="memory", digest_trending_count=3, digest_topic_count=4)
    MemoryBackend.outbox.clear()
    send_period(db, settings, "weekly", send_day)
    send_period(db, settings, "weekly", send_day + timedelta(days=7))
    mails = {m["To"]: m for m in reversed(MemoryBackend.outbox)}  # the first week's
    text = mails["reader@example.org"].get_body(("plain",)).get_content()
    assert text.index("Trending this week") < text.index("For you")
    assert "For you" not in mails["anonymous@example.org"].get_body(("plain",)).get_content()
    with db.connect() as conn:
        sent = [r[0] for r in conn.execute(sa.select(deliveries.c.paper_ids).where(
            deliveries.c.subscriber_id == sub["id"]).order_by(deliveries.c.id))]
    assert len(sent[0]) == 3 + 4
    assert not set(sent[0]) & set(sent[1])
    assert not set(sent[0]) & set(_ids(db, event["library"]))  # the library itself is never recommended


def test_upvotes_count_as_library_signal(db, event):
    from dailypapers.store import votes

    user = make_user(db, "voter")
    lib, cands = _ids(db, event["library"]), _ids(db, event["candidates"])
    assert rank_for_reader(db, user["id"], cands) == []  # nothing saved or upvoted: cold start
    with db.write() as conn:
        for paper_id in lib:
            votes.add_vote(conn, user["id"], paper_id)
        votes.add_vote(conn, user["id"], cands[0])
    ranked = rank_for_reader(db, user["id"], cands)
    assert len(ranked) == len(cands) - 1 and cands[0] not in [r.paper_id for r in ranked]
