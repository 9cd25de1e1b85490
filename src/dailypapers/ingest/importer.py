"""`dailypapers import`: stream records from files into the store in idempotent batches.

Each batch is one transaction, so a crash (even kill -9) leaves whole batches; rerunning the same files
converges on the same database because every write is a merge-upsert keyed by arXiv id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dailypapers.ingest.parse import KIND_NAMES, PARSERS, RecordError, detect_kind
from dailypapers.ingest.reader import InputFileError, iter_records
from dailypapers.ingest.records import ParsedItem
from dailypapers.progress import Progress
from dailypapers.store.daily import upsert_daily_entries
from dailypapers.store.db import Database
from dailypapers.store.papers import UpsertResult, upsert_papers

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

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.file_errors

    def lines(self) -> list[str]:
        p = self.papers
        return [
            f"new: {p.new}, updated: {p.updated}, unchanged: {p.unchanged}, rejected: {len(self.rejected)}",
            f"daily-list entries: {self.daily_new} new, {self.daily_updated} updated",
        ]


def import_files(
    db: Database,
    paths: Iterable[str | Path],
    batch_size: int | None = None,
    on_reject: Callable[[Rejection], None] | None = None,
    progress_stream=None,
) -> ImportSummary:
    summary = ImportSummary()
    batch_size = batch_size or db.settings.import_batch_size
    with Progress("import", unit="papers", stream=progress_stream) as progress:
        for path in map(Path, paths):
            try:
                _import_file(db, path, batch_size, summary, progress, on_reject)
            except InputFileError as exc:
                summary.file_errors.append(str(exc))
                log.error("%s", exc)
    return summary


def _import_file(db, path, batch_size, summary, progress, on_reject) -> None:
    batch: list[ParsedItem] = []
    for raw in iter_records(path):
        summary.records += 1
        try:
            if raw.error:
                raise RecordError(raw.error)
            kind = detect_kind(raw.obj)
            item = PARSERS[kind](raw.obj)
            if str(path) not in summary.formats:
                summary.formats[str(path)] = KIND_NAMES[kind]
        except RecordError as exc:
            rejection = Rejection(str(path), raw.line, str(exc))
            summary.rejected.append(rejection)
            if on_reject:
                on_reject(rejection)
            continue
        batch.append(item)
        if len(batch) >= batch_size:
            _flush(db, batch, summary, progress)
            batch = []
    if batch:
        _flush(db, batch, summary, progress)


def _flush(db: Database, batch: list[ParsedItem], summary: ImportSummary, progress: Progress) -> None:
    with db.write() as conn:
        result, ids = upsert_papers(conn, [item.paper for item in batch])
        entries = [item.daily for item in batch if item.daily is not None]
        daily = upsert_daily_entries(conn, entries, ids)
    summary.papers.add(result)
    summary.daily_new += daily.new
    summary.daily_updated += daily.updated
    progress.update(len(batch), postfix=f"{summary.papers.new} new, {summary.papers.updated} updated")
