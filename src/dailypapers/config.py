"""Settings: defaults, overridden by an optional TOML file, overridden by environment variables.

Every field of `Settings` is a documented setting (the README lists each one; a test keeps them in step).
The environment variable for field `x_y` is `DAILYPAPERS_X_Y`; the TOML file uses the field names as keys.
`Settings` is one declarative pydantic model: each field's type, enum or validator is the only check of its value,
run when settings are made (`Settings(...)`, `load_settings`, `Settings.replace`), so a bad value stops the
program at start with a `ConfigError` naming the setting (and the file or variable it came from).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)

ENV_PREFIX = "DAILYPAPERS_"
CONFIG_ENV = "DAILYPAPERS_CONFIG"
DEFAULT_CONFIG_FILE = "dailypapers.toml"
ARXIV_MIN_SPACING_S = 3.0  # arXiv's terms of use: no more than one request every three seconds


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names the setting and its source.

    `problems` holds (setting, sentence) pairs, so a caller that knows where each value came from can say so."""

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [("", message)]


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


class MailBackendName(StrEnum):
    AUTO = ""  # smtp when smtp_host is set, else file
    SMTP = "smtp"
    FILE = "file"
    CONSOLE = "console"
    MEMORY = "memory"


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"


class MetadataPrefix(StrEnum):
    ARXIV_RAW = "arXivRaw"
    ARXIV = "arXiv"


class DailyListPolicy(StrEnum):
    ALL = "all"
    CURATED = "curated"


# -- value checks (each raises ValueError with the end of a sentence that starts "setting 'x' ") -------------------

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(?:(\d+)\s*s|(second|minute|hour|day)s?)\s*$")
_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def parse_limit(name: str, spec: str) -> Limit:
    """A rate limit like '5/minute' or '20/300s' (setting `name`)."""
    try:
        return _limit(spec)
    except ValueError as exc:
        raise ConfigError(f"setting {name!r} {exc}, got {spec!r}") from None


def _limit(spec: str) -> Limit:
    m = _RATE.match(spec or "")
    if not m or int(m.group(1)) < 1:
        raise ValueError("must be a limit like '5/minute' or '20/300s'")
    seconds = int(m.group(2)) if m.group(2) else _PERIODS[m.group(3)]
    if seconds < 1:
        raise ValueError("must have a period of at least one second")
    return Limit(int(m.group(1)), seconds)


def _rate(spec: str) -> str:
    _limit(spec)
    return spec


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("is not a known IANA time zone (like Europe/Paris)") from None
    return name


def _clock_time(text: str) -> str:
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(hours) < 24 and int(minutes) < 60):
        raise ValueError("must be HH:MM (24-hour)")
    return text.strip()


def _words(raw: Any) -> Any:
    """A list from TOML, or from text separated by spaces or commas."""
    if isinstance(raw, str):
        return [part for part in raw.replace(",", " ").split() if part]
    if isinstance(raw, list | tuple):
        return [str(x) for x in raw]
    return raw


def _lower(raw: Any) -> Any:
    return raw.strip().lower() if isinstance(raw, str) else raw


def _upper(raw: Any) -> Any:
    return raw.strip().upper() if isinstance(raw, str) else raw


Words = Annotated[list[str], BeforeValidator(_words)]
RateSpec = Annotated[str, AfterValidator(_rate)]
TimeZone = Annotated[str, AfterValidator(_zone)]
ClockTime = Annotated[str, AfterValidator(_clock_time)]


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True, validate_default=True)

    database_url: str = "sqlite:///dailypapers.db"
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = "http://127.0.0.1:8000"
    site_name: str = "dailypapers"
    log_level: Annotated[LogLevel, BeforeValidator(_upper)] = LogLevel.INFO
    import_batch_size: int = Field(5000, ge=1)
    sqlite_busy_timeout_ms: int = Field(30000, ge=0)
    # Mail (issue 7): delivery backend and SMTP server.
    mail_backend: Annotated[MailBackendName, BeforeValidator(_lower)] = MailBackendName.AUTO
    mail_from: str = "dailypapers <digest@localhost>"
    mail_file_dir: str = "mail-outbox"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: Annotated[SmtpSecurity, BeforeValidator(_lower)] = SmtpSecurity.STARTTLS
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_timeout_s: float = Field(30.0, gt=0)
    mail_rate: float = Field(0.0, ge=0)
    mail_connections: int = Field(4, ge=1)
    mail_retry_attempts: int = Field(4, ge=1)
    mail_retry_backoff_s: float = Field(2.0, ge=0)
    mail_list_id: str = ""
    mail_webhook_secret: SecretStr = SecretStr("")
    mail_soft_bounce_limit: int = Field(3, ge=1)
    # Digests (issue 7): what goes in them and when `serve` sends them.
    digest_trending_count: int = Field(10, ge=0)
    digest_topic_count: int = Field(5, ge=0)
    digest_schedule_enabled: bool = True
    digest_hour: int = Field(7, ge=0, le=23)
    digest_timezone: TimeZone = "UTC"
    digest_weekly_day: Annotated[Weekday, BeforeValidator(_lower)] = Weekday.MONDAY
    session_days: int = Field(30, ge=1)
    trusted_proxies: Words = ["127.0.0.1", "::1"]
    password_reset_minutes: int = Field(60, ge=1)
    rate_login: RateSpec = "5/minute"
    rate_vote: RateSpec = "60/minute"
    rate_comment: RateSpec = "10/minute"
    rate_submit: RateSpec = "10/hour"
    rate_ip_multiplier: int = Field(4, ge=1)
    new_account_hours: int = Field(24, ge=0)
    new_account_rate_divisor: int = Field(4, ge=1)
    submission_max_age_days: int = Field(14, ge=0)
    submissions_per_day: int = Field(5, ge=0)
    trending_window_days: int = Field(14, ge=1)
    page_cache_entries: int = Field(256, ge=0)
    max_body_bytes: int = Field(1_048_576, ge=1)
    rate_subscribe: RateSpec = "5/hour"
    submission_lookup_wait_s: float = Field(3.0, ge=0)
    embedding_model: str = "minilm-q8"
    # 192, not 256: the same hybrid figures on the dev files at 1.4x the papers/s (bench/RESULTS.md, round four)
    embedding_max_tokens: int = Field(192, ge=8)
    embedding_threads: int = Field(0, ge=0)
    index_batch_size: int = Field(64, ge=1)
    index_on_serve: bool = True
    keyword_index_in_memory: bool = True
    recs_vocabulary_papers: int = 20000
    arxiv_oai_url: str = "https://oaipmh.arxiv.org/oai"
    arxiv_rss_url: str = "https://rss.arxiv.org/rss"
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    arxiv_categories: Annotated[Words, Field(min_length=1)] = ["cs.AI", "cs.CL", "cs.CV", "cs.LG", "stat.ML"]
    arxiv_metadata_prefix: MetadataPrefix = MetadataPrefix.ARXIV_RAW
    arxiv_contact: str = ""
    arxiv_request_spacing_s: float = Field(ARXIV_MIN_SPACING_S, ge=ARXIV_MIN_SPACING_S)
    arxiv_timeout_s: float = Field(60.0, gt=0)
    arxiv_max_retries: int = Field(4, ge=0)
    backfill_days: int = Field(7, ge=1)
    sync_in_serve: bool = True
    sync_time: ClockTime = "00:30"
    sync_timezone: TimeZone = "America/New_York"
    daily_list_policy: Annotated[DailyListPolicy, BeforeValidator(_lower)] = DailyListPolicy.ALL
    # Several processes and hosts (issue 15): background jobs and their leases.
    jobs_in_serve: bool = True
    job_lease_seconds: float = Field(30.0, gt=0)

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            problems = explain(exc)
            raise ConfigError("; ".join(line for _, line in problems), problems) from None

    @model_validator(mode="after")
    def _smtp_needs_a_host(self) -> Settings:
        if self.mail_backend == MailBackendName.SMTP and not self.smtp_host:
            raise ValueError("setting 'mail_backend' is 'smtp' but 'smtp_host' is empty")
        return self

    def replace(self, **changes: Any) -> Settings:
        """A copy with `changes`, checked like any other settings."""
        return type(self)(**{**self.model_dump(), **changes})


_PHRASES = {
    "int_parsing": "must be an integer", "int_type": "must be an integer", "int_from_float": "must be an integer",
    "float_parsing": "must be a number", "float_type": "must be a number",
    "bool_parsing": "must be true or false", "bool_type": "must be true or false",
    "string_type": "must be text", "list_type": "must be a list",
    "extra_forbidden": "is not a setting",
}


def explain(exc: ValidationError) -> list[tuple[str, str]]:
    """(setting, "setting 'x' must be …, got …") for each bad value."""
    problems = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        kind, ctx, got = error["type"], error.get("ctx") or {}, error.get("input")
        if kind == "value_error":
            message = str(ctx.get("error", error["msg"]))
            line = message if message.startswith("setting ") else f"setting {name!r} {message}, got {got!r}"
        elif kind == "extra_forbidden":
            line = f"unknown setting {name!r}"
        elif kind == "enum":
            line = f"setting {name!r} must be one of {ctx.get('expected', '')}, got {got!r}"
        elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
            bound = {"greater_than_equal": "at least", "greater_than": "more than", "less_than_equal": "at most",
                     "less_than": "less than"}[kind]
            limit = next(iter(ctx.values()), "")
            line = f"setting {name!r} must be {bound} {limit}, got {got!r}"
        elif kind == "too_short":
            line = f"setting {name!r} is empty: name at least one"
        else:
            line = f"setting {name!r} {_PHRASES.get(kind, error['msg'].lower())}, got {got!r}"
        problems.append((name, line))
    return problems


def setting_names() -> list[str]:
    return list(Settings.model_fields)


def load_settings(config_file: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None) -> Settings:
    """Build settings from defaults, the TOML file (if any) and the environment."""
    env = dict(os.environ if env is None else env)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
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
            if key not in Settings.model_fields:
                raise ConfigError(f"config file {p}: unknown setting {key!r}")
            values[key], sources[key] = raw, f"config file {p}"
    for name in setting_names():
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name], sources[name] = raw, f"environment variable {ENV_PREFIX}{name.upper()}"
    try:
        return Settings(**values)
    except ConfigError as exc:
        lines = [f"{sources[name]}: {line}" if name in sources else line for name, line in exc.problems]
        raise ConfigError("; ".join(lines), exc.problems) from None
