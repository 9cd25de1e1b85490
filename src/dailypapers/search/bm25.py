"""BM25 over papers' title, abstract and authors, held in memory as term-major postings (numpy arrays).

The scoring is FTS5's bm25() (same tokenizer: Unicode words, accents folded, Porter stems; same column weights and
k1/b), so switching between this index and the FTS5 query never changes what a query matches, plus an exact-form
bonus that FTS5 cannot give: the same BM25 over the unstemmed word forms, weighted EXACT_WEIGHT. Porter folds
"regularization" into "regular" and "generalization" into "general"; stemming finds more papers, and the bonus makes
a paper with the query's own word forms outrank one that matches only through a conflated stem. What it changes is
the cost: FTS5 evaluates bm25() row by row for every paper containing any query word (100-300 ms for an OR query of
common words over 80k papers on 2 cores), while here one query is a few vectorised adds over the query terms'
posting lists.

An index is a read-only snapshot; `Bm25Index.with_changes` returns a new one with papers added, replaced or removed
(the old snapshot keeps serving readers meanwhile).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from dailypapers.search.tokens import stems, words
from dailypapers.store.search import SQLITE_WEIGHTS

# bm25() defaults of SQLite FTS5 (k1 = 1.2, b = 0.75) and its idf floor for words in over half the papers.
K1 = 1.2
B = 0.75
IDF_FLOOR = 1e-6
COLUMN_WEIGHTS = SQLITE_WEIGHTS  # title, abstract, authors: the FTS5 query's own
# Share of the unstemmed-form BM25 added to the stemmed one (tuned on the dev files, bench/RESULTS.md).
EXACT_WEIGHT = 0.5


class Terms:
    """Word forms to term ids: each distinct form is Porter-stemmed once (FTS5's `porter unicode61
    remove_diacritics 2`), so indexing costs one dictionary look-up per word; each form also gets an id of its own
    (`exact`) for the exact-form bonus. Only grows; shared by snapshots."""

    def __init__(self) -> None:
        self.forms: dict[str, int] = {}
        self.by_stem: dict[str, int] = {}
        self.exact: dict[str, int] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.by_stem)

    def ids(self, forms: list[str], add: bool = True) -> list[int]:
        """Term ids of `forms`; unknown forms are added (or, with add=False, left out)."""
        unseen = set(forms).difference(self.forms)  # set operations and map() keep the per-word work in C
        if unseen:
            with self._lock:
                fresh = [f for f in unseen if f not in self.forms]
                for form, stem in zip(fresh, stems(fresh), strict=True):
                    tid = self.by_stem.get(stem)
                    if tid is None and add:
                        tid = self.by_stem[stem] = len(self.by_stem)
                    if tid is not None:
                        self.forms[form] = tid
                        self.exact[form] = len(self.exact)
        if add:  # every form is known now
            return list(map(self.forms.__getitem__, forms))
        return [t for t in map(self.forms.get, forms) if t is not None]

    def exact_ids(self, forms: list[str]) -> list[int]:
        """Form ids of those `forms` seen so far (call `ids` first to add new ones)."""
        return [f for f in map(self.exact.get, forms) if f is not None]


@dataclass(frozen=True)
class Document:
    paper_id: int
    title: str
    abstract: str
    authors: str


class _Segment:
    """Postings of the papers added in one batch, term-major: for term t, rows `ptr[t]:ptr[t+1]` of `doc`
    (positions) and `tf` (the saturated, column-weighted term frequency: BM25 without the idf)."""

    __slots__ = ("ptr", "doc", "tf")

    def __init__(self, ptr: np.ndarray, doc: np.ndarray, tf: np.ndarray) -> None:
        self.ptr, self.doc, self.tf = ptr, doc, tf

    def span(self, tid: int) -> tuple[int, int]:
        if tid + 1 >= len(self.ptr):  # a term first seen after this segment was built
            return 0, 0
        return int(self.ptr[tid]), int(self.ptr[tid + 1])


@dataclass
class _Raw:
    """Postings of a run of documents before saturation (which needs the average length), (position, term) order."""

    term: np.ndarray
    pos: np.ndarray
    tf: np.ndarray


@dataclass
class _Batch:
    paper_ids: list[int]
    lengths: np.ndarray
    stems: _Raw
    forms: _Raw  # the same postings by unstemmed form


def _count(local: np.ndarray, ids: np.ndarray, weights: np.ndarray, width: int, first: int) -> _Raw:
    keys, inverse = np.unique(local * width + ids, return_inverse=True)  # sorted by (doc, term)
    tf = np.bincount(inverse.ravel(), weights=weights, minlength=len(keys)).astype(np.float32)
    return _Raw((keys % width).astype(np.int32), (keys // width + first).astype(np.int32), tf)


def _analyse(terms: Terms, docs: Sequence[Document], first: int) -> _Batch:
    forms: list[str] = []
    counts: list[int] = []
    for doc in docs:
        for text in (doc.title, doc.abstract, doc.authors):
            found = words(text or "")
            forms.extend(found)
            counts.append(len(found))
    tids = np.asarray(terms.ids(forms), dtype=np.int64)
    fids = np.asarray(terms.exact_ids(forms), dtype=np.int64)
    per_column = np.asarray(counts, dtype=np.int64)
    weights = np.repeat(np.tile(np.asarray(COLUMN_WEIGHTS, dtype=np.float32), len(docs)), per_column)
    lengths = per_column.reshape(-1, 3).sum(axis=1)
    local = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    return _Batch([d.paper_id for d in docs], lengths.astype(np.float32),
                  _count(local, tids, weights, max(len(terms), 1), first),
                  _count(local, fids, weights, max(len(terms.exact), 1), first))


def _segment(raws: list[_Raw], lengths: np.ndarray, avg_length: float, vocab_size: int) -> _Segment:
    term = np.concatenate([r.term for r in raws])
    pos = np.concatenate([r.pos for r in raws])
    tf = np.concatenate([r.tf for r in raws])
    tf = tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[pos] / avg_length))
    order = np.argsort(term, kind="stable")  # batches are in (position, term) order: this makes (term, position)
    ptr = np.zeros(vocab_size + 1, dtype=np.int64)
    np.cumsum(np.bincount(term, minlength=vocab_size), out=ptr[1:])
    return _Segment(ptr, pos[order], tf[order])


class _Field:
    """One vocabulary's postings across segments (stems, or unstemmed forms) and its document frequencies."""

    __slots__ = ("segments", "doc_freq")

    def __init__(self, segments: tuple[_Segment, ...], doc_freq: np.ndarray) -> None:
        self.segments, self.doc_freq = segments, doc_freq

    def added(self, segment: _Segment, vocab_size: int) -> _Field:
        doc_freq = np.zeros(vocab_size, dtype=np.int64)
        doc_freq[: len(self.doc_freq)] = self.doc_freq
        doc_freq += np.diff(segment.ptr)
        return _Field((*self.segments, segment), doc_freq)

    def postings(self, tid: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(positions, saturated frequencies) of term `tid`, one pair per segment holding it."""
        if tid >= len(self.doc_freq):  # a term added to the shared vocabulary after this snapshot
            return
        for seg in self.segments:
            a, b = seg.span(tid)
            if a < b:
                yield seg.doc[a:b], seg.tf[a:b]


class Bm25Index:
    """One immutable snapshot. Positions 0..n-1 are the order papers were added in; a replaced or removed paper's
    old position stays, marked dead, until the next full build."""

    CHUNK = 2048

    def __init__(self, terms: Terms, paper_ids: np.ndarray, lengths: np.ndarray, alive: np.ndarray,
                 stems: _Field, forms: _Field, avg_length: float, position: dict[int, int]) -> None:
        self.terms = terms
        self.paper_ids = paper_ids
        self.lengths = lengths
        self.alive = alive
        self.stems = stems
        self.forms = forms
        self.avg_length = avg_length
        self.position = position

    @property
    def segments(self) -> tuple[_Segment, ...]:
        """The stem postings' segments (one per full build or catch-up)."""
        return self.stems.segments

    @property
    def postings(self) -> int:
        """Postings held, stems and unstemmed forms together (for figures)."""
        return sum(len(seg.doc) for field in (self.stems, self.forms) for seg in field.segments)

    @property
    def size(self) -> int:
        """Papers searchable (earlier versions of replaced papers not counted)."""
        return len(self.position)

    @property
    def dead(self) -> int:
        return len(self.paper_ids) - len(self.position)

    @classmethod
    def empty(cls) -> Bm25Index:
        none = _Field((), np.zeros(0, np.int64))
        return cls(Terms(), np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, bool), none, none, 0.0, {})

    @classmethod
    def build(cls, docs: Iterable[Document]) -> Bm25Index:
        """A fresh index of `docs` (streamed, analysed in chunks)."""
        return cls.empty().with_changes(docs)

    def with_changes(self, added: Iterable[Document], removed: Iterable[int] = ()) -> Bm25Index:
        """A new snapshot in which `removed` paper ids no longer match and `added` documents do (a paper already
        here is replaced). This snapshot is left as it was, so readers holding it are unaffected."""
        position = dict(self.position)
        alive = self.alive.copy()
        for pid in removed:
            pos = position.pop(int(pid), None)
            if pos is not None:
                alive[pos] = False
        start = len(self.paper_ids)
        batches: list[_Batch] = []
        chunk: list[Document] = []

        def flush() -> None:
            batches.append(_analyse(self.terms, chunk, start + sum(len(b.paper_ids) for b in batches)))
            chunk.clear()

        for doc in added:
            chunk.append(doc)
            if len(chunk) >= self.CHUNK:
                flush()
        if chunk:
            flush()
        if not batches:
            return Bm25Index(self.terms, self.paper_ids, self.lengths, alive, self.stems, self.forms,
                             self.avg_length, position)
        new_ids = [pid for b in batches for pid in b.paper_ids]
        paper_ids = np.concatenate([self.paper_ids, np.asarray(new_ids, dtype=np.int64)])
        lengths = np.concatenate([self.lengths, *(b.lengths for b in batches)])
        alive = np.concatenate([alive, np.ones(len(new_ids), dtype=bool)])
        for n, pid in enumerate(new_ids, start=start):
            old = position.get(pid)
            if old is not None:
                alive[old] = False
            position[pid] = n
        # The average length is fixed at the first build: later papers barely move it, and keeping it fixed keeps
        # every segment's saturated frequencies comparable.
        avg = self.avg_length or float(lengths.mean()) or 1.0
        n_stems, n_forms = len(self.terms), len(self.terms.exact)
        stems = self.stems.added(_segment([b.stems for b in batches], lengths, avg, n_stems), n_stems)
        forms = self.forms.added(_segment([b.forms for b in batches], lengths, avg, n_forms), n_forms)
        return Bm25Index(self.terms, paper_ids, lengths, alive, stems, forms, avg, position)

    def _idf(self, field: _Field, tid: int) -> float:
        n = max(self.size, 1)
        df = int(field.doc_freq[tid])
        idf = math.log((n - df + 0.5) / (df + 0.5))
        return idf if idf > 0 else IDF_FLOOR

    def _add(self, out: np.ndarray, field: _Field, tids: list[int], weight: float) -> None:
        for tid in tids:
            postings = list(field.postings(tid))
            idf = np.float32(weight * self._idf(field, tid)) if postings else 0
            for docs, tf in postings:
                out[docs] += idf * tf

    def scores(self, words: Sequence[str], excluded: Sequence[str] = (),
               exact_weight: float | None = None) -> np.ndarray:
        """BM25 of every position for the OR of `words` (each occurrence counts, as each OR-ed word does in an FTS5
        query) plus `exact_weight` (default EXACT_WEIGHT) times the BM25 of their unstemmed forms; 0 where none matches,
        where a word of `excluded` occurs, and at dead positions."""
        exact_weight = EXACT_WEIGHT if exact_weight is None else exact_weight
        out = np.zeros(len(self.paper_ids), dtype=np.float32)
        self._add(out, self.stems, self.terms.ids(list(words), add=False), 1.0)
        if exact_weight:
            self._add(out, self.forms, self.terms.exact_ids(list(words)), exact_weight)
        for tid in self.terms.ids(list(excluded), add=False):
            for docs, _tf in self.stems.postings(tid):
                out[docs] = 0
        out[~self.alive] = 0
        return out

    def top(self, words: Sequence[str], k: int, excluded: Sequence[str] = (),
            exact_weight: float | None = None) -> list[tuple[int, float]]:
        """The best `k` (paper id, score) for the OR of `words`, best first, ties by paper id."""
        return self.ranking(words, k, excluded, exact_weight).top

    def ranking(self, words: Sequence[str], k: int, excluded: Sequence[str] = (),
                exact_weight: float | None = None) -> Ranking:
        """`top` together with every paper's score for the same query (hybrid search asks for the BM25 of semantic
        neighbours that the top `k` does not hold)."""
        if k <= 0 or not len(self.paper_ids):
            return Ranking([], {}, np.zeros(0, np.float32))
        scores = self.scores(words, excluded, exact_weight)
        hits = np.flatnonzero(scores)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        ids = self.paper_ids[hits]
        order = np.lexsort((ids, -scores[hits]))
        return Ranking([(int(ids[i]), float(scores[hits[i]])) for i in order], self.position, scores)


@dataclass(frozen=True)
class Ranking:
    top: list[tuple[int, float]]
    position: dict[int, int]
    scores: np.ndarray

    def score_of(self, paper_ids: Iterable[int]) -> dict[int, float]:
        """BM25 of each of `paper_ids` (0.0 for a paper that does not match or is not in the index)."""
        return {pid: (float(self.scores[n]) if (n := self.position.get(pid)) is not None else 0.0)
                for pid in paper_ids}
