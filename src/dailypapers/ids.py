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
