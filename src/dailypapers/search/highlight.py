"""Highlights: HTML-escaped text with the query's words wrapped in <mark>, and an abstract snippet around them."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ers", "er", "ed", "es", "s", "ly", "al")


def _stem(word: str) -> str:
    w = word.lower()
    for suffix in _SUFFIXES:
        if len(w) - len(suffix) >= 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def _spans(text: str, stems: set[str]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text) if _stem(m.group()) in stems]


def mark(text: str, words: Iterable[str], start: int = 0, end: int | None = None) -> str:
    """`text[start:end]` HTML-escaped, with each word matching one of `words` (ignoring endings) in <mark>."""
    end = len(text) if end is None else end
    stems = {_stem(w) for w in words if w}
    out, pos = [], start
    for s, e in _spans(text[start:end], stems):
        s, e = s + start, e + start
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def snippet(text: str, words: Iterable[str], width: int = 280) -> str:
    """The `width`-character window of `text` holding the most matches, marked; … where it was cut."""
    words = list(words)
    if len(text) <= width:
        return mark(text, words)
    spans = _spans(text, {_stem(w) for w in words if w})
    best_start, best_count = 0, -1
    for s, _ in spans:
        start = max(0, s - 40)
        count = sum(1 for a, _b in spans if start <= a < start + width)
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
    return prefix + mark(text, words, best_start, stop) + suffix


def highlights(paper: dict, words: Iterable[str]) -> dict[str, str]:
    words = list(words)
    return {
        "title": mark(paper.get("title") or "", words),
        "abstract": snippet(paper.get("abstract") or "", words),
        "authors": mark(paper.get("authors_text") or "", words),
    }
