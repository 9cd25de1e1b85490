"""Turn one decoded JSON record of any supported format into a ParsedItem, or raise RecordError."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from dailypapers.ids import InvalidArxivId, parse_arxiv_id
from dailypapers.ingest.records import ParsedItem
from dailypapers.links import extract_links, http_url
from dailypapers.records import DailyEntryRecord, PaperRecord, clean_text, split_authors

EXPORT_TYPE = "dailypapers.paper"


class RecordError(ValueError):
    """A record that cannot be imported; the message names the field and what is wrong with it."""


def detect_kind(obj: Any) -> str:
    if not isinstance(obj, dict):
        raise RecordError(f"expected a JSON object, got {type(obj).__name__}")
    if obj.get("type") == EXPORT_TYPE:
        return "dailypapers"
    if isinstance(obj.get("paper"), dict):
        return "hf"
    if "id" in obj and ("versions" in obj or "authors_parsed" in obj or "abstract" in obj):
        return "kaggle"
    raise RecordError("unrecognized record: not a Kaggle arXiv snapshot line, a Hugging Face daily-papers item "
                      "or a dailypapers export line")


def parse_record(obj: Any) -> ParsedItem:
    return PARSERS[detect_kind(obj)](obj)


def _text(obj: dict, key: str, required: bool = False) -> str | None:
    value = obj.get(key)
    if value.__class__ is str and not required:  # the common case, kept cheap: this runs ~10 times a record
        return " ".join(value.split()) or None
    if value is None:
        if required:
            raise RecordError(f"field {key!r} is missing")
        return None
    if not isinstance(value, str):
        raise RecordError(f"field {key!r} must be a string, got {type(value).__name__}")
    cleaned = clean_text(value)
    if required and not cleaned:
        raise RecordError(f"field {key!r} is empty")
    return cleaned


def _arxiv_id(obj: dict, key: str) -> tuple[str, int | None]:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"field {key!r} is missing or not a string")
    try:
        return parse_arxiv_id(value)
    except InvalidArxivId as exc:
        raise RecordError(f"field {key!r}: {exc}") from None


def parse_iso_datetime(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise RecordError(f"field {field!r} must be an ISO 8601 date-time string, got {value!r}")
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"field {field!r} is not an ISO 8601 date-time: {value!r}") from None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                                       "Dec"), start=1)}


def _rfc2822(value: Any, field: str) -> datetime:
    # Fast path for arXiv's own spelling, "Tue, 18 Mar 2025 00:00:00 GMT"; anything else goes to the stdlib.
    if isinstance(value, str) and len(value) == 29 and value.endswith(" GMT"):
        try:
            return datetime(int(value[12:16]), _MONTHS[value[8:11]], int(value[5:7]), int(value[17:19]),
                            int(value[20:22]), int(value[23:25]))
        except (KeyError, ValueError):
            pass
    if not isinstance(value, str):
        raise RecordError(f"field {field!r} must be an RFC 2822 date string, got {value!r}")
    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise RecordError(f"field {field!r} is not an RFC 2822 date: {value!r}") from None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


def _kaggle_authors(obj: dict) -> list[str]:
    parsed = obj.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for i, entry in enumerate(parsed):
            if (entry.__class__ is list and len(entry) == 3 and entry[0].__class__ is str
                    and entry[1].__class__ is str and entry[2].__class__ is str):
                # the usual [last, first, suffix]: the general case below, spelled cheaply (runs ~6 times a record)
                name = " ".join(f"{entry[1]} {entry[0]} {entry[2]}".split())
                if name:
                    names.append(name)
                continue
            if not isinstance(entry, list) or not entry or not all(isinstance(p, str) for p in entry):
                raise RecordError(f"field 'authors_parsed'[{i}] must be a list of strings [last, first, suffix]")
            # "first last suffix", whitespace collapsed; empty parts vanish in the split.
            name = " ".join(" ".join(entry[1:2] + entry[:1] + entry[2:3]).split())
            if name:
                names.append(name)
        if names:
            return names
    authors = obj.get("authors")
    if isinstance(authors, str):
        return split_authors(authors)
    raise RecordError("field 'authors' is missing")


def parse_kaggle(obj: dict) -> ParsedItem:
    arxiv_id, id_version = _arxiv_id(obj, "id")
    versions = obj.get("versions") or []
    if not isinstance(versions, list):
        raise RecordError("field 'versions' must be a list")
    created = []
    for i, v in enumerate(versions):
        if not isinstance(v, dict) or "created" not in v:
            raise RecordError(f"field 'versions'[{i}] must be an object with 'created'")
        created.append(_rfc2822(v["created"], f"versions[{i}].created"))
    version = len(versions) or id_version
    updated_at = max(created) if created else None
    update_date = obj.get("update_date")
    if update_date:
        try:
            ud = datetime.combine(date.fromisoformat(update_date), datetime.min.time())
        except (TypeError, ValueError):
            raise RecordError(f"field 'update_date' is not a YYYY-MM-DD date: {update_date!r}") from None
        updated_at = max(updated_at, ud) if updated_at else ud
    categories = obj.get("categories")
    if not isinstance(categories, str) or not categories.strip():
        raise RecordError("field 'categories' is missing or empty")
    abstract = _text(obj, "abstract")
    comments = _text(obj, "comments")
    code_url, project_url = extract_links(abstract, comments)
    paper = PaperRecord(
        arxiv_id=arxiv_id,
        version=version,
        title=_text(obj, "title", required=True),
        abstract=abstract,
        authors=_kaggle_authors(obj),
        categories=list(dict.fromkeys(categories.split())),
        published_at=min(created) if created else None,
        updated_at=updated_at,
        comments=comments,
        journal_ref=_text(obj, "journal-ref"),
        doi=_text(obj, "doi"),
        report_no=_text(obj, "report-no"),
        license=_text(obj, "license"),
        code_url=code_url,
        project_url=project_url,
        guessed=frozenset({"code_url", "project_url"}),
    )
    return ParsedItem(paper=paper)


def _hf_user_name(user: Any) -> tuple[str | None, str | None]:
    if not isinstance(user, dict):
        return None, None
    username = user.get("name") if "fullname" in user else user.get("user")
    username = username or user.get("user") or user.get("name")
    return user.get("fullname") or username, username


def parse_hf(obj: dict) -> ParsedItem:
    p = obj["paper"]
    arxiv_id, _ = _arxiv_id(p, "id")
    authors_raw = p.get("authors") or []
    if not isinstance(authors_raw, list):
        raise RecordError("field 'paper.authors' must be a list")
    authors = []
    for i, a in enumerate(authors_raw):
        if not isinstance(a, dict) or not isinstance(a.get("name"), str):
            raise RecordError(f"field 'paper.authors'[{i}] must be an object with a 'name'")
        if not a.get("hidden"):
            authors.append(clean_text(a["name"]) or a["name"])
    try:
        title = _text(p, "title") or _text(obj, "title")
        abstract = _text(p, "summary") or _text(obj, "summary")
    except RecordError as exc:
        raise RecordError(f"paper: {exc}") from None
    if not title:
        raise RecordError("field 'paper.title' is missing")
    published = parse_iso_datetime(p["publishedAt"], "paper.publishedAt") if p.get("publishedAt") else None
    upvotes = p.get("upvotes", 0)
    if not isinstance(upvotes, int) or isinstance(upvotes, bool) or upvotes < 0:
        raise RecordError(f"field 'paper.upvotes' must be a non-negative integer, got {upvotes!r}")
    comments = obj.get("numComments", 0)
    if not isinstance(comments, int) or comments < 0:
        raise RecordError(f"field 'numComments' must be a non-negative integer, got {comments!r}")
    keywords = p.get("ai_keywords")
    if keywords is not None and not (isinstance(keywords, list) and all(isinstance(k, str) for k in keywords)):
        raise RecordError("field 'paper.ai_keywords' must be a list of strings")
    code_url = http_url(p.get("githubRepo"))  # anything but http(s) is dropped, never rendered as a link
    project_url = http_url(p.get("projectPage"))
    guessed: set[str] = set()
    if not code_url or not project_url:
        found_code, found_project = extract_links(abstract)
        if not code_url and found_code:
            code_url, guessed = found_code, guessed | {"code_url"}
        if not project_url and found_project:
            project_url, guessed = found_project, guessed | {"project_url"}
    paper = PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        authors=authors or None,
        published_at=published,
        code_url=code_url,
        project_url=project_url,
        ai_summary=_text(p, "ai_summary"),
        ai_keywords=keywords,
        imported_upvotes=upvotes,
        imported_comments=comments,
        guessed=frozenset(guessed),
    )
    if p.get("submittedOnDailyAt"):
        submitted_at = parse_iso_datetime(p["submittedOnDailyAt"], "paper.submittedOnDailyAt")
    elif obj.get("publishedAt"):
        submitted_at = parse_iso_datetime(obj["publishedAt"], "publishedAt")
    else:
        raise RecordError("neither 'paper.submittedOnDailyAt' nor 'publishedAt' says when it was listed")
    name, username = _hf_user_name(obj.get("submittedBy") or p.get("submittedOnDailyBy"))
    daily = DailyEntryRecord(
        arxiv_id=arxiv_id, day=submitted_at.date(), submitted_at=submitted_at, submitter_name=name,
        submitter_username=username, source="huggingface",
    )
    return ParsedItem(paper=paper, daily=daily)


def parse_export(obj: dict) -> ParsedItem:
    arxiv_id, _ = _arxiv_id(obj, "arxiv_id")
    values: dict[str, Any] = {}
    for name in PaperRecord.__dataclass_fields__:
        if name in ("arxiv_id", "guessed") or name not in obj:
            continue
        value = obj[name]
        if name in ("published_at", "updated_at") and value is not None:
            value = parse_iso_datetime(value, name)
        values[name] = value
    if not values.get("title"):
        raise RecordError("field 'title' is missing")
    daily = None
    entry = obj.get("daily")
    if entry:
        if not isinstance(entry, dict):
            raise RecordError("field 'daily' must be an object")
        try:
            day = date.fromisoformat(entry["day"])
        except (KeyError, TypeError, ValueError):
            raise RecordError(f"field 'daily.day' is not a YYYY-MM-DD date: {entry.get('day')!r}") from None
        daily = DailyEntryRecord(
            arxiv_id=arxiv_id, day=day,
            submitted_at=parse_iso_datetime(entry.get("submitted_at"), "daily.submitted_at"),
            submitter_name=entry.get("submitter_name"), submitter_username=entry.get("submitter_username"),
            source=entry.get("source") or "import", comment=entry.get("comment"),
        )
    return ParsedItem(paper=PaperRecord(arxiv_id=arxiv_id, **values), daily=daily)


PARSERS = {"kaggle": parse_kaggle, "hf": parse_hf, "dailypapers": parse_export}
KIND_NAMES = {
    "kaggle": "Kaggle arXiv snapshot",
    "hf": "Hugging Face daily papers",
    "dailypapers": "dailypapers export",
}
