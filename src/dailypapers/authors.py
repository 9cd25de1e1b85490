"""Author names: how two spellings are decided to be the same person's page (a base module).

Normalization, and nothing more: Unicode compatibility forms (NFKC then NFKD), accents dropped, case folded,
periods, commas and hyphens read as spaces, whitespace collapsed. So "José García", "Jose Garcia" and
"JOSÉ GARCÍA" share one page, as do "J. Smith", "J Smith" and "J.Smith"; but "J. Smith" and "John Smith" do not
(an initial is not expanded: two people may share it), nor "Smith, John" and "John Smith" (order is kept).
Different people with exactly the same normalized name do share a page; the page says names are matched as
written."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_SEPARATORS = re.compile(r"[\s.,\-‐‑–]+")


def author_key(name: str) -> str:
    """The normalized form two spellings must share to be shown as one author."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_SEPARATORS.sub(" ", plain).split())


def author_path(name: str) -> str:
    """The author page of a name as written (the page itself matches by `author_key`)."""
    return "/authors/" + quote(name.strip(), safe="")


def authors_index(names: list[str]) -> str:
    """The text stored with a paper to find it by author key: `|key1|key2|` (one LIKE probe per look-up)."""
    return "|" + "|".join(author_key(n) for n in names) + "|" if names else ""
