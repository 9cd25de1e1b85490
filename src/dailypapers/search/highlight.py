"""Highlights: HTML-escaped text with the query's words wrapped in <mark>, and an abstract snippet around them.

A word is marked when its Porter stem is one of the query words' stems: exactly the words that made the paper match
the keyword search (search/bm25.py and SQLite FTS5 stem the same way)."""

from __future__ import annotations

import bisect
import html
from collections.abc import Iterable

from dailypapers.search.tokens import WORD_RE as _WORD
from dailypapers.search.tokens import fold, stems


def _query_stems(words: Iterable[str]) -> frozenset[str]:
    return frozenset(stems([fold(w) for w in words if w]))


def _spans(text: str, wanted: frozenset[str]) -> list[tuple[int, int]]:
    if not wanted or not text:
        return []
    lower = text.lower()
    if not lower.isascii() or len(lower) != len(text):  # rare: fold word by word, keeping offsets into `text`
        found = list(_WORD.finditer(text))
        stemmed = stems([fold(m.group()) for m in found])
        return [(m.start(), m.end()) for m, stem in zip(found, stemmed, strict=True) if stem in wanted]
    # Stem each distinct word once (a regex of the matching forms would cost a compile per paper: slower).
    forms = list(set(_WORD.findall(lower)))
    matching = {f for f, stem in zip(forms, stems(forms), strict=True) if stem in wanted}
    if not matching:
        return []
    return [m.span() for m in _WORD.finditer(lower) if m.group() in matching]


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def _mark(text: str, wanted: frozenset[str], start: int = 0, end: int | None = None) -> str:
    end = len(text) if end is None else end
    return _marked(text, _spans(text, wanted), start, end)


def snippet(text: str, words: Iterable[str], width: int = 280) -> str:
    """The `width`-character window of `text` holding the most matches, marked; … where it was cut."""
    return _snippet(text, _query_stems(words), width)


def _snippet(text: str, wanted: frozenset[str], width: int = 280) -> str:
    spans = _spans(text, wanted)
    if len(text) <= width:
        return _marked(text, spans, 0, len(text))
    starts = [s for s, _ in spans]
    best_start, best_count = 0, -1
    for s in starts:
        start = max(0, s - 40)
        count = bisect.bisect_left(starts, start + width) - bisect.bisect_left(starts, start)
        if count > best_count:
            best_start, best_count = start, count
    if best_start > 0:  # start at a word boundary
        space = text.find(" ", best_start)
        best_start = space + 1 if 0 <= space < best_start + 30 else best_start
    stop = min(len(text), best_start + width)
    if stop < len(text):
        space = text.rfind(" ", best_start, stop)
        stop = space if space > best_start + width // 2 else stop
    prefix = "…" if best_start > 0 else ""
    suffix = "…" if stop < len(text) else ""
    return prefix + _marked(text, spans, best_start, stop) + suffix


def highlights(paper: dict, words: Iterable[str]) -> dict[str, str]:
    wanted = _query_stems(words)
    return {
        "title": _mark(paper.get("title") or "", wanted),
        "abstract": _snippet(paper.get("abstract") or "", wanted),
        "authors": _mark(paper.get("authors_text") or "", wanted),
    }
