"""Settings: defaults, overridden by an optional TOML file, overridden by environment variables.

Every field of `Settings` is a documented setting (the README lists each one; a test keeps them in step).
The environment variable for field `x_y` is `DAILYPAPERS_X_Y`; the TOML file uses the field names as keys.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

ENV_PREFIX = "DAILYPAPERS_"
CONFIG_ENV = "DAILYPAPERS_CONFIG"
DEFAULT_CONFIG_FILE = "dailypapers.toml"


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names the setting and its source."""


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///dailypapers.db"
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = "http://127.0.0.1:8000"
    site_name: str = "dailypapers"
    log_level: str = "INFO"
    import_batch_size: int = 5000
    sqlite_busy_timeout_ms: int = 30000
    # Mail (issue 7): delivery backend and SMTP server.
    mail_backend: str = ""
    mail_from: str = "dailypapers <digest@localhost>"
    mail_file_dir: str = "mail-outbox"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_timeout_s: float = 30.0
    mail_rate: float = 0.0
    mail_connections: int = 4
    mail_retry_attempts: int = 4
    mail_retry_backoff_s: float = 2.0
    mail_list_id: str = ""
    mail_webhook_secret: str = ""
    mail_admin_token: str = ""
    mail_soft_bounce_limit: int = 3
    # Digests (issue 7): what goes in them and when `serve` sends them.
    digest_trending_count: int = 10
    digest_topic_count: int = 5
    digest_schedule_enabled: bool = True
    digest_hour: int = 7
    digest_timezone: str = "UTC"
    digest_weekly_day: str = "monday"
    session_days: int = 30
    trusted_proxies: list[str] = field(default_factory=lambda: ["127.0.0.1", "::1"])
    password_reset_minutes: int = 60
    rate_login: str = "5/minute"
    rate_vote: str = "60/minute"
    rate_comment: str = "10/minute"
    rate_submit: str = "10/hour"
    rate_ip_multiplier: int = 4
    new_account_hours: int = 24
    new_account_rate_divisor: int = 4
    submission_max_age_days: int = 14
    submissions_per_day: int = 5
    trending_window_days: int = 14
    page_cache_entries: int = 256
    embedding_model: str = "minilm-int8"
    embedding_max_tokens: int = 256
    embedding_threads: int = 0
    index_batch_size: int = 64
    index_on_serve: bool = True
    keyword_index_in_memory: bool = True
    arxiv_oai_url: str = "https://oaipmh.arxiv.org/oai"
    arxiv_rss_url: str = "https://rss.arxiv.org/rss"
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    arxiv_categories: list[str] = field(default_factory=lambda: ["cs.AI", "cs.CL", "cs.CV", "cs.LG", "stat.ML"])
    arxiv_metadata_prefix: str = "arXivRaw"
    arxiv_contact: str = ""
    arxiv_request_spacing_s: float = 3.0
    arxiv_timeout_s: float = 60.0
    arxiv_max_retries: int = 4
    backfill_days: int = 7
    sync_in_serve: bool = True
    sync_time: str = "00:30"
    sync_timezone: str = "America/New_York"
    daily_list_policy: str = "all"
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(name: str, raw: Any, target: Any, source: str) -> Any:
    if target is bool or target == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off"}:
            return False
        raise ConfigError(f"{source}: setting {name!r} must be true or false, got {raw!r}")
    if target is int or target == "int":
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"{source}: setting {name!r} must be an integer, got {raw!r}") from None
    if target is float or target == "float":
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"{source}: setting {name!r} must be a number, got {raw!r}") from None
    if target in (list, "list[str]"):
        if isinstance(raw, list):
            return [str(x) for x in raw]
        return [part for part in str(raw).replace(",", " ").split() if part]
    return str(raw)


def setting_names() -> list[str]:
    return [f.name for f in fields(Settings) if f.name != "extra"]


def load_settings(config_file: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None) -> Settings:
    """Build settings from defaults, the TOML file (if any) and the environment."""
    env = dict(os.environ if env is None else env)
    values: dict[str, Any] = {}
    types = {f.name: f.type for f in fields(Settings)}
    path = config_file or env.get(CONFIG_ENV)
    if path is None and Path(DEFAULT_CONFIG_FILE).is_file():
        path = DEFAULT_CONFIG_FILE
    if path is not None:
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {p} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {p}: {exc}") from None
        for key, raw in data.items():
            if key not in types or key == "extra":
                raise ConfigError(f"config file {p}: unknown setting {key!r}")
            values[key] = _coerce(key, raw, types[key], f"config file {p}")
    for name in setting_names():
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = _coerce(name, raw, types[name], f"environment variable {ENV_PREFIX}{name.upper()}")
    return Settings(**values)
