"""Reference formats read and written by the library: BibTeX, RIS, CSL-JSON (Zotero's exports) and plain lists
of arXiv ids or links. Reading yields `Reference`s, the keys an entry can be matched to a paper by."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from dailypapers.ids import InvalidArxivId, normalize_arxiv_id

ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)
_ARXIV_IN_TEXT = re.compile(r"(?:arxiv(?:\.org/(?:abs|pdf)/|:\s*|\s+))([a-z\-]+(?:\.[A-Z]{2})?/\d{7}|\d{4}\.\d{4,5})",
                            re.I)


class ReferenceFileError(ValueError):
    """The file cannot be read as any supported format; the message says why."""


@dataclass
class Reference:
    label: str  # how the entry is shown when it does not match (its key, title or line)
    arxiv_id: str | None = None
    doi: str | None = None
    title: str | None = None


def normalize_title(title: str) -> str:
    """Case, braces, punctuation and spacing do not make two titles different."""
    return " ".join(re.findall(r"\w+", title.replace("{", "").replace("}", "").lower()))


def _arxiv_from(*texts: str | None) -> str | None:
    for text in texts:
        if not text:
            continue
        text = text.strip()
        doi = ARXIV_DOI.match(text)
        candidates = [doi.group(1)] if doi else [text, *(m.group(1) for m in _ARXIV_IN_TEXT.finditer(text))]
        for candidate in candidates:
            try:
                return normalize_arxiv_id(candidate)
            except InvalidArxivId:
                continue
    return None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.replace("{", "").replace("}", "").split())
    return value or None


def _reference(label: str, fields: dict[str, str]) -> Reference:
    doi = _clean(fields.get("doi"))
    if doi:
        doi = re.sub(r"^(?:https?://)?(?:dx\.)?doi\.org/", "", doi, flags=re.I)
    arxiv = None
    if (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower() == "arxiv" or fields.get("eprint"):
        arxiv = _arxiv_from(fields.get("eprint"))
    arxiv = arxiv or _arxiv_from(doi, fields.get("url"), fields.get("number"), fields.get("journal"),
                                 fields.get("note"), fields.get("howpublished"))
    return Reference(label, arxiv, None if doi and ARXIV_DOI.match(doi) else doi, _clean(fields.get("title")))


# --- BibTeX -----------------------------------------------------------------------------------------------------
def _bib_value(text: str, pos: int) -> tuple[str, int]:
    """The value starting at `pos` ({...} with nesting, "..." or a bare word) and the position after it."""
    if text[pos] == "{":
        depth, start = 0, pos
        while pos < len(text):
            depth += {"{": 1, "}": -1}.get(text[pos], 0)
            pos += 1
            if depth == 0:
                return text[start + 1 : pos - 1], pos
        raise ReferenceFileError("BibTeX: unbalanced braces")
    if text[pos] == '"':
        end = pos + 1
        while end < len(text) and (text[end] != '"' or text[end - 1] == "\\"):
            end += 1
        return text[pos + 1 : end], end + 1
    m = re.compile(r"[^,}\s]+").match(text, pos)
    return (m.group(0), m.end()) if m else ("", pos)


def parse_bibtex(text: str) -> list[Reference]:
    out = []
    for m in re.finditer(r"@(\w+)\s*\{", text):
        if m.group(1).lower() in ("comment", "string", "preamble"):
            continue
        pos = m.end()
        key_end = text.find(",", pos)
        if key_end < 0:
            break
        key = text[pos:key_end].strip()
        pos, fields = key_end + 1, {}
        while True:
            fm = re.compile(r"\s*([\w\-:]+)\s*=\s*").match(text, pos)
            if not fm:
                break
            value, pos = _bib_value(text, fm.end())
            fields[fm.group(1).lower()] = value
            sep = re.compile(r"\s*,?").match(text, pos)
            pos = sep.end() if sep else pos
        out.append(_reference(key or _clean(fields.get("title")) or "(no key)", fields))
    return out


# --- RIS ----------------------------------------------------------------------------------------------------------
_RIS_FIELDS = {"TI": "title", "T1": "title", "DO": "doi", "UR": "url", "N1": "note", "JO": "journal", "JF": "journal",
               "M1": "number", "AN": "number"}


def parse_ris(text: str) -> list[Reference]:
    out: list[Reference] = []
    fields: dict[str, str] = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Z][A-Z0-9])  -\s?(.*)$", line)
        if not m:
            continue
        tag, value = m.group(1), m.group(2).strip()
        if tag == "TY":
            fields = {}
        elif tag == "ER":
            out.append(_reference(_clean(fields.get("title")) or "(untitled)", fields))
            fields = {}
        elif tag in _RIS_FIELDS:
            name = _RIS_FIELDS[tag]
            fields[name] = f"{fields[name]} {value}" if name == "note" and name in fields else fields.get(name, value)
    return out


# --- CSL-JSON -----------------------------------------------------------------------------------------------------
def parse_csl_json(text: str) -> list[Reference]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ReferenceFileError(f"CSL-JSON: not valid JSON ({exc})") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ReferenceFileError("CSL-JSON: expected a list of items")
    out = []
    for n, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ReferenceFileError(f"CSL-JSON: item {n} is not an object")
        fields = {k.lower(): str(v) for k, v in item.items() if isinstance(v, str | int)}
        out.append(_reference(str(item.get("id") or item.get("title") or f"item {n}"), fields))
    return out


def parse_id_list(text: str) -> list[Reference]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        out.append(Reference(line, _arxiv_from(line)))
    return out


def parse_references(text: str) -> tuple[str, list[Reference]]:
    """(format name, references): the format is told from the content."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("[", "{")):
        return "CSL-JSON", parse_csl_json(stripped)
    if re.search(r"^\s*@\w+\s*\{", stripped, re.M):
        return "BibTeX", parse_bibtex(stripped)
    if re.search(r"^TY  -", stripped, re.M):
        return "RIS", parse_ris(stripped)
    return "arXiv ids", parse_id_list(stripped)
