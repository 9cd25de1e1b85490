"""Copy every table of one database into another (SQLite -> PostgreSQL, or back): `dailypapers db copy`.

The target must have the current schema and no rows (it is upgraded first by the command). Tables go in foreign-key
order, in batches, ids kept, so users, sessions, votes, comments, subscriptions, deliveries, harvest checkpoints and
search vectors all arrive as they were; the target's own triggers fill its full-text index and text-change log.
Vectors are converted between pgvector and raw float32 bytes. PostgreSQL sequences are moved past the copied ids.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sqlalchemy as sa

from dailypapers.store import vectors as vector_store
from dailypapers.store.schema import metadata, paper_vectors, papers, subscribers, users

BATCH = 2000


class CopyRefused(RuntimeError):
    """The target is not empty (the message names a table with rows)."""


def copy_database(source: sa.Engine, target: sa.Engine,
                  progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every row; returns rows copied per table."""
    tables = [t for t in metadata.sorted_tables if sa.inspect(source).has_table(t.name)]
    with target.connect() as conn:
        for table in (papers, users, subscribers):
            if conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one():
                raise CopyRefused(f"the target database is not empty (table {table.name!r} has rows)")
    copied: dict[str, int] = {}
    with source.connect() as src, target.begin() as dst:
        for table in reversed(tables):  # rows the migrations seeded (search_state) make way for the source's
            if dst.execute(sa.select(sa.func.count()).select_from(table)).scalar_one():
                dst.execute(table.delete())
        for table in tables:
            copied[table.name] = _copy_table(src, dst, table)
            if progress:
                progress(table.name, copied[table.name])
        if dst.dialect.name == "postgresql":
            _move_sequences(dst, tables)
    return copied


def _copy_table(src: sa.Connection, dst: sa.Connection, table: sa.Table) -> int:
    key = list(table.primary_key.columns)
    columns: list[sa.ColumnElement] = list(table.c)
    convert = None
    if table is paper_vectors:
        convert = _vector_converter(src, dst)
        if vector_store.uses_pgvector(src):  # read pgvector values as their text form
            columns = [c for c in table.c if c.name != "embedding"] + \
                [sa.literal_column("embedding::text").label("embedding")]
    count, last = 0, None
    while True:  # keyset pagination on the primary key: no OFFSET scans on large tables
        query = sa.select(*columns).order_by(*key).limit(BATCH)
        if last is not None:
            query = query.where(sa.tuple_(*key) > sa.tuple_(*last)) if len(key) > 1 else query.where(key[0] > last[0])
        rows = [dict(r) for r in src.execute(query).mappings()]
        if not rows:
            return count
        if convert is not None:
            convert(rows)
        else:
            dst.execute(table.insert(), rows)
        count += len(rows)
        last = tuple(rows[-1][c.name] for c in key)


def _vector_converter(src: sa.Connection, dst: sa.Connection) -> Callable[[list[dict]], None]:
    from_pg, to_pg = vector_store.uses_pgvector(src), vector_store.uses_pgvector(dst)
    embedding = "CAST(:embedding AS vector)" if to_pg else ":embedding"
    insert = sa.text("INSERT INTO paper_vectors (paper_id, model, seq, created_at, embedding) "
                     f"VALUES (:paper_id, :model, :seq, :created_at, {embedding})")

    def write(rows: list[dict]) -> None:
        for row in rows:
            vector = vector_store._decode(row["embedding"], from_pg)
            row["embedding"] = vector_store._pg_literal(vector) if to_pg else \
                np.asarray(vector, dtype="<f4").tobytes()
        dst.execute(insert, rows)

    return write


def _move_sequences(dst: sa.Connection, tables: list[sa.Table]) -> None:
    for table in tables:
        for column in table.primary_key.columns:
            if not column.autoincrement or not isinstance(column.type, sa.Integer) or column.foreign_keys:
                continue
            sequence = dst.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                   {"t": table.name, "c": column.name}).scalar()
            if sequence:
                dst.execute(sa.text(f"SELECT setval(:s, COALESCE((SELECT max({column.name}) FROM {table.name}), 0) "
                                    "+ 1, false)"), {"s": sequence})
