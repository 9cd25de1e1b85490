"""The arXiv query API (export.arxiv.org/api/query): papers by id, in batches.

`fetch_papers` is what submissions and `dailypapers fetch` call. Ids may be new-style (`2401.01234`), old-style
(`hep-th/9901001`), versioned or links; results are keyed by the versionless id. arXiv answers an id it does not
know with an empty feed and a malformed id with an error feed (HTTP 400, an entry titled "Error"); both become
`UnknownArxivIds` naming the ids.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from dailypapers.config import Settings
from dailypapers.ids import InvalidArxivId, parse_arxiv_id
from dailypapers.records import PaperRecord, clean_text
from dailypapers.sources.http import ArxivUnavailable, PoliteClient
from dailypapers.sources.xmlparse import SourceFormatError, parse_xml, text_of

NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom",
      "opensearch": "http://a9.com/-/spec/opensearch/1.1/"}
BATCH_SIZE = 100  # ids per request; arXiv recommends modest batches

__all__ = ["FETCH_ERRORS", "ArxivUnavailable", "FetchError", "SourceFormatError", "UnknownArxivIds",
           "fetch_papers", "parse_feed"]


class FetchError(ValueError):
    """Base of the errors `fetch_papers` raises for bad input (not for arXiv being down)."""


class UnknownArxivIds(FetchError):
    """Some ids are malformed or unknown to arXiv; `.ids` lists them as given."""

    def __init__(self, message: str, ids: list[str]):
        super().__init__(message)
        self.ids = ids


# Everything `fetch_papers` raises on purpose, for callers that show the message: `except FETCH_ERRORS as exc`.
FETCH_ERRORS = (FetchError, ArxivUnavailable, SourceFormatError)


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


def parse_entry(entry: ET.Element) -> PaperRecord:
    raw_id = (text_of(entry, "atom:id", NS) or "").strip()
    try:
        arxiv_id, version = parse_arxiv_id(raw_id)
    except InvalidArxivId:
        raise SourceFormatError(f"arXiv API entry has an id that is not an arXiv link: {raw_id!r}") from None
    primary = entry.find("arxiv:primary_category", NS)
    categories = [term for c in entry.findall("atom:category", NS) if (term := c.get("term"))]
    if primary is not None and (first := primary.get("term")):
        categories = [first] + [c for c in categories if c != first]
    authors = [clean_text(a.findtext("atom:name", "", NS)) for a in entry.findall("atom:author", NS)]
    return PaperRecord(
        arxiv_id=arxiv_id,
        version=version,
        title=clean_text(text_of(entry, "atom:title", NS)),
        abstract=clean_text(text_of(entry, "atom:summary", NS)),
        authors=[a for a in authors if a] or None,
        categories=list(dict.fromkeys(categories)) or None,
        published_at=_when(text_of(entry, "atom:published", NS)),
        updated_at=_when(text_of(entry, "atom:updated", NS)),
        comments=clean_text(text_of(entry, "arxiv:comment", NS)),
        journal_ref=clean_text(text_of(entry, "arxiv:journal_ref", NS)),
        doi=clean_text(text_of(entry, "arxiv:doi", NS)),
    )


def parse_feed(text: str, url: str) -> tuple[list[PaperRecord], list[str]]:
    """Papers in an API Atom feed, and the messages of any error entries in it."""
    root = parse_xml(text, url)
    if root.tag != f"{{{NS['atom']}}}feed":
        raise SourceFormatError(f"{url}: expected an Atom feed, got <{root.tag}>")
    records, errors = [], []
    for entry in root.findall("atom:entry", NS):
        entry_id = text_of(entry, "atom:id", NS) or ""
        if "/api/errors" in entry_id or (text_of(entry, "atom:title", NS) or "").strip() == "Error":
            errors.append(clean_text(text_of(entry, "atom:summary", NS)) or entry_id)
            continue
        records.append(parse_entry(entry))
    return records, errors


def fetch_papers(ids: list[str], settings: Settings, client: PoliteClient | None = None) -> dict[str, PaperRecord]:
    """Look papers up by id; returns {versionless id: PaperRecord} for every id asked.

    Raises `UnknownArxivIds` when any id is malformed or arXiv does not know it (nothing is returned then),
    `ArxivUnavailable` when arXiv cannot be reached, `SourceFormatError` when it answers nonsense.
    """
    wanted: dict[str, str] = {}  # query id (keeps an explicit version) -> versionless id
    bad: list[str] = []
    for raw in ids:
        try:
            base, version = parse_arxiv_id(raw)
        except InvalidArxivId:
            bad.append(raw)
            continue
        wanted[f"{base}v{version}" if version else base] = base
    if bad:
        raise UnknownArxivIds(f"not arXiv ids: {', '.join(repr(b) for b in bad)}", bad)
    own_client = client is None
    client = client or PoliteClient(settings)
    found: dict[str, PaperRecord] = {}
    errors: list[str] = []
    try:
        query_ids = list(wanted)
        for start in range(0, len(query_ids), BATCH_SIZE):
            batch = query_ids[start:start + BATCH_SIZE]
            params = {"id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))}
            resp = client.get(settings.arxiv_api_url, params=params)
            if resp.status_code not in (200, 400):
                raise ArxivUnavailable(f"arXiv API at {settings.arxiv_api_url} answered HTTP {resp.status_code}")
            records, feed_errors = parse_feed(resp.text, resp.url)
            errors.extend(feed_errors)
            for rec in records:
                found[rec.arxiv_id] = rec
    finally:
        if own_client:
            client.close()
    missing = sorted({q for q, base in wanted.items() if base not in found})
    if missing or errors:
        detail = "; ".join(errors) if errors else "no such paper"
        raise UnknownArxivIds(f"arXiv does not know {', '.join(missing) or 'some ids'} ({detail})", missing)
    return {base: found[base] for base in dict.fromkeys(wanted.values())}
