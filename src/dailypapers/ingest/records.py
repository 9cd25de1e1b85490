"""What the importer's reader hands its writer: a parsed record and its daily-list entry."""

from __future__ import annotations

from dataclasses import dataclass, field

from dailypapers.records import DailyEntryRecord, PaperRecord


@dataclass
class ParsedItem:
    """What one input record yields: a paper and, for curated sources, its daily-list entry."""

    paper: PaperRecord
    daily: DailyEntryRecord | None = None
    extra: dict = field(default_factory=dict)
