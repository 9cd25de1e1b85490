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
    documented = set(re.findall(r"^\| `([a-z_0-9]+)` \|", readme, flags=re.M))
    missing = [name for name in setting_names() if name not in documented]
    assert not missing, f"settings missing from the README's configuration table: {missing}"
    unknown = documented - set(setting_names())
    assert not unknown, f"README documents settings that do not exist: {sorted(unknown)}"
