"""Search over every paper: keyword (BM25), semantic (sentence vectors) and hybrid (fused) modes, with filters,
sorts and pagination. `search_papers` never raises for user input: a query that cannot run returns a message."""

from __future__ import annotations

import functools
import logging
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import sqlalchemy as sa

from dailypapers.search import fusion
from dailypapers.search.bm25 import Ranking
from dailypapers.search.embedder import Embedder, EmbedderError, load_embedder
from dailypapers.search.highlight import highlights
from dailypapers.search.keyword_index import KeywordIndex
from dailypapers.search.query import ParsedQuery, parse_query
from dailypapers.search.vector_index import NumpyIndex
from dailypapers.store import search as store
from dailypapers.store import vectors as vector_store
from dailypapers.store.db import Database

log = logging.getLogger(__name__)

MODES = ("hybrid", "keyword", "semantic")  # the default first: forms list them in this order
SORTS = ("relevance", "newest", "upvotes")
MAX_LIMIT = 100
MAX_DEPTH = 1000  # deepest result reachable by paging


@dataclass
class Hit:
    paper: dict
    score: float
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass
class SearchPage:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    message: str | None = None
    mode: str = "hybrid"
    query: ParsedQuery | None = None


class _State:
    """Per-database search state: the embedder and, where pgvector is not used, the in-process vector index."""

    def __init__(self, db: Database) -> None:
        _one_blas_thread()
        self.settings = db.settings
        self._embedder: Embedder | None = None
        self._index: NumpyIndex | None = None
        self._lock = threading.Lock()
        self.keyword_index = KeywordIndex(db) if db.settings.keyword_index_in_memory else None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    self._embedder = load_embedder(self.settings.embedding_model, self.settings.embedding_max_tokens,
                                                   self.settings.embedding_threads)
        return self._embedder

    def index(self, conn: sa.Connection) -> NumpyIndex:
        if self._index is None or self._index.model != self.embedder.name:
            self._index = NumpyIndex(self.embedder.name)
        self._index.sync(conn)
        return self._index


@functools.cache  # once per process: threadpoolctl inspects every loaded library
def _one_blas_thread() -> None:
    """Searching runs small matrix products from several threads at once (request threads, the query-embedding
    thread). OpenBLAS's own worker threads spin after each product and took the core the keyword search beside them
    needed: hybrid p50 at 80k 14.9 -> 12.8 ms with one BLAS thread (bench/RESULTS.md, "Search, round four"). So
    numpy's BLAS runs on the calling thread, process-wide, as a web server's concurrency comes from requests."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


_STATES: weakref.WeakKeyDictionary[Database, _State] = weakref.WeakKeyDictionary()
_STATES_LOCK = threading.Lock()


def state(db: Database) -> _State:
    with _STATES_LOCK:
        st = _STATES.get(db)
        if st is None:
            st = _STATES[db] = _State(db)
        return st


def _validate(mode: str, sort: str) -> None:
    if mode not in MODES:
        raise ValueError(f"parameter 'mode' must be one of {', '.join(MODES)}; got {mode!r}")
    if sort not in SORTS:
        raise ValueError(f"parameter 'sort' must be one of {', '.join(SORTS)}; got {sort!r}")


def _filters(q: ParsedQuery, categories, author, since, until) -> store.Filters:
    return store.Filters(
        categories=[*q.categories, *(categories or [])],
        authors=[*q.authors, *([author] if author else [])],
        since=since or q.since,
        until=until or q.until,
        excluded=list(dict.fromkeys(q.excluded)),
    )


def search_papers(db: Database, query: str, *, mode: str = "hybrid", limit: int = 20, offset: int = 0,
                  categories: list[str] | None = None, author: str | None = None, since: date | None = None,
                  until: date | None = None, sort: str = "relevance") -> SearchPage:
    """One page of papers for `query` (see README "Search" for the syntax). Raises ValueError only for an invalid
    `mode` or `sort` (programming errors); every user query returns a page, possibly with a message."""
    _validate(mode, sort)
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, min(int(offset), MAX_DEPTH))
    q = parse_query(query if isinstance(query, str) else "")
    page = SearchPage(mode=mode, query=q)
    if q.errors:
        page.message = "; ".join(q.errors)
        return page
    filters = _filters(q, categories, author, since, until)
    if filters.since and filters.until and filters.since > filters.until:
        page.message = f"since ({filters.since}) is after until ({filters.until}): no paper can match"
        return page
    try:
        with db.connect() as conn:
            ranked, total, message = _ranked(db, conn, q, filters, mode, sort, offset + limit)
            page.total, page.message = total, message
            window = ranked[offset : offset + limit]
            rows = store.paper_rows(conn, [pid for pid, _ in window])
    except EmbedderError as exc:
        log.error("semantic search unavailable: %s", exc)
        if mode != "hybrid":
            page.message = f"semantic search is unavailable: {exc}"
            return page
        return search_papers(db, query, mode="keyword", limit=limit, offset=offset, categories=categories,
                             author=author, since=since, until=until, sort=sort)
    words = q.content_words  # "the" and the like would be marked everywhere
    page.hits = [Hit(rows[pid], score, highlights(rows[pid], words)) for pid, score in window if pid in rows]
    return page


def _ranked(db: Database, conn: sa.Connection, q: ParsedQuery, filters: store.Filters, mode: str, sort: str,
            depth: int) -> tuple[list[tuple[int, float]], int, str | None]:
    if q.arxiv_id:
        found = store.ids_by_arxiv_id(conn, [q.arxiv_id])
        visible = store.visible_ids(conn, list(found.values()), store.Filters())
        if visible:
            return [(pid, 1.0) for pid in visible], 1, None
        return [], 0, f"no paper with arXiv id {q.arxiv_id} here"
    if not q.has_text:
        if not (filters.categories or filters.authors or filters.since or filters.until):
            return [], 0, "type words to search for, or an arXiv id"
        ids = store.filtered_ids(conn, filters, sort if sort != "relevance" else "newest", depth)
        return [(pid, 0.0) for pid in ids], store.count_filtered(conn, filters), None
    pool = max(depth, 100) if sort == "relevance" else max(depth, 200)
    if mode == "keyword":
        ranked = _keyword(db, conn, q, filters, pool)
    elif mode == "semantic":
        ranked = _semantic(db, conn, q, filters, pool)
    else:
        ranked = _hybrid(db, conn, q, filters, pool)
    ranked = _pin_exact_title(conn, q, filters, ranked)
    if sort != "relevance":
        scores = dict(ranked)
        ranked = [(pid, scores[pid]) for pid in store.sort_ids(conn, list(scores), sort)]
    message = None if ranked else "no papers match"
    if not ranked and mode == "semantic" and not _has_vectors(db, conn):
        message = "no paper has a search vector yet: run `dailypapers index` (serve does it in the background)"
    return ranked, len(ranked), message


def _has_vectors(db: Database, conn: sa.Connection) -> bool:
    return vector_store.signature(conn)[0] > 0


def _keyword_query(conn: sa.Connection, q: ParsedQuery) -> store.KeywordQuery:
    return store.KeywordQuery(words=store.select_terms(conn, q.content_words), phrases=q.phrases)


def _keyword(db: Database, conn: sa.Connection, q: ParsedQuery, filters: store.Filters,
             limit: int) -> list[tuple[int, float]]:
    return _keyword_ranking(db, conn, q, filters, limit)[0]


def _keyword_ranking(db: Database, conn: sa.Connection, q: ParsedQuery, filters: store.Filters,
                     limit: int) -> tuple[list[tuple[int, float]], Ranking | None]:
    """The best keyword matches: from the in-memory BM25 index when it can answer (no phrase and no
    category/author/date filter), with every paper's score for the same query, else from the database's full-text
    search (and no scores beyond its list)."""
    keywords = state(db).keyword_index
    index = None
    if keywords is not None and not q.phrases and not store.restricts(filters) and limit <= store.FAST_PATH_LIMIT:
        index = keywords.current(conn)
    if index is None:
        return store.keyword_search(conn, _keyword_query(conn, q), filters, limit), None
    want = limit + 10
    while True:  # hidden (or just deleted) papers are dropped; ask for more until enough are left
        ranking = index.ranking(q.content_words, want, filters.excluded)
        shown = store.visible_ids(conn, [pid for pid, _ in ranking.top], store.Filters())
        hits = [x for x in ranking.top if x[0] in shown]
        if len(hits) >= limit or len(ranking.top) < want:
            return hits[:limit], ranking
        want *= 4


def keyword_index_status(db: Database) -> str:
    """"off" (the setting), "ready", or "building" (the database's full-text search ranks meanwhile)."""
    keywords = state(db).keyword_index
    if keywords is None:
        return "off"
    return "ready" if keywords.ready else "building"


def warm_keyword_index(db: Database, wait: bool = False) -> None:
    """Start building the in-memory keyword index now (serve does, at start) rather than at the first query;
    with `wait`, return once it is ready (eval and benchmarks, which measure the steady state)."""
    keywords = state(db).keyword_index
    if keywords is not None:
        keywords.build_now() if wait else keywords.start_build()


_QUERY_EMBEDDING = ThreadPoolExecutor(max_workers=8, thread_name_prefix="query-embedding")


def _query_vector(db: Database, q: ParsedQuery) -> np.ndarray:
    return state(db).embedder.embed([q.text])[0]


def _embed_and_scan(db: Database, q: ParsedQuery, index: NumpyIndex | None,
                    k: int) -> tuple[np.ndarray, list[tuple[int, float]] | None]:
    vector = _query_vector(db, q)
    return vector, (index.search(vector, k) if index is not None and k else None)


def _fetch(filters: store.Filters, limit: int, exclude: tuple[int, ...] = ()) -> int:
    """How many raw neighbours to fetch so that `limit` are left after filters and exclusions."""
    restricted = bool(filters.categories or filters.authors or filters.since or filters.until or filters.excluded)
    return limit * (20 if restricted else 1) + len(exclude)


def _nearest(db: Database, conn: sa.Connection, vector: np.ndarray, filters: store.Filters, limit: int,
             exclude: tuple[int, ...] = (), scanned: list[tuple[int, float]] | None = None) -> list[tuple[int, float]]:
    """The `limit` nearest visible papers; `scanned`: the in-process index's answer, already fetched."""
    st = state(db)
    model = st.embedder.name
    fetch = _fetch(filters, limit, exclude)
    if scanned is not None:
        found = [x for x in scanned if x[0] not in exclude]
    elif vector_store.uses_pgvector(conn):
        found = vector_store.pgvector_nearest(conn, model, vector, min(fetch, 4000), exclude)
    else:
        found = [x for x in st.index(conn).search(vector, min(fetch, 20000)) if x[0] not in exclude]
    visible = store.visible_ids(conn, [pid for pid, _ in found], filters)
    if filters.excluded:
        visible -= _containing(conn, visible, filters.excluded)
    return [(pid, s) for pid, s in found if pid in visible][:limit]


def _containing(conn: sa.Connection, ids: set[int], words: list[str]) -> set[int]:
    """Which of `ids` contain one of `words` (the `-word` syntax applies to semantic hits too)."""
    if not ids:
        return set()
    hits = store.keyword_search(conn, store.KeywordQuery(words=words), store.Filters(), 100_000)
    return ids & {pid for pid, _ in hits}


def _semantic(db: Database, conn: sa.Connection, q: ParsedQuery, filters: store.Filters,
              limit: int) -> list[tuple[int, float]]:
    ranked = _nearest(db, conn, _query_vector(db, q), filters, limit)
    if q.phrases:  # a quoted phrase is a hard requirement in every mode
        required = {pid for pid, _ in store.keyword_search(conn, store.KeywordQuery([], q.phrases), filters, 100_000)}
        ranked = [x for x in ranked if x[0] in required]
    return ranked


def _hybrid(db: Database, conn: sa.Connection, q: ParsedQuery, filters: store.Filters,
            limit: int) -> list[tuple[int, float]]:
    """The best `keyword_depth` keyword candidates and, for a descriptive query, the `semantic_depth` nearest
    semantic neighbours, together re-ranked by a mix of BM25 and cosine with the query (so a paper the keywords rank
    low can still come first when its meaning matches); below them the rest of the keyword list, then further
    semantic neighbours (so a query sharing no word with any paper still finds something)."""
    params = fusion.DEFAULT
    index = None if vector_store.uses_pgvector(conn) else state(db).index(conn)
    depth = 0 if q.phrases else _union_depth(q, params, None if index is None else len(index))
    # In process, the neighbours' scan (1.5 ms at 80k, search/vector_index.py) follows the query's embedding in a
    # thread while the keyword search runs: onnxruntime and numpy release the GIL, so both overlap the keyword
    # ranking and row reads instead of adding to them (bench/RESULTS.md).
    scan = index if depth else None
    pending = _QUERY_EMBEDDING.submit(_embed_and_scan, db, q, scan, min(_fetch(filters, depth), 20000))
    keyword, ranking = _keyword_ranking(db, conn, q, filters, max(limit, params.keyword_depth))
    vector, scanned = pending.result()
    semantic: list[tuple[int, float]] = []
    if len(keyword) < limit and not q.phrases:  # a quoted phrase is a hard requirement: the keywords hold every match
        semantic = _nearest(db, conn, vector, filters, max(limit, depth))  # too few keyword hits: fill the page
    elif depth:
        semantic = _nearest(db, conn, vector, filters, depth, scanned=scanned)
    head, near = keyword[: params.keyword_depth], semantic[:depth]
    if ranking is not None:
        # A neighbour's own BM25 (not 0) enters the mix: with 0 it could never pass a keyword candidate, and the
        # union gained nothing (bench/RESULTS.md, "Search, round four").
        listed = {pid for pid, _ in head}
        head = head + list(ranking.score_of(pid for pid, _ in near if pid not in listed).items())
    dense = dict(near)
    dense.update(_dense_scores(db, conn, vector, [pid for pid, _ in head if pid not in dense], index))
    fused = fusion.fuse(head, near, dense, params, weight=fusion.dense_weight(q.text, params))
    seen = {pid for pid, _ in fused}
    rest = list(dict.fromkeys([pid for pid, _ in keyword[params.keyword_depth :] if pid not in seen]
                              + [pid for pid, _ in semantic if pid not in seen]))
    floor = min((s for _, s in fused), default=0.0)
    # Below the re-ranked head, in keyword order then semantic order; scores keep falling so sorts stay stable.
    return (fused + [(pid, floor - 0.001 * (n + 1)) for n, pid in enumerate(rest)])[:limit]


def _union_depth(q: ParsedQuery, params: fusion.FusionParams, in_process: int | None) -> int:
    """How many semantic neighbours join the keyword candidates: `semantic_depth` for a descriptive query, none
    for a few keywords (there the keywords name what is wanted) or where finding neighbours means scanning too many
    vectors: `in_process` is the in-process index's size, None under pgvector, whose HNSW index answers at any
    size."""
    if len(q.content_words) < params.union_min_words or fusion.is_keyword_list(q.text):
        return 0
    return params.semantic_depth if in_process is None or in_process <= params.union_scan_limit else 0


def _dense_scores(db: Database, conn: sa.Connection, vector: np.ndarray, ids: list[int],
                  index: NumpyIndex | None) -> dict[int, float]:
    """Cosines of `ids` with the query: from `index` (in process, already caught up) or, when None, pgvector."""
    vecs = index.get(ids) if index is not None else vector_store.vectors_for(conn, state(db).embedder.name, ids)
    return {pid: float(v @ vector) for pid, v in vecs.items()}


def _pin_exact_title(conn: sa.Connection, q: ParsedQuery, filters: store.Filters,
                     ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    if len(q.words) < 2 or len(q.text) > 500:
        return ranked
    exact = store.ids_by_exact_title(conn, q.text)
    if not exact:
        return ranked
    exact = [pid for pid in exact if pid in store.visible_ids(conn, exact, filters)]
    top = ranked[0][1] if ranked else 1.0
    pinned = [(pid, top + 1.0) for pid in exact]
    return pinned + [x for x in ranked if x[0] not in set(exact)]


def similar_papers(db: Database, arxiv_id: str, limit: int = 10) -> list[Hit]:
    """The papers nearest in meaning to `arxiv_id` (empty when it is unknown or has no vector yet)."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    try:
        with db.connect() as conn:
            found = store.ids_by_arxiv_id(conn, [arxiv_id])
            if not found:
                return []
            pid = found[arxiv_id]
            st = state(db)
            if vector_store.uses_pgvector(conn):
                own = vector_store.vectors_for(conn, st.embedder.name, [pid]).get(pid)
            else:
                own = st.index(conn).get([pid]).get(pid)
            if own is None:
                return []
            near = _nearest(db, conn, own, store.Filters(), limit, exclude=(pid,))
            rows = store.paper_rows(conn, [p for p, _ in near])
    except EmbedderError as exc:
        log.error("similar papers unavailable: %s", exc)
        return []
    return [Hit(rows[p], s, highlights(rows[p], [])) for p, s in near if p in rows]
