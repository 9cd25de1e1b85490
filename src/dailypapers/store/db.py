"""Engine creation for SQLite (default) and PostgreSQL, and schema upgrades through Alembic."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from dailypapers.config import ConfigError, Settings

log = logging.getLogger(__name__)
_UPGRADE_LOCK_KEY = 0x64707570  # "dpup": the session advisory lock that serialises schema upgrades on PostgreSQL


def _sqlite_pragmas(busy_timeout_ms: int):
    def on_connect(dbapi_conn, _record) -> None:
        # Let SQLAlchemy's transaction handling rule, not pysqlite's implicit BEGINs (so BEGIN IMMEDIATE works).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        # 32 MiB page cache (default 2 MiB): bulk imports keep the id and full-text B-trees hot.
        cur.execute("PRAGMA cache_size=-32768")
        cur.close()

    return on_connect


def _sqlite_begin(conn) -> None:
    # IMMEDIATE takes the write lock up front: two writers wait on busy_timeout instead of one failing with
    # "database is locked" when it upgrades a read transaction.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")


def make_engine(settings: Settings) -> sa.Engine:
    url = sa.make_url(settings.database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas(settings.sqlite_busy_timeout_ms))
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    raise ConfigError(f"setting 'database_url': unsupported database {backend!r} (use sqlite:/// or postgresql://)")


def _alembic_config(conn: sa.Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parent.parent / "migrations"))
    cfg.attributes["connection"] = conn
    return cfg


class Database:
    """Owns the engine. Reads use `connect()`, writes use `write()` (one transaction, write lock taken early)."""

    def __init__(self, settings: Settings, engine: sa.Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def connect(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            conn.info["write"] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop("write", None)

    def upgrade(self) -> list[str]:
        """Bring the schema to the newest revision of every branch; returns the revisions applied."""
        with self.engine.connect() as conn:
            locked = self.dialect == "postgresql"
            if locked:  # processes starting together on a fresh database upgrade one after the other
                conn.exec_driver_sql(f"SELECT pg_advisory_lock({_UPGRADE_LOCK_KEY})")
                conn.commit()
            try:
                cfg = _alembic_config(conn)
                before = set(MigrationContext.configure(conn).get_current_heads())
                command.upgrade(cfg, "heads")
                conn.commit()
                after = set(MigrationContext.configure(conn).get_current_heads())
            finally:
                if locked:
                    conn.rollback()
                    conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_UPGRADE_LOCK_KEY})")
                    conn.commit()
        applied = sorted(after - before)
        if applied:
            log.info("database schema upgraded: %s", ", ".join(applied))
        return applied

    def pending_revisions(self) -> list[str]:
        with self.engine.connect() as conn:
            script = ScriptDirectory.from_config(_alembic_config(conn))
            current = set(MigrationContext.configure(conn).get_current_heads())
        heads = set(script.get_heads())
        return sorted(heads - current)

    def dispose(self) -> None:
        self.engine.dispose()
