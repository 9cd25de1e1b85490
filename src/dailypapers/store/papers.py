"""Paper rows: merge-upserts from any source, and the reads the pages and exports need."""

from __future__ import annotations

import hashlib
import json
import operator
import pickle
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any

import sqlalchemy as sa

from dailypapers import gist
from dailypapers.authors import authors_index
from dailypapers.clock import utcnow  # other modules still import it from here
from dailypapers.links import http_url
from dailypapers.records import PaperRecord
from dailypapers.store.schema import paper_categories, papers

# Columns a source may set; their merged values make up the content hash.
CONTENT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(PaperRecord) if f.name not in ("arxiv_id", "guessed"))
_content_values = operator.itemgetter(*CONTENT_FIELDS)  # merge() always returns every content field
LINK_FIELDS = ("code_url", "project_url")
_MERGE_ALWAYS = {"imported_upvotes", "imported_comments", "ai_summary", "ai_keywords", "code_url", "project_url"}


@dataclass
class UpsertResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: UpsertResult) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged


def content_hash(row: dict) -> str:
    # repr of plain values (str, int, list, datetime) is deterministic and several times cheaper than json.dumps.
    payload = repr(_content_values(row))
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def merge(existing: dict | None, record: PaperRecord) -> dict:
    """The stored content after `record` arrives.

    A record of a newer or equal version overwrites what it states; a record of an older (or unknown)
    version only fills gaps, except for the community fields (upvotes, AI summary, links) that only curated
    sources carry, which always take the latest statement. `None` in a record never erases anything.
    """
    incoming = {name: getattr(record, name) for name in CONTENT_FIELDS}
    for name in LINK_FIELDS:  # whatever the source, only http(s) links are stored (a bad one erases nothing)
        incoming[name] = http_url(incoming[name])
    if existing is None:
        merged = dict(incoming)
    else:
        old_version = existing.get("version")
        authoritative = record.version is not None and (old_version is None or record.version >= old_version)
        merged = {name: existing.get(name) for name in CONTENT_FIELDS}
        for name, value in incoming.items():
            if value is None:
                continue
            if merged[name] in (None, "", []) or (
                name not in record.guessed and (authoritative or name in _MERGE_ALWAYS)
            ):
                merged[name] = value
        if record.version is not None and old_version is not None:
            merged["version"] = max(record.version, old_version)
    for name in LINK_FIELDS:  # and a bad link stored before this check goes at the next update
        merged[name] = http_url(merged.get(name))
    merged["title"] = merged.get("title") or ""
    merged["abstract"] = merged.get("abstract") or ""
    merged["authors"] = merged.get("authors") or []
    merged["categories"] = merged.get("categories") or []
    merged["imported_upvotes"] = merged.get("imported_upvotes") or 0
    merged["imported_comments"] = merged.get("imported_comments") or 0
    return merged


def _row_values(merged: dict) -> dict:
    categories = merged.get("categories") or []
    authors = merged.get("authors") or []
    return {
        **{k: merged.get(k) for k in CONTENT_FIELDS if k != "categories"},
        "title": merged.get("title") or "",
        "abstract": merged.get("abstract") or "",
        "authors": authors,
        "authors_text": ", ".join(authors),
        "author_keys": authors_index(authors),
        "categories": " ".join(categories),
        "primary_category": categories[0] if categories else None,
    }


GIST_COLUMNS = ("tldr", "keyphrases", "gist_version")
_NO_GIST = dict.fromkeys(GIST_COLUMNS)


def gist_values(title: str, abstract: str) -> dict:
    """The gist columns of a paper with this text."""
    g = gist.explain(title, abstract)
    return {"tldr": g.tldr, "keyphrases": g.keyphrases, "gist_version": gist.VERSION}


def _gist_for(merged: dict, old: dict | None, compute: bool) -> dict:
    """Keep a stored gist while the text is the same; otherwise compute it now, or leave it for `fill_gists`."""
    if old is not None and old["title"] == merged["title"] and old["abstract"] == merged["abstract"]:
        return {k: old[k] for k in GIST_COLUMNS}
    return gist_values(merged["title"], merged["abstract"]) if compute else _NO_GIST


def _existing_rows(conn: sa.Connection, arxiv_ids: Sequence[str]) -> dict[str, dict]:
    cols = [papers.c.id, papers.c.arxiv_id, papers.c.content_hash, papers.c.categories,
            *(papers.c[name] for name in GIST_COLUMNS)] + [
        papers.c[name] for name in CONTENT_FIELDS if name != "categories"
    ]
    rows = conn.execute(sa.select(*cols).where(papers.c.arxiv_id.in_(list(arxiv_ids)))).mappings()
    out = {}
    for row in rows:
        d = dict(row)
        d["categories"] = d["categories"].split() if d["categories"] else None
        out[d["arxiv_id"]] = d
    return out


def upsert_papers(conn: sa.Connection, records: Iterable[PaperRecord],
                  gists: bool = True) -> tuple[UpsertResult, dict[str, int]]:
    """Merge records into the store (one batch, inside the caller's transaction).

    Returns the counts and the row id of every paper the batch touched, keyed by arXiv id.
    Records for the same paper inside one batch are merged in order. With `gists`, a new paper or a changed
    text gets its TL;DR and keyphrases at once; without (bulk imports), they are left for `fill_gists`.
    """
    result = UpsertResult()
    by_id: dict[str, list[PaperRecord]] = {}
    for rec in records:
        by_id.setdefault(rec.arxiv_id, []).append(rec)
    if not by_id:
        return result, {}
    existing = _existing_rows(conn, list(by_id))
    now = utcnow()
    inserts: list[dict] = []
    updates: list[dict] = []
    for arxiv_id, recs in by_id.items():
        old = existing.get(arxiv_id)
        merged: dict | None = old
        digest = old["content_hash"] if old else None
        for rec in recs:  # counted per record, so duplicates inside a batch count like duplicates across batches
            merged = merge(merged, rec)
            previous, digest = digest, content_hash(merged)
            if previous is None:
                result.new += 1
            elif previous != digest:
                result.updated += 1
            else:
                result.unchanged += 1
        assert merged is not None
        if old is None:
            inserts.append(
                {**_row_values(merged), **_gist_for(merged, None, gists), "arxiv_id": arxiv_id,
                 "content_hash": digest, "created_at": now, "modified_at": now, "hidden": False}
            )
        elif digest != old["content_hash"]:
            updates.append({**_row_values(merged), **_gist_for(merged, old, gists), "_id": old["id"],
                            "content_hash": digest, "modified_at": now, "_categories": merged.get("categories") or []})
    if inserts:
        insert_many(conn, papers, inserts)
    if updates:
        # Naming the text columns costs nothing when they are unchanged: the full-text trigger compares old and new.
        stmt = papers.update().where(papers.c.id == sa.bindparam("_id"))
        conn.execute(stmt, [{k: v for k, v in u.items() if k != "_categories"} for u in updates])
    ids = {a: row["id"] for a, row in existing.items()}
    if inserts:
        new_ids = _ids_for(conn, [r["arxiv_id"] for r in inserts])
        ids.update(new_ids)
        if new_ids:
            _index_new_rows(conn, min(new_ids.values()), max(new_ids.values()))
    _write_categories(conn, ids, inserts, updates)
    return result, ids


def _index_new_rows(conn: sa.Connection, lo: int, hi: int) -> None:
    """Add new rows lo..hi to SQLite's full-text index in one statement (PostgreSQL's column is generated)."""
    if conn.dialect.name != "sqlite":
        return
    # New rowids are max(rowid)+1 onwards inside the write transaction, so the batch is one contiguous range.
    conn.exec_driver_sql(
        "INSERT INTO papers_fts(rowid, title, abstract, authors_text) "
        "SELECT id, title, abstract, authors_text FROM papers WHERE id BETWEEN ? AND ?",
        (lo, hi),
    )


# --- Bulk imports on SQLite: rows prepared away from the writer -------------------------------------------------
#
# A bulk import writes mostly papers the table has never seen. For those, the stored row is a pure function of the
# record (merge(None, record), its content hash, the columns' bind processors), so the importer's reader process
# builds it (`NewPaperRows`) and the writer only looks up which arXiv ids already exist (one index probe each) and
# hands the rest to executemany. Papers that exist, or that come twice in one batch, take `upsert_papers` as before.

# What a prepared row binds, in order; the writer appends created_at, modified_at and hidden.
PREPARED_COLUMNS: tuple[str, ...] = (*CONTENT_FIELDS, "authors_text", "author_keys", "primary_category", "arxiv_id",
                                     "content_hash")
_INSERT_COLUMNS = (*PREPARED_COLUMNS, "created_at", "modified_at", "hidden")
_CATEGORIES_AT = PREPARED_COLUMNS.index("categories")
# A prepared paper: (arxiv_id, driver-ready row as if new, the pickled PaperRecord for when it is not new).
# Plain tuples and bytes: the writer unpickles them several times faster than dataclasses.
PreparedPaper = tuple[str, tuple, bytes]


def _driver_value(value: Any) -> Any:
    # What the sqlite3 module binds for a value: its registered adapter's result (datetimes become ISO text).
    adapt = sqlite3.adapters.get((type(value), sqlite3.PrepareProtocol))
    return adapt(value) if adapt else value


def _binder(column: sa.Column, dialect: sa.Dialect) -> Callable[[Any], Any] | None:
    """The column's bind processor followed by the sqlite3 module's adapter: the exact value the driver stores.

    None where that is the value itself (str, int, None: the driver binds those as they are).
    """
    process = column.type.bind_processor(dialect)
    if process is not None:
        return lambda value: _driver_value(process(value))
    if isinstance(column.type, sa.DateTime | sa.Date):
        return _driver_value
    return None


def _bound(column: sa.Column, dialect: sa.Dialect, value: Any) -> Any:
    binder = _binder(column, dialect)
    return value if binder is None else binder(value)


class NewPaperRows:
    """Builds a paper's SQLite row as if it were new: no database needed, so the reader process can do it."""

    def __init__(self, dialect: sa.Dialect) -> None:
        self._values = operator.itemgetter(*PREPARED_COLUMNS)
        binds = [(i, _binder(papers.c[c], dialect)) for i, c in enumerate(PREPARED_COLUMNS)]
        self._binds = [(i, bind) for i, bind in binds if bind is not None]

    @staticmethod
    def supports(dialect: sa.Dialect) -> bool:
        return dialect.name == "sqlite" and dialect.driver == "pysqlite"

    def __call__(self, record: PaperRecord) -> PreparedPaper:
        merged = merge(None, record)
        values = _row_values(merged)
        values["arxiv_id"] = record.arxiv_id
        values["content_hash"] = content_hash(merged)
        row = list(self._values(values))
        for i, bind in self._binds:
            row[i] = bind(row[i])
        return record.arxiv_id, tuple(row), pickle.dumps(record, pickle.HIGHEST_PROTOCOL)


# WAL pages between automatic checkpoints during a bulk import: ~100 MB instead of SQLite's default 1000 (~4 MB).
# Each checkpoint copies the WAL into the database file and syncs it; fewer of them took 15% off the writer's wall
# time (real data, same run). A per-connection setting, so nothing persists; crash safety is the same.
BULK_WAL_AUTOCHECKPOINT = 25000
DEFAULT_WAL_AUTOCHECKPOINT = 1000


def set_wal_autocheckpoint(conn: sa.Connection, pages: int) -> None:
    """How often this SQLite connection checkpoints its WAL (no-op on other databases)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={int(pages)}")


def upsert_prepared(conn: sa.Connection, prepared: Sequence[PreparedPaper],
                    gists: bool = False) -> tuple[UpsertResult, dict[str, int]]:
    """`upsert_papers` for rows made by `NewPaperRows` (SQLite only): same results, same stored rows.

    New papers get no gist here (it would cost the import ten times its own time); see `fill_gists`."""
    arxiv_ids = [p[0] for p in prepared]
    slow = _present_ids(conn, arxiv_ids)
    if len(set(arxiv_ids)) != len(arxiv_ids):  # a paper twice in one batch is merged in order by upsert_papers
        slow |= {a for a, n in Counter(arxiv_ids).items() if n > 1}
    result, ids = UpsertResult(), dict[str, int]()
    if slow:
        result, ids = upsert_papers(conn, [pickle.loads(p[2]) for p in prepared if p[0] in slow], gists=gists)
    fresh = [p for p in prepared if p[0] not in slow] if slow else prepared
    if fresh:
        ids.update(_insert_fresh(conn, fresh))
        result.new += len(fresh)
    return result, ids


def _present_ids(conn: sa.Connection, arxiv_ids: list[str]) -> set[str]:
    # One bound JSON array instead of thousands of bound parameters; each id is one probe of the unique index.
    rows = conn.exec_driver_sql(
        "SELECT p.arxiv_id FROM json_each(?) AS j JOIN papers AS p ON p.arxiv_id = j.value", (json.dumps(arxiv_ids),)
    )
    return {r[0] for r in rows}


def _insert_fresh(conn: sa.Connection, fresh: Sequence[PreparedPaper]) -> dict[str, int]:
    stamp = _bound(papers.c.created_at, conn.dialect, utcnow())
    tail = (stamp, stamp, _bound(papers.c.hidden, conn.dialect, False))
    lo = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM papers").scalar_one()
    conn.exec_driver_sql(
        f"INSERT INTO papers ({', '.join(_INSERT_COLUMNS)}) VALUES ({', '.join('?' * len(_INSERT_COLUMNS))})",
        [p[1] + tail for p in fresh],
    )
    hi = conn.exec_driver_sql("SELECT max(id) FROM papers").scalar_one()
    # SQLite gives a row without an explicit id max(rowid)+1, so the batch got lo+1..hi in insert order; the
    # full-text indexing below relies on that too. Anything else rolls the batch back rather than misfile ids.
    if hi - lo != len(fresh):
        raise RuntimeError(f"new paper ids are not contiguous ({lo}..{hi} for {len(fresh)} rows)")
    ids = {p[0]: lo + 1 + i for i, p in enumerate(fresh)}
    _index_new_rows(conn, lo + 1, hi)
    categories = [
        (ids[p[0]], c, i) for p in fresh for i, c in enumerate(dict.fromkeys(p[1][_CATEGORIES_AT].split()))
    ]
    if categories:
        conn.exec_driver_sql("INSERT INTO paper_categories (paper_id, category, position) VALUES (?, ?, ?)",
                             categories)
    return ids


def insert_many(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """Insert rows that all have the same keys.

    On SQLite the rows go straight to the driver's executemany, converted by the columns' own bind processors:
    the same values SQLAlchemy would send, at about half the CPU per row (bulk imports are dominated by this).
    """
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), rows)
        return
    cols = list(rows[0])
    procs = [table.c[c].type.bind_processor(conn.dialect) for c in cols]
    sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    conn.exec_driver_sql(sql, [tuple(p(r[c]) if p else r[c] for c, p in zip(cols, procs, strict=True))
                               for r in rows])


def _ids_for(conn: sa.Connection, arxiv_ids: Sequence[str]) -> dict[str, int]:
    rows = conn.execute(sa.select(papers.c.arxiv_id, papers.c.id).where(papers.c.arxiv_id.in_(list(arxiv_ids))))
    return {a: i for a, i in rows}


def _write_categories(conn: sa.Connection, ids: dict[str, int], inserts: list[dict], updates: list[dict]) -> None:
    rows: list[dict[str, Any]] = []
    for ins in inserts:
        cats = ins["categories"].split()
        pid = ids[ins["arxiv_id"]]
        rows.extend({"paper_id": pid, "category": c, "position": i} for i, c in enumerate(dict.fromkeys(cats)))
    if updates:
        conn.execute(paper_categories.delete().where(paper_categories.c.paper_id.in_([u["_id"] for u in updates])))
        for upd in updates:
            cats = list(dict.fromkeys(upd["_categories"]))
            rows.extend({"paper_id": upd["_id"], "category": c, "position": i} for i, c in enumerate(cats))
    if rows:
        insert_many(conn, paper_categories, rows)


def get_paper(conn: sa.Connection, arxiv_id: str) -> dict | None:
    row = conn.execute(sa.select(papers).where(papers.c.arxiv_id == arxiv_id)).mappings().first()
    return dict(row) if row else None


def arxiv_id_of(conn: sa.Connection, paper_id: int) -> str:
    return conn.execute(sa.select(papers.c.arxiv_id).where(papers.c.id == paper_id)).scalar_one()


def count_papers(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one()


def iter_papers(conn: sa.Connection, batch_size: int = 1000) -> Iterator[dict]:
    """Every paper in arXiv-id order, read in keyset-paged batches so memory stays flat."""
    last = ""
    while True:
        rows = conn.execute(
            sa.select(papers).where(papers.c.arxiv_id > last).order_by(papers.c.arxiv_id).limit(batch_size)
        ).mappings().all()
        if not rows:
            return
        for row in rows:
            yield dict(row)
        last = rows[-1]["arxiv_id"]
