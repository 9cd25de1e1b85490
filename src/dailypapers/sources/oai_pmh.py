"""arXiv's OAI-PMH interface: `ListRecords` pages in the `arXiv` and `arXivRaw` metadata formats.

`list_records_page` fetches one page (the first of a chain from `from`/`set`, or the next from a resumption
token) and returns its records and the token for the next page, so the caller can checkpoint between pages.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from dailypapers.ids import InvalidArxivId, parse_arxiv_id
from dailypapers.records import PaperRecord, clean_text, split_authors
from dailypapers.sources.http import ArxivUnavailable, PoliteClient
from dailypapers.sources.xmlparse import SourceFormatError, parse_xml, text_of

OAI = "http://www.openarchives.org/OAI/2.0/"
FORMAT_NS = {"arXiv": "http://arxiv.org/OAI/arXiv/", "arXivRaw": "http://arxiv.org/OAI/arXivRaw/"}
NS = {"oai": OAI, **FORMAT_NS}


class OaiError(RuntimeError):
    """The repository answered with an OAI-PMH error (other than noRecordsMatch)."""

    def __init__(self, code: str, message: str, url: str):
        super().__init__(f"{url}: OAI-PMH error {code}: {message}")
        self.code = code


class BadResumptionToken(OaiError):
    pass


@dataclass
class OaiRecord:
    arxiv_id: str
    datestamp: date
    sets: list[str]
    deleted: bool = False
    paper: PaperRecord | None = None


@dataclass
class OaiPage:
    records: list[OaiRecord]
    token: str | None  # None: the chain is complete
    complete_size: int | None = None
    cursor: int | None = None
    response_date: datetime | None = None
    errors: list[str] = field(default_factory=list)


def archive_set(category: str) -> str:
    """The OAI-PMH set that holds a category: `cs.LG` -> `cs`, `hep-th` -> `physics:hep-th`."""
    archive = category.split(".", 1)[0]
    physics = {"astro-ph", "cond-mat", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nlin",
               "nucl-ex", "nucl-th", "physics", "quant-ph"}
    return f"physics:{archive}" if archive in physics else archive


def list_records_page(client: PoliteClient, base_url: str, *, metadata_prefix: str = "arXivRaw",
                      set_spec: str | None = None, from_date: date | None = None,
                      until_date: date | None = None, token: str | None = None) -> OaiPage:
    if token:
        params = {"verb": "ListRecords", "resumptionToken": token}
    else:
        params = {"verb": "ListRecords", "metadataPrefix": metadata_prefix}
        if set_spec:
            params["set"] = set_spec
        if from_date:
            params["from"] = from_date.isoformat()
        if until_date:
            params["until"] = until_date.isoformat()
    resp = client.get(base_url, params=params)
    if resp.status_code != 200:
        raise ArxivUnavailable(f"OAI-PMH at {base_url} answered HTTP {resp.status_code}")
    return parse_list_records(resp.text, resp.url)


def parse_list_records(text: str, url: str) -> OaiPage:
    root = parse_xml(text, url)
    if root.tag != f"{{{OAI}}}OAI-PMH":
        raise SourceFormatError(f"{url}: expected an OAI-PMH response, got <{root.tag}>")
    response_date = _datetime(root.findtext("oai:responseDate", None, NS))
    error = root.find("oai:error", NS)
    if error is not None:
        code = error.get("code", "unknown")
        if code == "noRecordsMatch":
            return OaiPage(records=[], token=None, response_date=response_date)
        message = clean_text(error.text) or code
        if code == "badResumptionToken":
            raise BadResumptionToken(code, message, url)
        raise OaiError(code, message, url)
    container = root.find("oai:ListRecords", NS)
    if container is None:
        container = root.find("oai:GetRecord", NS)
    if container is None:
        raise SourceFormatError(f"{url}: OAI-PMH response has neither <ListRecords> nor <error>")
    records = []
    for i, rec in enumerate(container.findall("oai:record", NS)):
        try:
            records.append(parse_record(rec))
        except (SourceFormatError, InvalidArxivId, ValueError) as exc:
            raise SourceFormatError(f"{url}: record {i + 1}: {exc}") from None
    token_elem = container.find("oai:resumptionToken", NS)
    token = (token_elem.text or "").strip() if token_elem is not None else ""
    size = _int(token_elem.get("completeListSize")) if token_elem is not None else None
    cursor = _int(token_elem.get("cursor")) if token_elem is not None else None
    return OaiPage(records=records, token=token or None, complete_size=size, cursor=cursor,
                   response_date=response_date)


def parse_record(rec: ET.Element) -> OaiRecord:
    header = rec.find("oai:header", NS)
    if header is None:
        raise SourceFormatError("record without <header>")
    identifier = (header.findtext("oai:identifier", "", NS) or "").strip()
    arxiv_id, _ = parse_arxiv_id(identifier.removeprefix("oai:arXiv.org:"))
    stamp = (header.findtext("oai:datestamp", "", NS) or "").strip()
    try:
        datestamp = date.fromisoformat(stamp[:10])
    except ValueError:
        raise SourceFormatError(f"record {identifier}: datestamp is not a date: {stamp!r}") from None
    sets = [s.text.strip() for s in header.findall("oai:setSpec", NS) if s.text]
    if header.get("status") == "deleted":
        return OaiRecord(arxiv_id, datestamp, sets, deleted=True)
    metadata = rec.find("oai:metadata", NS)
    raw = metadata.find("arXivRaw:arXivRaw", NS) if metadata is not None else None
    plain = metadata.find("arXiv:arXiv", NS) if metadata is not None else None
    if raw is not None:
        paper = _paper_from_raw(raw)
    elif plain is not None:
        paper = _paper_from_arxiv(plain)
    else:
        raise SourceFormatError(f"record {identifier}: no arXiv or arXivRaw metadata")
    if paper.arxiv_id != arxiv_id:
        raise SourceFormatError(f"record {identifier}: metadata id {paper.arxiv_id} differs from the header")
    return OaiRecord(arxiv_id, datestamp, sets, paper=paper)


def _common(elem: ET.Element, prefix: str) -> dict:
    def t(name: str) -> str | None:
        return clean_text(text_of(elem, f"{prefix}:{name}", NS))

    title = t("title")
    if not title:
        raise SourceFormatError(f"record {t('id')}: no title")
    categories = (t("categories") or "").split()
    return {
        "title": title,
        "abstract": t("abstract"),
        "categories": list(dict.fromkeys(categories)) or None,
        "comments": t("comments"),
        "journal_ref": t("journal-ref"),
        "doi": t("doi"),
        "report_no": t("report-no"),
        "license": t("license"),
    }


def _paper_from_raw(elem: ET.Element) -> PaperRecord:
    arxiv_id, _ = parse_arxiv_id((elem.findtext("arXivRaw:id", "", NS) or "").strip())
    versions: list[tuple[int, datetime]] = []
    for v in elem.findall("arXivRaw:version", NS):
        number = int((v.get("version") or "v0").lstrip("v") or 0)
        when = parsedate_to_datetime((v.findtext("arXivRaw:date", "", NS) or "").strip())
        versions.append((number, when.astimezone(UTC).replace(tzinfo=None)))
    versions.sort()
    return PaperRecord(
        arxiv_id=arxiv_id,
        version=versions[-1][0] if versions else None,
        authors=split_authors(elem.findtext("arXivRaw:authors", "", NS) or "") or None,
        published_at=versions[0][1] if versions else None,
        updated_at=versions[-1][1] if versions else None,
        **_common(elem, "arXivRaw"),
    )


def _paper_from_arxiv(elem: ET.Element) -> PaperRecord:
    arxiv_id, _ = parse_arxiv_id((elem.findtext("arXiv:id", "", NS) or "").strip())
    authors = []
    for a in elem.findall("arXiv:authors/arXiv:author", NS):
        parts = [a.findtext("arXiv:forenames", "", NS), a.findtext("arXiv:keyname", "", NS),
                 a.findtext("arXiv:suffix", "", NS)]
        name = clean_text(" ".join(p for p in parts if p))
        if name:
            authors.append(name)
    created = _day(elem.findtext("arXiv:created", None, NS))
    updated = _day(elem.findtext("arXiv:updated", None, NS))
    # The arXiv format has no version numbers: leave `version` unknown so it only fills gaps of richer sources.
    return PaperRecord(arxiv_id=arxiv_id, authors=authors or None, published_at=created,
                       updated_at=updated or created, **_common(elem, "arXiv"))


def _day(text: str | None) -> datetime | None:
    if not text or not text.strip():
        return None
    return datetime.combine(date.fromisoformat(text.strip()), datetime.min.time())


def _datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None
