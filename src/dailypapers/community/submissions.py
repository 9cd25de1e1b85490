"""Paper submissions: a member puts an arXiv paper on today's daily list, within the configured rules.

Rules (each refusal names its rule):
  `paper_id`       — the text must be an arXiv id or abs/pdf link;
  `metadata`       — the paper must be in the store or fetchable from the arXiv API;
  `hidden`         — moderators have hidden the paper;
  `max_age`        — its first version at most `submission_max_age_days` old;
  `already_listed` — not on any daily list yet (daily_entries has one row per paper);
  `per_day`        — at most `submissions_per_day` submissions per user per UTC day.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from dailypapers.config import Settings
from dailypapers.errors import DomainError
from dailypapers.ids import InvalidArxivId, parse_arxiv_id
from dailypapers.records import DailyEntryRecord, PaperRecord
from dailypapers.sources import arxiv_api
from dailypapers.store import daily as daily_store
from dailypapers.store import papers as paper_store
from dailypapers.store import submissions as sub_store
from dailypapers.store.db import Database
from dailypapers.store.papers import utcnow

log = logging.getLogger(__name__)
MAX_COMMENT = 500


class SubmissionRefused(DomainError):
    """A submission a rule refuses; `rule` names it (module docstring) for programs."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(422, message, details={"rule": rule})
        self.rule = rule


@dataclass
class Submitted:
    arxiv_id: str
    paper_id: int
    day: str
    title: str


def fetch_from_arxiv(arxiv_id: str, settings: Settings, db: Database) -> PaperRecord | None:
    """Metadata from the arXiv API; None when it finds nothing."""
    from dailypapers.harvest.polite import polite_client  # spaced with every process's requests to arXiv

    try:
        with polite_client(db, settings) as client:
            return arxiv_api.fetch_papers([arxiv_id], settings, client=client).get(arxiv_id)
    except arxiv_api.UnknownArxivIds:
        raise SubmissionRefused("metadata", f"arXiv has no paper {arxiv_id}") from None
    except Exception as exc:  # network trouble must not become a 500
        log.warning("arXiv lookup of %s failed: %s", arxiv_id, exc)
        raise SubmissionRefused("metadata", f"could not fetch arXiv:{arxiv_id} from arXiv right now; "
                                            "try again later") from None


def _day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def _check_rules(conn: sa.Connection, settings: Settings, user: dict, arxiv_id: str,
                 published_at: datetime | None, hidden: bool, paper_id: int | None, now: datetime) -> None:
    if hidden:
        raise SubmissionRefused("hidden", f"arXiv:{arxiv_id} was hidden by the moderators")
    if published_at is None:
        raise SubmissionRefused("max_age", f"the first-version date of arXiv:{arxiv_id} is unknown")
    max_age = timedelta(days=settings.submission_max_age_days)
    if now - published_at > max_age:
        raise SubmissionRefused("max_age", f"arXiv:{arxiv_id} first appeared on {published_at.date().isoformat()}; "
                                           f"only papers at most {settings.submission_max_age_days} days old "
                                           "can be submitted")
    if paper_id is not None:
        entry = daily_store.daily_entry_for(conn, paper_id)
        if entry is not None:
            raise SubmissionRefused("already_listed", f"arXiv:{arxiv_id} is already on the daily list of "
                                                      f"{entry['day'].isoformat()}")
    _check_quota(conn, settings, user, now)


def _check_quota(conn: sa.Connection, settings: Settings, user: dict, now: datetime) -> None:
    done = sub_store.submissions_since(conn, user["id"], _day_start(now))
    if done >= settings.submissions_per_day:
        raise SubmissionRefused("per_day", f"you already submitted {done} papers today; the limit is "
                                           f"{settings.submissions_per_day} per day")


@dataclass
class Prepared:
    """A submission that passed every check that needs no arXiv look-up; `paper` is None when it needs one."""

    arxiv_id: str
    comment: str | None
    paper: dict | None
    at: datetime


def prepare(db: Database, settings: Settings, user: dict, paper_text: str, comment: str | None = None) -> Prepared:
    """Parse and check what can be checked locally, before any network call or write."""
    try:
        arxiv_id, _version = parse_arxiv_id(paper_text or "")
    except InvalidArxivId as exc:
        raise SubmissionRefused("paper_id", str(exc)) from None
    comment = (comment or "").strip() or None
    if comment and len(comment) > MAX_COMMENT:
        raise SubmissionRefused("comment", f"the comment is longer than {MAX_COMMENT} characters")
    now = utcnow()
    with db.connect() as conn:
        paper = sub_store.paper_by_arxiv_id(conn, arxiv_id)
        if paper is not None:
            _check_rules(conn, settings, user, arxiv_id, paper["published_at"], paper["hidden"], paper["id"], now)
        else:
            _check_quota(conn, settings, user, now)
    return Prepared(arxiv_id, comment, paper, now)


def complete(db: Database, settings: Settings, user: dict, prepared: Prepared,
             record: PaperRecord | None = None) -> Submitted:
    """Store the submission: `record` is arXiv's metadata when the hub did not have the paper."""
    arxiv_id, paper, now = prepared.arxiv_id, prepared.paper, prepared.at
    if paper is None and record is None:
        raise SubmissionRefused("metadata", f"arXiv has no paper {arxiv_id}")
    entry = DailyEntryRecord(arxiv_id=arxiv_id, day=datetime.now(UTC).date(), submitted_at=now,
                             submitter_name=user.get("display_name") or user["username"],
                             submitter_username=user["username"], source="submission", comment=prepared.comment)
    try:
        with db.write() as conn:
            if paper is None:
                assert record is not None  # refused above otherwise
                _result, ids = paper_store.upsert_papers(conn, [record])
            else:
                ids = {arxiv_id: paper["id"]}
            sub_store.lock_user(conn, user["id"])
            fresh = sub_store.paper_by_arxiv_id(conn, arxiv_id, lock=True)
            assert fresh is not None  # there before, or upserted above in this transaction; papers are never deleted
            # Checked again holding the locks: a concurrent submission may have won meanwhile.
            _check_rules(conn, settings, user, arxiv_id, fresh["published_at"], fresh["hidden"], fresh["id"], now)
            daily_store.upsert_daily_entries(conn, [entry], ids)
            sub_store.set_entry_user(conn, ids[arxiv_id], user["id"])
    except sa.exc.IntegrityError:  # PostgreSQL: a concurrent submission of the same paper committed first
        raise SubmissionRefused("already_listed", f"arXiv:{arxiv_id} is already on a daily list") from None
    return Submitted(arxiv_id, ids[arxiv_id], entry.day.isoformat(), fresh["title"])


def submit(db: Database, settings: Settings, user: dict, paper_text: str, comment: str | None = None) -> Submitted:
    """Check, look the paper up on arXiv when needed (blocking: the web app waits on it only briefly, see
    `dailypapers.community.arxiv_lookups`), and store."""
    prepared = prepare(db, settings, user, paper_text, comment)
    record = fetch_from_arxiv(prepared.arxiv_id, settings, db) if prepared.paper is None else None
    return complete(db, settings, user, prepared, record)
