"""A fresh, empty PostgreSQL database on the test server, for tests that need one beside the `db` fixture's."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import sqlalchemy as sa


def new_postgres_database(server_url: str) -> tuple[str, Callable[[], None]]:
    """(url, drop): a new database named at random; `drop()` removes it."""
    base = sa.make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop
