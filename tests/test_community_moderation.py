# ruff: noqa: F811  (pytest fixtures imported from tests.community_support are parameters here)
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from dailypapers.community import accounts, submissions
from dailypapers.community.ratelimit import parse_limit
from dailypapers.config import ConfigError
from dailypapers.store import users as user_store
from dailypapers.store.schema import moderation_log
from tests.community_support import (  # noqa: F401
    PASSWORD,
    add_paper,
    app,
    client,
    form_csrf,
    login,
    make_client,
    make_user,
)


def test_hide_paper_removes_it_from_lists_and_is_logged(client, make_client, db, settings):
    add_paper(db, "2611.00100", title="Bad paper")
    submissions.submit(db, settings, make_user(db, "sub"), "2611.00100")
    day = datetime.now(UTC).date().isoformat()
    assert "Bad paper" in client.get(f"/papers/date/{day}").text
    member = make_client()
    make_user(db, "mem")
    login(member, "mem")
    r = member.post("/moderation/papers/hide", data={"paper_id": "2611.00100", "csrf_token": form_csrf(member)})
    assert r.status_code == 403
    make_user(db, "mod", "moderator")
    login(client, "mod")
    r = client.post("/moderation/papers/hide", data={"paper_id": "2611.00100", "reason": "off-topic",
                                                     "csrf_token": form_csrf(client)}, follow_redirects=False)
    assert r.status_code == 303
    assert "Bad paper" not in make_client().get(f"/papers/date/{day}").text
    log = make_client().get("/moderation")  # public, no login
    assert log.status_code == 200 and "hide_paper" in log.text and "off-topic" in log.text and "mod" in log.text
    assert make_client().get("/papers/2611.00100/comments").status_code == 404


def test_suspension_ends_sessions_and_tokens(client, make_client, db):
    troll = make_user(db, "troll")
    victim = make_client()
    login(victim, "troll")
    token = accounts.create_api_token(db, troll["id"], "t")
    make_user(db, "mod", "moderator")
    login(client, "mod")
    client.post("/moderation/users/suspend", data={"username": "troll", "reason": "abuse",
                                                   "csrf_token": form_csrf(client)})
    assert victim.get("/account", follow_redirects=False).status_code == 303
    assert login(make_client(), "troll").status_code == 400
    assert make_client().get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    entries = make_client().get("/api/moderation/log").json()
    assert entries[0]["action"] == "suspend_user" and entries[0]["targetLabel"] == "troll"


def test_moderators_cannot_suspend_admins_and_admins_set_roles(client, make_client, db):
    make_user(db, "boss", "admin")
    make_user(db, "mod", "moderator")
    make_user(db, "joe")
    login(client, "mod")
    r = client.post("/moderation/users/suspend", data={"username": "boss", "csrf_token": form_csrf(client)})
    assert r.status_code == 403
    r = client.post("/moderation/users/role", data={"username": "joe", "role": "moderator",
                                                    "csrf_token": form_csrf(client)})
    assert r.status_code == 403
    admin = make_client()
    login(admin, "boss")
    admin.post("/moderation/users/role", data={"username": "joe", "role": "moderator",
                                               "csrf_token": form_csrf(admin)})
    with db.connect() as conn:
        assert user_store.find_by_username(conn, "joe")["role"] == "moderator"


def test_moderation_log_is_append_only(db):
    mod = make_user(db, "mod", "moderator")
    from dailypapers.store import moderation as mod_store

    with db.write() as conn:
        mod_store.log_action(conn, mod, "hide_paper", "paper", "2611.00001", "x", "because")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.write() as conn:
        conn.execute(moderation_log.update().values(reason="rewritten"))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.write() as conn:
        conn.execute(moderation_log.delete())
    with db.connect() as conn:
        assert conn.execute(sa.select(moderation_log.c.reason)).scalars().all() == ["because"]


def test_cli_user_create_admin(settings, db, tmp_path, monkeypatch):
    from dailypapers.cli import cli

    monkeypatch.setenv("DAILYPAPERS_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    r = runner.invoke(cli, ["user", "create", "root@example.org", "--role", "admin", "--password-stdin"],
                      input="a strong admin passphrase\n")
    assert r.exit_code == 0, r.output
    assert "created user root" in r.output and "role admin" in r.output
    assert accounts.authenticate(db, "root@example.org", "a strong admin passphrase")["role"] == "admin"
    r = runner.invoke(cli, ["user", "create", "xavier@example.org", "--password-stdin"], input="password123\n")
    assert r.exit_code != 0 and "too common" in r.output
    r = runner.invoke(cli, ["user", "set-role", "root", "moderator"])
    assert r.exit_code == 0 and "now moderator" in r.output
    r = runner.invoke(cli, ["user", "list"])
    assert "root\troot@example.org\tmoderator\tactive" in r.output
    assert runner.invoke(cli, ["user", "--help"]).exit_code == 0


def test_rate_limit_specs_parse_and_bad_ones_name_the_setting():
    assert parse_limit("rate_login", "5/minute").seconds == 60
    assert parse_limit("rate_vote", "20/300s").count == 20
    assert parse_limit("rate_submit", "3 / hours").seconds == 3600
    with pytest.raises(ConfigError, match="rate_login"):
        parse_limit("rate_login", "five per minute")


def test_bad_rate_setting_stops_the_app(settings, db):
    from dailypapers.web.app import create_app

    with pytest.raises(ConfigError, match="rate_vote"):
        create_app(settings.replace(rate_vote="lots"), db=db)


def test_rate_limits_are_shared_between_processes(settings, db):
    """Two Database objects (as two worker processes would have) count against the same limit."""
    from dailypapers.community import ratelimit
    from dailypapers.store.db import Database

    other = Database(settings)
    try:
        strict = settings.replace(rate_login="3/minute")
        ratelimit.check(db, strict, "login", account="a", ip=None)
        ratelimit.check(other, strict, "login", account="a", ip=None)
        ratelimit.check(db, strict, "login", account="a", ip=None)
        with pytest.raises(ratelimit.RateLimited) as exc:
            ratelimit.check(other, strict, "login", account="a", ip=None)
        assert 1 <= exc.value.retry_after <= 60
    finally:
        other.dispose()


def test_unknown_role_never_passes_require_role():
    from dailypapers.web.auth import require_role

    with pytest.raises(ValueError):
        require_role("superuser")
