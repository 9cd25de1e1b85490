"""`dailypapers import`: stream records from files into the store in idempotent batches.

Each batch is one transaction, so a crash (even kill -9) leaves whole batches; rerunning the same files
converges on the same database because every write is a merge-upsert keyed by arXiv id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from dailypapers.ingest.gists import GistResult, default_workers, fill_gists
from dailypapers.ingest.parse import KIND_NAMES, PARSERS, RecordError, detect_kind
from dailypapers.ingest.prefetch import prefetch
from dailypapers.ingest.reader import InputFileError, iter_records
from dailypapers.progress import Progress
from dailypapers.records import DailyEntryRecord, PaperRecord
from dailypapers.store.daily import upsert_daily_entries
from dailypapers.store.db import Database
from dailypapers.store.papers import (
    BULK_WAL_AUTOCHECKPOINT,
    DEFAULT_WAL_AUTOCHECKPOINT,
    NewPaperRows,
    PreparedPaper,
    UpsertResult,
    set_wal_autocheckpoint,
    upsert_papers,
    upsert_prepared,
)

log = logging.getLogger(__name__)


@dataclass
class Rejection:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class ImportSummary:
    papers: UpsertResult = field(default_factory=UpsertResult)
    daily_new: int = 0
    daily_updated: int = 0
    records: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)
    gists: GistResult | None = None

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.file_errors

    def lines(self) -> list[str]:
        p = self.papers
        return [
            f"new: {p.new}, updated: {p.updated}, unchanged: {p.unchanged}, rejected: {len(self.rejected)}",
            f"daily-list entries: {self.daily_new} new, {self.daily_updated} updated",
        ] + ([f"TL;DR and keyphrases: {self.gists.computed} papers ({self.gists.rate:.0f}/s)"] if self.gists else [])


@dataclass
class ParsedBatch:
    papers: list[PaperRecord] | list[PreparedPaper]  # prepared (store.papers.NewPaperRows) when `prepared`
    daily: list[DailyEntryRecord]
    rejections: list[Rejection]
    records: int
    format: str | None
    prepared: bool = False


def parse_batches(path: Path, batch_size: int, prepare: NewPaperRows | None = None) -> Iterator[ParsedBatch]:
    """Read and parse one file into batches (no database work, so it can run in another process).

    With `prepare` (SQLite), papers come as rows ready to insert, which takes that work off the writer.
    """
    papers: list = []
    daily: list[DailyEntryRecord] = []
    rejections: list[Rejection] = []
    records = 0
    fmt: str | None = None
    for raw in iter_records(path):
        records += 1
        try:
            if raw.error:
                raise RecordError(raw.error)
            kind = detect_kind(raw.obj)
            item = PARSERS[kind](raw.obj)
            fmt = fmt or KIND_NAMES[kind]
        except RecordError as exc:
            rejections.append(Rejection(str(path), raw.line, str(exc)))
        else:
            papers.append(prepare(item.paper) if prepare else item.paper)
            if item.daily is not None:
                daily.append(item.daily)
        if len(papers) >= batch_size:
            yield ParsedBatch(papers, daily, rejections, records, fmt, prepare is not None)
            papers, daily, rejections, records = [], [], [], 0
    if papers or rejections or records:
        yield ParsedBatch(papers, daily, rejections, records, fmt, prepare is not None)


def import_files(
    db: Database,
    paths: Iterable[str | Path],
    batch_size: int | None = None,
    on_reject: Callable[[Rejection], None] | None = None,
    progress_stream=None,
    parallel: bool = True,
    gists: bool = True,
) -> ImportSummary:
    """Import files in order. With `parallel`, a child process parses while this one writes (2 cores, ~2x).

    Papers are written without their TL;DR and keyphrases (which cost ten times the import itself); with `gists`
    they are computed once every file is in, in batches of their own, so the papers are searchable first."""
    summary = ImportSummary()
    batch_size = batch_size or db.settings.import_batch_size
    prepare = NewPaperRows(db.engine.dialect) if NewPaperRows.supports(db.engine.dialect) else None
    try:
        with Progress("import", unit="papers", stream=progress_stream) as progress:
            for path in map(Path, paths):
                args = (path, batch_size, prepare)
                batches = prefetch(parse_batches, *args) if parallel else parse_batches(*args)
                try:
                    for batch in batches:
                        _apply(db, path, batch, summary, progress, on_reject)
                except InputFileError as exc:
                    summary.file_errors.append(str(exc))
                    log.error("%s", exc)
        if gists:  # a bulk write too: it keeps the import's checkpoint interval
            summary.gists = fill_gists(db, progress_stream=progress_stream,
                                       workers=default_workers() if parallel else 1)
    finally:
        with db.connect() as conn:
            set_wal_autocheckpoint(conn, DEFAULT_WAL_AUTOCHECKPOINT)
    return summary


def _apply(db: Database, path: Path, batch: ParsedBatch, summary: ImportSummary, progress: Progress,
           on_reject: Callable[[Rejection], None] | None) -> None:
    summary.records += batch.records
    if batch.format:
        summary.formats.setdefault(str(path), batch.format)
    for rejection in batch.rejections:
        summary.rejected.append(rejection)
        if on_reject:
            on_reject(rejection)
    if batch.papers:
        _flush(db, batch, summary, progress)


def _flush(db: Database, batch: ParsedBatch, summary: ImportSummary, progress: Progress) -> None:
    with db.write() as conn:
        set_wal_autocheckpoint(conn, BULK_WAL_AUTOCHECKPOINT)
        if batch.prepared:
            result, ids = upsert_prepared(conn, cast(list[PreparedPaper], batch.papers), gists=False)
        else:
            result, ids = upsert_papers(conn, cast(list[PaperRecord], batch.papers), gists=False)
        daily = upsert_daily_entries(conn, batch.daily, ids)
    summary.papers.add(result)
    summary.daily_new += daily.new
    summary.daily_updated += daily.updated
    progress.update(len(batch.papers), postfix=f"{summary.papers.new} new, {summary.papers.updated} updated")
