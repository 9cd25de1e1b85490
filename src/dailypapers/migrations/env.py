"""Alembic environment: always run with a connection handed in by dailypapers.store.db.upgrade()."""

from alembic import context

from dailypapers.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `dailypapers db upgrade`, which passes the connection")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
