"""Keyword search SQL: SQLite FTS5 BM25 and PostgreSQL full-text search behind one function, plus the filter and
row reads the search package needs. Queries arrive already parsed into plain word tokens (letters and digits only),
so nothing the user typed is ever spliced into SQL or FTS syntax unquoted."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dtime

import sqlalchemy as sa

from dailypapers.store.schema import paper_categories, papers

# BM25 column weights (title, abstract, authors), tuned on the dev query files (see bench/RESULTS.md).
SQLITE_WEIGHTS = (2.0, 1.0, 0.5)
# Long queries keep only their rarest words in the OR query (bounds the work of a 10 kB query). Leaving out common
# words of ordinary queries was measured too: faster, but it cost up to 0.15 R@1 on the paraphrase dev set.
COMMON_SHARE = 1.0
MAX_OR_TERMS = 24
# Result lists up to this long are ranked inside FTS5 alone first (see _fts_only_top); longer ones (internal
# "which papers contain these words" look-ups) keep the joined query.
FAST_PATH_LIMIT = 2000


@dataclass
class Filters:
    categories: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None
    excluded: list[str] = field(default_factory=list)  # words none of whose forms may appear (keyword syntax)


@dataclass
class KeywordQuery:
    words: list[str]  # distinct content words, OR-ed
    phrases: list[list[str]] = field(default_factory=list)  # every phrase must match


def _filter_clauses(filters: Filters, paper_id: sa.ColumnElement) -> list[sa.ColumnElement]:
    clauses: list[sa.ColumnElement] = [papers.c.hidden == sa.false()]
    if filters.categories:
        sub = sa.select(paper_categories.c.paper_id).where(
            paper_categories.c.category.in_(filters.categories), paper_categories.c.paper_id == paper_id
        )
        clauses.append(sa.exists(sub))
    for author in filters.authors:
        escaped = author.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(papers.c.authors_text.ilike(f"%{escaped}%", escape="\\"))
    if filters.since:
        clauses.append(papers.c.published_at >= datetime.combine(filters.since, dtime.min))
    if filters.until:
        clauses.append(papers.c.published_at <= datetime.combine(filters.until, dtime.max))
    return clauses


class _DocFreqCache:
    """Document frequencies of query words, cached for a while (they move slowly as papers arrive)."""

    def __init__(self, ttl: float = 600.0) -> None:
        self.ttl = ttl
        self._values: dict[tuple[str, str], tuple[float, int]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> int | None:
        with self._lock:
            hit = self._values.get(key)
        if hit and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        return None

    def put(self, key: tuple[str, str], value: int) -> None:
        with self._lock:
            if len(self._values) > 50_000:
                self._values.clear()
            self._values[key] = (time.monotonic(), value)


_DF = _DocFreqCache()
_N = _DocFreqCache(ttl=60.0)


def _doc_count(conn: sa.Connection) -> int:
    key = (str(conn.engine.url), "")
    n = _N.get(key)
    if n is None:
        n = conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one()
        _N.put(key, n)
    return n


def _doc_freq(conn: sa.Connection, word: str) -> int:
    key = (str(conn.engine.url), word)
    df = _DF.get(key)
    if df is None:
        if conn.dialect.name == "sqlite":
            found = conn.exec_driver_sql("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?", (f'"{word}"',))
        else:
            found = conn.exec_driver_sql(
                "SELECT count(*) FROM papers WHERE search_vector @@ plainto_tsquery('english', %s)", (word,)
            )
        df = int(found.scalar_one())
        _DF.put(key, df)
    return df


def select_terms(conn: sa.Connection, words: Sequence[str]) -> list[str]:
    """The words worth OR-ing: all of an ordinary query; the rarest MAX_OR_TERMS of a long one."""
    if len(words) <= MAX_OR_TERMS and COMMON_SHARE >= 1.0:
        return list(words)
    n = max(_doc_count(conn), 1)
    freqs = [(w, _doc_freq(conn, w)) for w in words]
    kept = [(w, df) for w, df in freqs if 0 < df <= COMMON_SHARE * n]
    if not kept:  # every word is common: keep the rarest ones that exist at all
        kept = sorted((x for x in freqs if x[1] > 0), key=lambda x: x[1])[:3]
    kept.sort(key=lambda x: x[1])
    return [w for w, _ in kept[:MAX_OR_TERMS]]


def _fts5_expression(query: KeywordQuery, excluded: Sequence[str]) -> str | None:
    ors = " OR ".join(f'"{w}"' for w in query.words)
    parts = [f'"{" ".join(p)}"' for p in query.phrases]
    if ors:
        parts.append(f"({ors})")
    if not parts:
        return None
    expr = " AND ".join(parts)
    if excluded:
        expr = f"({expr}) NOT ({' OR '.join(f'{chr(34)}{w}{chr(34)}' for w in excluded)})"
    return expr


def _tsquery(query: KeywordQuery, excluded: Sequence[str]) -> str | None:
    ors = " | ".join(query.words)
    parts = [f"({' <-> '.join(p)})" for p in query.phrases]
    if ors:
        parts.append(f"({ors})")
    if not parts:
        return None
    expr = " & ".join(parts)
    if excluded:
        expr = f"({expr}) & !({' | '.join(excluded)})"
    return expr


def keyword_search(conn: sa.Connection, query: KeywordQuery, filters: Filters, limit: int,
                   weights: tuple[float, float, float] = SQLITE_WEIGHTS) -> list[tuple[int, float]]:
    """(paper id, score) of the best keyword matches, best first; higher scores are better."""
    if conn.dialect.name == "sqlite":
        expr = _fts5_expression(query, filters.excluded)
        if expr is None:
            return []
        fts = sa.table("papers_fts", sa.column("rowid"))
        score: sa.ColumnElement = sa.literal_column(f"bm25(papers_fts, {weights[0]}, {weights[1]}, {weights[2]})")
        if limit <= FAST_PATH_LIMIT and not restricts(filters):
            fast = _fts_only_top(conn, fts, score, expr, limit)
            if fast is not None:
                return fast
        stmt = (
            sa.select(fts.c.rowid, score.label("score"))
            .select_from(fts.join(papers, papers.c.id == fts.c.rowid))
            .where(sa.text("papers_fts MATCH :expr").bindparams(expr=expr), *_filter_clauses(filters, fts.c.rowid))
            .order_by(sa.text("score"), fts.c.rowid)
            .limit(limit)
        )
        return [(int(r[0]), -float(r[1])) for r in conn.execute(stmt)]
    expr = _tsquery(query, filters.excluded)
    if expr is None:
        return []
    tsq = sa.func.to_tsquery(sa.literal_column("'english'::regconfig"), expr)
    vector: sa.ColumnElement = sa.literal_column("papers.search_vector")
    # Weights for D, C (authors), B (abstract), A (title); normalization 1 divides by 1 + log(length).
    rank = sa.func.ts_rank(sa.literal_column("'{0.1, 0.25, 0.5, 1.0}'::float4[]"), vector, tsq, 1)
    stmt = (
        sa.select(papers.c.id, rank.label("score"))
        .where(vector.op("@@")(tsq), *_filter_clauses(filters, papers.c.id))
        .order_by(sa.desc("score"), papers.c.id)
        .limit(limit)
    )
    return [(int(r[0]), float(r[1])) for r in conn.execute(stmt)]


def restricts(filters: Filters) -> bool:
    """Whether filters other than the hidden flag apply (`excluded` is part of the FTS5 expression itself)."""
    return bool(filters.categories or filters.authors or filters.since or filters.until)


def _fts_only_top(conn: sa.Connection, fts: sa.TableClause, score: sa.ColumnElement, expr: str,
                  limit: int) -> list[tuple[int, float]] | None:
    """The best `limit` matches ranked inside FTS5 alone, or None when one of them is hidden.

    Joining papers for the hidden flag made SQLite look up every matching row (tens of thousands for an OR query of
    common words) before sorting: about 40% of the query time. Ranking in the FTS5 table alone and checking the
    flag on the few winners gives the same top `limit` whenever none of them is hidden; when one is, the caller runs
    the exact joined query, so hidden papers never show and the order never changes."""
    stmt = (
        sa.select(fts.c.rowid, score.label("score"))
        .where(sa.text("papers_fts MATCH :expr").bindparams(expr=expr))
        .order_by(sa.text("score"), fts.c.rowid)
        .limit(limit)
    )
    top = [(int(r[0]), -float(r[1])) for r in conn.execute(stmt)]
    if not top:
        return top
    ids = [pid for pid, _ in top]
    shown = {int(r[0]) for r in conn.execute(
        sa.select(papers.c.id).where(papers.c.id.in_(ids), papers.c.hidden == sa.false()))}
    return top if len(shown) == len(ids) else None


def filtered_ids(conn: sa.Connection, filters: Filters, sort: str, limit: int, offset: int = 0) -> list[int]:
    """Papers matching only filters (a query without words), in the given order."""
    order = _order(sort)
    stmt = sa.select(papers.c.id).where(*_filter_clauses(filters, papers.c.id)).order_by(*order)
    return [int(r[0]) for r in conn.execute(stmt.limit(limit).offset(offset))]


def count_filtered(conn: sa.Connection, filters: Filters) -> int:
    stmt = sa.select(sa.func.count()).select_from(papers).where(*_filter_clauses(filters, papers.c.id))
    return conn.execute(stmt).scalar_one()


def _order(sort: str) -> list[sa.ColumnElement]:
    if sort == "upvotes":
        return [sa.desc(papers.c.imported_upvotes + papers.c.vote_count), papers.c.published_at.desc(), papers.c.id]
    return [papers.c.published_at.desc().nulls_last(), papers.c.id.desc()]


def visible_ids(conn: sa.Connection, ids: Sequence[int], filters: Filters) -> set[int]:
    """Which of `ids` exist, are not hidden and pass the filters (vector hits are checked against this)."""
    if not ids:
        return set()
    stmt = sa.select(papers.c.id).where(papers.c.id.in_(list(ids)), *_filter_clauses(filters, papers.c.id))
    return {int(r[0]) for r in conn.execute(stmt)}


def paper_rows(conn: sa.Connection, ids: Sequence[int]) -> dict[int, dict]:
    if not ids:
        return {}
    cols = [c for c in papers.c if c.name != "search_vector"]
    rows = conn.execute(sa.select(*cols).where(papers.c.id.in_(list(ids))))
    return {r.id: dict(r._mapping) for r in rows}


def ids_by_arxiv_id(conn: sa.Connection, arxiv_ids: Sequence[str]) -> dict[str, int]:
    if not arxiv_ids:
        return {}
    rows = conn.execute(sa.select(papers.c.arxiv_id, papers.c.id).where(papers.c.arxiv_id.in_(list(arxiv_ids))))
    return {r[0]: int(r[1]) for r in rows}


def ids_by_exact_title(conn: sa.Connection, title: str) -> list[int]:
    """Papers whose title equals `title` ignoring case and surrounding space (a pasted title goes first)."""
    wanted = title.strip().lower()
    # Spelled exactly as in the index definition (literal 1 and 200, not bound parameters) so the index is used.
    prefix: sa.ColumnElement = sa.literal_column("lower(substr(papers.title, 1, 200))")
    stmt = sa.select(papers.c.id).where(prefix == wanted[:200], sa.func.lower(papers.c.title) == wanted,
                                        papers.c.hidden == sa.false())
    return [int(r[0]) for r in conn.execute(stmt.limit(5))]


def sort_ids(conn: sa.Connection, ids: Sequence[int], sort: str) -> list[int]:
    if not ids:
        return []
    stmt = sa.select(papers.c.id).where(papers.c.id.in_(list(ids))).order_by(*_order(sort))
    return [int(r[0]) for r in conn.execute(stmt)]


# SQLite only (migration 0007): papers whose title/abstract/authors changed, or that were deleted, in order.
_text_changes = sa.table("paper_text_changes", sa.column("seq", sa.Integer), sa.column("paper_id", sa.Integer))


def text_signature(conn: sa.Connection) -> tuple[int, int]:
    """(highest paper id, highest text-change seq) on SQLite: how far an in-process keyword index must catch up."""
    top = conn.execute(sa.select(sa.func.coalesce(sa.func.max(papers.c.id), 0))).scalar_one()
    seq = conn.execute(sa.select(sa.func.coalesce(sa.func.max(_text_changes.c.seq), 0))).scalar_one()
    return int(top), int(seq)


def changed_paper_ids(conn: sa.Connection, after_seq: int, upto_seq: int) -> set[int]:
    stmt = sa.select(_text_changes.c.paper_id).where(_text_changes.c.seq > after_seq,
                                                     _text_changes.c.seq <= upto_seq)
    return {int(r[0]) for r in conn.execute(stmt)}


TextRow = tuple[int, str, str, str]  # id, title, abstract, authors_text
_TEXT_COLS = (papers.c.id, papers.c.title, papers.c.abstract, papers.c.authors_text)


def paper_texts(conn: sa.Connection, after_id: int, upto_id: int, chunk: int = 5000) -> Iterator[list[TextRow]]:
    """The searchable text of papers with after_id < id <= upto_id, in id order, `chunk` rows at a time (each
    chunk is its own short query, so a long index build never holds a read transaction open)."""
    while True:
        stmt = sa.select(*_TEXT_COLS).where(papers.c.id > after_id, papers.c.id <= upto_id).order_by(papers.c.id)
        rows = [tuple(r) for r in conn.execute(stmt.limit(chunk))]
        if not rows:
            return
        yield rows
        after_id = rows[-1][0]


def paper_texts_by_id(conn: sa.Connection, ids: Sequence[int]) -> list[TextRow]:
    out: list[TextRow] = []
    ids = sorted(ids)
    for n in range(0, len(ids), 500):
        out.extend(tuple(r) for r in conn.execute(sa.select(*_TEXT_COLS).where(papers.c.id.in_(ids[n : n + 500]))))
    return out
