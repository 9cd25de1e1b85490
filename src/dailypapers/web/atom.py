"""Atom 1.0 documents (RFC 4287) for lists of papers: stable entry ids (the arXiv abstract URL), the abstract as
content, links to the paper page and to arXiv."""

from __future__ import annotations

import re
from datetime import datetime
from xml.etree import ElementTree as ET

from dailypapers.ids import abs_url, pdf_url
from dailypapers.ranking import paper_votes

NS = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 forbids; arXiv text occasionally carries them and they would make the feed unparsable.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ET.register_namespace("", NS)


def _text(value) -> str:
    return _INVALID_XML.sub("", str(value or ""))


def _ts(value: datetime | None) -> str:
    return (value or datetime(1970, 1, 1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _el(parent, tag: str, text=None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, f"{{{NS}}}{tag}", {k: _text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _text(text)
    return el


def entry_time(row: dict) -> datetime | None:
    return row.get("submitted_at") or row.get("updated_at") or row.get("published_at")


def feed_xml(*, feed_id: str, title: str, self_url: str, html_url: str, rows: list[dict], base_url: str,
             subtitle: str | None = None) -> bytes:
    feed = ET.Element(f"{{{NS}}}feed")
    _el(feed, "id", feed_id)
    _el(feed, "title", title)
    if subtitle:
        _el(feed, "subtitle", subtitle)
    times = [t for t in (entry_time(r) for r in rows) if t]
    _el(feed, "updated", _ts(max(times) if times else None))
    _el(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _el(feed, "link", rel="alternate", type="text/html", href=html_url)
    _el(feed, "generator", "dailypapers")
    author = _el(feed, "author")
    _el(author, "name", title)
    for row in rows:
        aid = row["arxiv_id"]
        entry = _el(feed, "entry")
        _el(entry, "id", abs_url(aid))
        _el(entry, "title", row.get("title") or aid)
        _el(entry, "updated", _ts(entry_time(row)))
        if row.get("published_at"):
            _el(entry, "published", _ts(row["published_at"]))
        _el(entry, "link", rel="alternate", type="text/html", href=f"{base_url}/papers/{aid}")
        _el(entry, "link", rel="related", type="text/html", title="arXiv", href=abs_url(aid))
        _el(entry, "link", rel="enclosure", type="application/pdf", title="PDF", href=pdf_url(aid))
        for name in (row.get("authors") or [])[:50]:
            _el(_el(entry, "author"), "name", name)
        if not row.get("authors"):
            _el(_el(entry, "author"), "name", "unknown")
        for cat in (row.get("categories") or "").split():
            _el(entry, "category", term=cat)
        _el(entry, "summary", f"{paper_votes(row)} upvotes. {row.get('ai_summary') or row.get('tldr') or ''}".strip())
        _el(entry, "content", row.get("abstract") or "", type="text")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")).encode("utf-8")
