"""arXiv identifiers: every accepted spelling normalizes to the versionless id that keys a paper."""

from __future__ import annotations

import re

# New style since 2007-04: YYMM.NNNN (to 2014) or YYMM.NNNNN; old style: archive(.SUBJ)/YYMMNNN.
_NEW = r"(?P<new>\d{4}\.\d{4,5})"
_OLD = r"(?P<old>[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})"
_ID_RE = re.compile(rf"^(?:{_NEW}|{_OLD})(?:v(?P<version>\d+))?$")
_PREFIXES = (
    re.compile(r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/", re.I),
    re.compile(r"^(?:https?://)?(?:www\.)?huggingface\.co/papers/", re.I),
    re.compile(r"^arxiv:", re.I),
)


class InvalidArxivId(ValueError):
    """Raised for text that is not an arXiv identifier or link; the message quotes the input."""


def parse_arxiv_id(text: str) -> tuple[str, int | None]:
    """Return (versionless id, version or None) for an id, versioned id, `arXiv:` id or abs/pdf URL."""
    raw = text
    s = text.strip()
    for prefix in _PREFIXES:
        s = prefix.sub("", s)
    s = s.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if s.lower().endswith(".pdf"):
        s = s[:-4]
    m = _ID_RE.match(s)
    if not m:
        raise InvalidArxivId(f"not an arXiv id or link: {raw!r}")
    base = m.group("new") or m.group("old")
    version = int(m.group("version")) if m.group("version") else None
    if version == 0:
        raise InvalidArxivId(f"arXiv versions start at v1: {raw!r}")
    return base, version


def normalize_arxiv_id(text: str) -> str:
    """The versionless arXiv id for any accepted spelling (`2401.01234v3`, `arXiv:…`, abs/pdf URL)."""
    return parse_arxiv_id(text)[0]


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"


# arXiv's taxonomy (arxiv.org/category_taxonomy): archives whose categories are `archive.SUBJECT`, and archives that
# are categories by themselves. Anything else in a paper's category list (MSC "68T10,", ACM "I.2.6;", stray words)
# is a classification code, not an arXiv category.
_SUBJECT_ARCHIVES = ("cs", "math", "stat", "eess", "econ", "q-bio", "q-fin", "physics", "astro-ph", "cond-mat", "nlin")
_SOLO_ARCHIVES = ("hep-th", "hep-ph", "hep-ex", "hep-lat", "gr-qc", "quant-ph", "math-ph", "nucl-th", "nucl-ex",
                  "astro-ph", "cond-mat")
_CATEGORY_RE = re.compile(rf"^(?:(?:{'|'.join(map(re.escape, _SUBJECT_ARCHIVES))})\.[A-Za-z][A-Za-z-]{{1,15}}"
                          rf"|{'|'.join(map(re.escape, _SOLO_ARCHIVES))})$")


def is_arxiv_category(text: str) -> bool:
    """Whether `text` is an arXiv taxonomy id such as `cs.CL`, `physics.optics` or `hep-th`."""
    return bool(_CATEGORY_RE.match(text or ""))


def arxiv_categories(text: str | None) -> list[str]:
    """The arXiv categories of a paper's space-separated category field, in order, codes of other schemes left out."""
    return [c for c in (text or "").split() if is_arxiv_category(c)]
