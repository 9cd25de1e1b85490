"""Library actions shared by the pages, the API and the CLI: each checks its input (LibraryInputError names the
field) and runs in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from dailypapers.library.formats import Reference, normalize_title, parse_references
from dailypapers.store import library as store
from dailypapers.store.db import Database

MAX_TAGS = 20
MAX_TAG_LENGTH = 64
MAX_NOTE_LENGTH = 10000


class LibraryInputError(ValueError):
    def __init__(self, field_name: str, message: str, status: int = 422) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message
        self.status = status


def clean_tags(value: str | Iterable[str] | None) -> list[str]:
    """Tags from "a, b" or a list: trimmed, lower-cased, deduplicated, each 1–64 characters, at most 20."""
    if value is None:
        return []
    parts = value.split(",") if isinstance(value, str) else list(value)
    tags = []
    for part in parts:
        if not isinstance(part, str):
            raise LibraryInputError("tags", "each tag must be a string")
        tag = " ".join(part.split()).lower()
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise LibraryInputError("tags", f"a tag may have at most {MAX_TAG_LENGTH} characters: {tag[:20]!r}…")
        tags.append(tag)
    tags = list(dict.fromkeys(tags))
    if len(tags) > MAX_TAGS:
        raise LibraryInputError("tags", f"at most {MAX_TAGS} tags per paper")
    return tags


def clean_note(note: str | None) -> str | None:
    if note is None:
        return None
    if not isinstance(note, str):
        raise LibraryInputError("note", "must be a string")
    if len(note) > MAX_NOTE_LENGTH:
        raise LibraryInputError("note", f"at most {MAX_NOTE_LENGTH} characters")
    return note.strip()


def save(db: Database, user_id: int, paper_id: int, tags: list[str] | None = None, note: str | None = None) -> bool:
    """Save (idempotent) and, when given, set tags and note. True when the paper was not saved before."""
    with db.write() as conn:
        created = store.save(conn, user_id, paper_id)
        if tags is not None:
            store.set_tags(conn, user_id, paper_id, tags)
        if note is not None:
            store.set_note(conn, user_id, paper_id, note)
    return created


def update(db: Database, user_id: int, paper_id: int, tags: list[str] | None = None, note: str | None = None) -> None:
    with db.write() as conn:
        if not store.is_saved(conn, user_id, paper_id):
            raise LibraryInputError("arxiv_id", "this paper is not in your library", 404)
        if note is not None:
            store.set_note(conn, user_id, paper_id, note)
        if tags is not None:
            store.set_tags(conn, user_id, paper_id, tags)


def remove(db: Database, user_id: int, paper_id: int) -> bool:
    with db.write() as conn:
        return store.remove(conn, user_id, paper_id)


def set_not_interested(db: Database, user_id: int, paper_id: int, undo: bool = False) -> bool:
    with db.write() as conn:
        if undo:
            return store.unmark_not_interested(conn, user_id, paper_id)
        return store.mark_not_interested(conn, user_id, paper_id)


@dataclass
class ImportResult:
    format: str
    saved: list[str] = field(default_factory=list)  # arXiv ids newly saved
    already: list[str] = field(default_factory=list)  # matched papers that were saved before
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (entry label, reason)


def _match(refs: list[Reference], by_arxiv: dict[str, int], by_doi: dict[str, int],
           by_title: dict[str, int]) -> tuple[list[tuple[Reference, int]], list[tuple[str, str]]]:
    matched, unmatched = [], []
    for ref in refs:
        paper_id = (by_arxiv.get(ref.arxiv_id or "") or by_doi.get((ref.doi or "").lower())
                    or by_title.get(normalize_title(ref.title or "")))
        if paper_id:
            matched.append((ref, paper_id))
        elif not (ref.arxiv_id or ref.doi or ref.title):
            unmatched.append((ref.label, "no arXiv id, DOI or title in the entry"))
        elif ref.arxiv_id:
            unmatched.append((ref.label, f"arXiv:{ref.arxiv_id} is not in this hub yet "
                                         f"(`dailypapers fetch {ref.arxiv_id}` adds it)"))
        else:
            unmatched.append((ref.label, "no paper in this hub has this DOI or exact title"))
    return matched, unmatched


def import_references(db: Database, user_id: int, text: str) -> ImportResult:
    """Save every entry of a BibTeX / RIS / CSL-JSON file or id list that matches a paper by arXiv id, DOI or
    exact normalised title; the rest come back in `unmatched` with the reason."""
    fmt, refs = parse_references(text)
    with db.connect() as conn:
        by_arxiv = store.paper_ids_by_arxiv_id(conn, [r.arxiv_id for r in refs if r.arxiv_id])
        by_doi = store.paper_ids_by_doi(conn, [r.doi for r in refs if r.doi])
        titles = [r.title for r in refs if r.title]
        by_title = {normalize_title(t): i for i, t in store.papers_by_exact_titles(conn, titles)}
    matched, unmatched = _match(refs, by_arxiv, by_doi, by_title)
    with db.connect() as conn:
        arxiv_of = store.arxiv_ids_for(conn, [paper_id for _, paper_id in matched])
    result = ImportResult(fmt, unmatched=unmatched)
    with db.write() as conn:
        for _ref, paper_id in matched:
            created = store.save(conn, user_id, paper_id)
            (result.saved if created else result.already).append(arxiv_of[paper_id])
    return result
