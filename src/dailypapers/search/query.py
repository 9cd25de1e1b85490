"""Query syntax: free words, `"quoted phrases"`, `-excluded`, `author:`, `cat:`, `since:`, `until:`.

Parsing never fails: anything it cannot read as an operator stays a plain word, and problems that make a
query unrunnable (a bad date) are reported as a message, not an exception.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from dailypapers.ids import InvalidArxivId, parse_arxiv_id
from dailypapers.search.tokens import words as words_of

MAX_QUERY_CHARS = 2000
MAX_TERMS = 64

# Words that carry no topic: dropped from keyword matching (they only slow the OR query down and the BM25 idf of
# such words is near zero anyway). Kept short on purpose: "not", "no" and the like are not in it.
STOPWORDS = frozenset(
    """a an and are as at be been being but by can could did do does for from had has have how i if in into is it its
    of on or our over so than that the their them then there these they this those through to under up via was we
    were what when where which while who why will with would you your using use used based us about also both each
    more most other such only own same too very s t just any all""".split()  # noqa: SIM905
)

_TOKEN_RE = re.compile(r'"[^"]*"?|\S+')
_OPERATORS = ("author:", "cat:", "category:", "since:", "until:")


@dataclass
class ParsedQuery:
    text: str = ""  # the free text (words and phrases) as the user wrote it, for embedding
    words: list[str] = field(default_factory=list)  # lower-case word tokens of the free text, in order
    phrases: list[list[str]] = field(default_factory=list)  # each quoted phrase as word tokens
    excluded: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None
    arxiv_id: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.phrases)

    @property
    def content_words(self) -> list[str]:
        """Distinct non-stopword words of the free text and phrases, in first-seen order."""
        seen: dict[str, None] = {}
        for w in [*self.words, *(w for p in self.phrases for w in p)]:
            if w not in STOPWORDS and w not in seen:
                seen[w] = None
        return list(seen) or list(dict.fromkeys(self.words))


def _parse_day(value: str, name: str, errors: list[str]) -> date | None:
    try:
        if re.fullmatch(r"\d{4}", value):
            return date(int(value), 1, 1) if name == "since" else date(int(value), 12, 31)
        if re.fullmatch(r"\d{4}-\d{2}", value):
            y, m = map(int, value.split("-"))
            if name == "since":
                return date(y, m, 1)
            return date(y, m, calendar.monthrange(y, m)[1])
        return date.fromisoformat(value)
    except ValueError:
        errors.append(f"{name}: expects a date like 2025-03-18, 2025-03 or 2025, got {value!r}")
        return None


def parse_query(raw: str) -> ParsedQuery:
    q = ParsedQuery()
    raw = (raw or "").replace("\x00", " ")
    if len(raw) > MAX_QUERY_CHARS:
        raw = raw[:MAX_QUERY_CHARS]
    stripped = raw.strip()
    try:
        q.arxiv_id = parse_arxiv_id(stripped)[0] if stripped and " " not in stripped else None
    except InvalidArxivId:
        q.arxiv_id = None
    free: list[str] = []
    for token in _TOKEN_RE.findall(raw):
        lower = token.lower()
        op = next((o for o in _OPERATORS if lower.startswith(o)), None)
        if op and len(token) > len(op):
            value = token[len(op) :].strip('"')
            if op == "author:":
                q.authors.append(value.replace("_", " "))
            elif op in ("cat:", "category:"):
                q.categories.extend(c for c in value.split(",") if c)
            elif op == "since:":
                q.since = _parse_day(value, "since", q.errors)
            else:
                q.until = _parse_day(value, "until", q.errors)
            continue
        if token.startswith('"'):
            phrase = words_of(token)
            if len(phrase) > 1:
                q.phrases.append(phrase)
            else:
                q.words.extend(phrase)
            free.append(token.strip('"'))
            continue
        if token.startswith("-") and len(token) > 1 and words_of(token[1:]):
            q.excluded.extend(words_of(token[1:]))
            continue
        q.words.extend(words_of(token))
        free.append(token)
    q.text = " ".join(free).strip()
    q.words = q.words[:MAX_TERMS]
    return q
