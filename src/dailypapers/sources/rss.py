"""arXiv's daily announcement feeds (rss.arxiv.org, 2024 format).

One feed for several categories (`.../rss/cs.LG+cs.CL`) lists each announced paper once, with
`<arxiv:announce_type>` new, cross, replace or replace-cross. On weekends and holidays the feed has no items:
that is normal, not an error.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from dailypapers.ids import InvalidArxivId, parse_arxiv_id
from dailypapers.records import PaperRecord, clean_text, split_authors
from dailypapers.sources.http import ArxivUnavailable, PoliteClient
from dailypapers.sources.xmlparse import SourceFormatError, parse_xml

NS = {"arxiv": "http://arxiv.org/schemas/atom", "dc": "http://purl.org/dc/elements/1.1/"}
ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")
_DESCRIPTION = re.compile(r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]+)\s*(?:Abstract:\s*)?", re.S)


@dataclass
class Announcement:
    arxiv_id: str
    announce_type: str
    day: date  # arXiv's announcement day (its own calendar, US Eastern)
    announced_at: datetime  # UTC
    paper: PaperRecord


def feed_url(base_url: str, categories: list[str]) -> str:
    return f"{base_url.rstrip('/')}/{'+'.join(categories)}"


def fetch_announcements(client: PoliteClient, base_url: str, categories: list[str]) -> list[Announcement]:
    url = feed_url(base_url, categories)
    resp = client.get(url)
    if resp.status_code != 200:
        raise ArxivUnavailable(f"arXiv RSS at {url} answered HTTP {resp.status_code}")
    return parse_feed(resp.text, resp.url)


def parse_feed(text: str, url: str) -> list[Announcement]:
    root = parse_xml(text, url)
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise SourceFormatError(f"{url}: expected an RSS 2.0 feed with a <channel>, got <{root.tag}>")
    channel_date = _pub_date(channel.findtext("pubDate") or channel.findtext("lastBuildDate"), url)
    out = []
    for i, item in enumerate(channel.findall("item")):
        try:
            out.append(_announcement(item, channel_date))
        except (InvalidArxivId, ValueError) as exc:
            raise SourceFormatError(f"{url}: item {i + 1}: {exc}") from None
    return out


def _announcement(item: ET.Element, channel_date: datetime | None) -> Announcement:
    description = item.findtext("description") or ""
    match = _DESCRIPTION.match(description)
    guid = (item.findtext("guid") or "").strip().removeprefix("oai:arXiv.org:")
    raw_id = guid or (match.group("id") if match else "") or (item.findtext("link") or "")
    arxiv_id, version = parse_arxiv_id(raw_id)
    announce_type = (item.findtext("arxiv:announce_type", None, NS) or (match.group("type") if match else "")).strip()
    if announce_type not in ANNOUNCE_TYPES:
        raise ValueError(f"{arxiv_id}: unknown announce type {announce_type!r}")
    when = _pub_date(item.findtext("pubDate"), arxiv_id) or channel_date
    if when is None:
        raise ValueError(f"{arxiv_id}: no pubDate on the item or the channel")
    local_day = when.date()  # the date as arXiv wrote it, in its own zone
    when_utc = when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
    abstract = description[match.end():] if match else description
    paper = PaperRecord(
        arxiv_id=arxiv_id,
        version=version,
        title=clean_text(item.findtext("title")),
        abstract=clean_text(abstract),
        authors=split_authors(item.findtext("dc:creator", "", NS)) or None,
        categories=[c.text.strip() for c in item.findall("category") if c.text and c.text.strip()] or None,
        license=clean_text(item.findtext("dc:rights", None, NS)),
    )
    return Announcement(arxiv_id, announce_type, local_day, when_utc, paper)


def _pub_date(text: str | None, where: str) -> datetime | None:
    if not text or not text.strip():
        return None
    try:
        return parsedate_to_datetime(text.strip())
    except (TypeError, ValueError):
        raise ValueError(f"{where}: pubDate is not an RFC 822 date: {text!r}") from None
