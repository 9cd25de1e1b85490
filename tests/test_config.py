import re
from pathlib import Path

import pytest

from dailypapers.config import ConfigError, Settings, load_settings, setting_names

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_without_file_or_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_settings(env={})
    assert s == Settings()
    assert s.database_url == "sqlite:///dailypapers.db"


def test_environment_overrides_file(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('port = 9000\nsite_name = "Lab papers"\n')
    s = load_settings(f, env={"DAILYPAPERS_PORT": "9100"})
    assert s.port == 9100
    assert s.site_name == "Lab papers"


def test_bad_values_name_the_setting_and_source(tmp_path):
    with pytest.raises(ConfigError, match="DAILYPAPERS_PORT.*'port' must be an integer"):
        load_settings(env={"DAILYPAPERS_PORT": "eighty"})
    f = tmp_path / "c.toml"
    f.write_text("colour = 'red'\n")
    with pytest.raises(ConfigError, match=r"c\.toml: unknown setting 'colour'"):
        load_settings(f, env={})
    f.write_text("port = [\n")
    with pytest.raises(ConfigError, match=r"c\.toml"):
        load_settings(f, env={})


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    # The configuration section only: other tables (the MCP tools) have rows of the same shape.
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_0-9]+)` \|", section, flags=re.M))
    missing = [name for name in setting_names() if name not in documented]
    assert not missing, f"settings missing from the README's configuration table: {missing}"
    unknown = documented - set(setting_names())
    assert not unknown, f"README documents settings that do not exist: {sorted(unknown)}"


def test_repr_hides_secrets_and_code_reads_them_on_purpose():
    s = Settings(smtp_password="hunter2", mail_webhook_secret="xyzzy-42")
    assert "hunter2" not in repr(s) and "xyzzy-42" not in repr(s) and "hunter2" not in str(s)
    assert s.smtp_password.get_secret_value() == "hunter2"
    assert s.replace(port=9000).smtp_password.get_secret_value() == "hunter2"


@pytest.mark.parametrize(("values", "message"), [
    ({"sync_time": "24:00"}, "setting 'sync_time' must be HH:MM"),
    ({"sync_timezone": "Mars/Olympus"}, "setting 'sync_timezone' is not a known IANA time zone"),
    ({"digest_timezone": "Europe/Atlantis"}, "setting 'digest_timezone' is not a known IANA time zone"),
    ({"digest_hour": 24}, "setting 'digest_hour' must be at most 23"),
    ({"digest_weekly_day": "someday"}, "setting 'digest_weekly_day' must be one of"),
    ({"rate_comment": "10 per minute"}, "setting 'rate_comment' must be a limit like '5/minute'"),
    ({"rate_submit": "0/hour"}, "setting 'rate_submit' must be a limit"),
    ({"log_level": "LOUD"}, "setting 'log_level' must be one of"),
    ({"smtp_security": "ssl3"}, "setting 'smtp_security' must be one of"),
    ({"mail_connections": 0}, "setting 'mail_connections' must be at least 1"),
    ({"backfill_days": 0}, "setting 'backfill_days' must be at least 1"),
    ({"mail_backend": "smtp"}, "'smtp_host' is empty"),
    ({"colour": "red"}, "unknown setting 'colour'"),
])
def test_every_bad_value_is_refused_when_settings_are_made(values, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        Settings(**values)
    with pytest.raises(ConfigError, match=re.escape(message)):
        Settings().replace(**values)


def test_enums_and_lists_read_text_from_files_and_the_environment(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('mail_backend = " Console "\nlog_level = "debug"\narxiv_categories = ["cs.CL"]\n'
                 'smtp_password = 1234\n')
    s = load_settings(f, env={"DAILYPAPERS_TRUSTED_PROXIES": "10.0.0.0/8, ::1", "DAILYPAPERS_INDEX_ON_SERVE": "off",
                              "DAILYPAPERS_DIGEST_WEEKLY_DAY": "Friday"})
    assert (s.mail_backend, s.log_level, s.digest_weekly_day) == ("console", "DEBUG", "friday")
    assert s.arxiv_categories == ["cs.CL"] and s.trusted_proxies == ["10.0.0.0/8", "::1"]
    assert s.index_on_serve is False and s.smtp_password.get_secret_value() == "1234"
    with pytest.raises(ConfigError, match=r"c\.toml: setting 'sync_time' must be HH:MM"):
        f.write_text('sync_time = "7 am"\n')
        load_settings(f, env={})
