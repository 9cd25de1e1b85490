"""The one tokenizer of keyword search: what a word is, how it is folded and stemmed.

The same as SQLite FTS5's `porter unicode61 remove_diacritics 2`: Unicode words (letters and digits), lower case,
accents folded, Porter stems. The query parser, the highlighter and the in-memory BM25 index (search/bm25.py) use
it, so the highlighted words are exactly those that matched."""

from __future__ import annotations

import re
import threading
import unicodedata

import Stemmer

WORD_RE = re.compile(r"[^\W_]+")

_ASCII_WORDS = str.maketrans({c: (chr(c + 32) if 65 <= c <= 90 else (chr(c) if chr(c).isalnum() else " "))
                              for c in range(128)})


def words(text: str) -> list[str]:
    """Lower-case Unicode words (letters and digits), accents folded: the unstemmed tokens of `text`."""
    if text.isascii():  # nearly every paper: translate + split runs about twice as fast as the regex
        return text.translate(_ASCII_WORDS).split()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return WORD_RE.findall(text.lower())


_LOCAL = threading.local()


def stems(forms: list[str]) -> list[str]:
    """Porter stems of lower-case, accent-folded word forms (one stemmer per thread: they are not thread-safe)."""
    stemmer = getattr(_LOCAL, "stemmer", None)
    if stemmer is None:
        stemmer = _LOCAL.stemmer = Stemmer.Stemmer("porter")
    return stemmer.stemWords(forms)


def fold(word: str) -> str:
    """A word lower-cased with accents removed, as `words` returns it."""
    word = word.lower()
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
