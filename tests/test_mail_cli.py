import csv
import io
from datetime import date, datetime

from click.testing import CliRunner

from dailypapers.cli import cli
from dailypapers.mail.backends import MemoryBackend
from dailypapers.store import subscriptions as sstore
from tests.mail_helpers import add_subscriber, seed_papers

DAY = date(2025, 3, 5)


def _invoke(settings, *args, **env):
    environment = {"DAILYPAPERS_DATABASE_URL": settings.database_url, "DAILYPAPERS_MAIL_BACKEND": "memory",
                   "DAILYPAPERS_BASE_URL": "https://papers.example.org", "DAILYPAPERS_CONFIG": None, **env}
    return CliRunner().invoke(cli, list(args), env=environment, catch_exceptions=False)


def test_import_then_export_round_trip(db, settings, tmp_path):
    src = tmp_path / "list.csv"
    src.write_text("email,frequency,topics\n"
                   "Ada@Example.org,weekly,cat:cs.CL; author:Grace Hopper; diffusion models\n"
                   "bob@example.org,,\n"
                   "not-an-address,daily,\n"
                   "carol@example.org,hourly,\n"
                   "bob@example.org,weekly,\n", encoding="utf-8")
    MemoryBackend.outbox.clear()
    result = _invoke(settings, "subscribers", "import", str(src))
    assert result.exit_code == 1
    assert "2 new, 0 updated, 3 rejected, 2 confirmation mails sent" in result.output
    assert "list.csv: line 4: email: 'not-an-address' is not a valid email address" in result.output
    assert "line 5: frequency: must be daily or weekly, got 'hourly'" in result.output
    assert "line 6: email: bob@example.org appears twice" in result.output
    assert sorted(m["To"] for m in MemoryBackend.outbox) == ["ada@example.org", "bob@example.org"]
    # Pending addresses are not exported; --confirmed imports opt them in without another mail.
    assert _invoke(settings, "subscribers", "export").output == "email,frequency,topics\n"
    MemoryBackend.outbox.clear()
    assert _invoke(settings, "subscribers", "import", "--confirmed", str(src)).exit_code == 1
    assert MemoryBackend.outbox == []
    out = _invoke(settings, "subscribers", "export").output
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows == [{"email": "ada@example.org", "frequency": "weekly",
                     "topics": "cat:cs.CL; author:Grace Hopper; diffusion models"},
                    {"email": "bob@example.org", "frequency": "daily", "topics": ""}]
    # An import never revives an unsubscribed address.
    with db.write() as conn:
        sstore.unsubscribe(conn, sstore.get_by_email(conn, "bob@example.org")["token"], datetime(2025, 3, 5))
    (tmp_path / "again.csv").write_text("email\nbob@example.org\n")
    assert _invoke(settings, "subscribers", "import", "--confirmed", str(tmp_path / "again.csv")).exit_code == 0
    with db.connect() as conn:
        assert sstore.get_by_email(conn, "bob@example.org")["status"] == "unsubscribed"


def test_import_errors_name_the_file(settings, tmp_path):
    missing = _invoke(settings, "subscribers", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "nope.csv" in missing.output
    bad = tmp_path / "bad.csv"
    bad.write_text("mail,frequency\nx@example.org,daily\n")
    result = _invoke(settings, "subscribers", "import", str(bad))
    assert result.exit_code == 1 and "bad.csv: line 1: missing column(s) email" in result.output


def test_digest_send_and_preview(db, settings):
    seed_papers(db, DAY, 6)
    add_subscriber(db, "a@example.org", topics=[{"kind": "category", "value": "cs.LG"}])
    MemoryBackend.outbox.clear()
    preview = _invoke(settings, "digest", "preview", "--email", "A@example.org", "--date", DAY.isoformat())
    assert preview.exit_code == 0
    assert "Subject: dailypapers daily digest — Wed 05 Mar 2025" in preview.output
    assert "https://papers.example.org/papers/2511.00001" in preview.output
    html = _invoke(settings, "digest", "preview", "--email", "a@example.org", "--html", "--date", DAY.isoformat())
    assert "<h1" in html.output and 'style="' in html.output
    assert MemoryBackend.outbox == []
    assert _invoke(settings, "digest", "preview", "--email", "zed@example.org").exit_code == 1
    sent = _invoke(settings, "digest", "send", "--period", "daily", "--date", DAY.isoformat())
    assert sent.exit_code == 0 and "daily:2025-03-05: 1 sent, 0 failed" in sent.output
    again = _invoke(settings, "digest", "send", "--period", "daily", "--date", DAY.isoformat())
    assert "0 sent" in again.output and len(MemoryBackend.outbox) == 1
    bad = _invoke(settings, "digest", "send", "--period", "hourly")
    assert bad.exit_code == 2 and "--period" in bad.output
