"""Submitting a paper from a request without ever waiting on arXiv for long (issue 11): papers the hub has are
added at once; an unknown one is looked up by the app's look-up queue for at most `submission_lookup_wait_s`,
then, if arXiv has not answered, the submission is accepted as pending and finished when it does."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool

from dailypapers.community import submissions
from dailypapers.community.arxiv_lookups import LookupQueue, finish_when_found
from dailypapers.web.background import run_beside
from dailypapers.web.deps import get_db, get_settings

PENDING_MESSAGE = "arXiv is unreachable right now; we will add arXiv:{id} to today's list when it answers."


@dataclass
class Pending:
    arxiv_id: str

    @property
    def message(self) -> str:
        return PENDING_MESSAGE.format(id=self.arxiv_id)


def install(app: FastAPI) -> None:
    """One look-up queue per app, started and stopped with it by the background runner."""
    run_beside(app, "arxiv_lookups", LookupQueue, LookupQueue.close)


def _queue(request: Request) -> LookupQueue:
    state = request.app.state
    if getattr(state, "arxiv_lookups", None) is None:  # an app used without its lifespan (some tests)
        state.arxiv_lookups = LookupQueue()
    return state.arxiv_lookups


async def submit(request: Request, user: dict, paper_text: str, comment: str | None) -> submissions.Submitted | Pending:
    """Raises SubmissionRefused like `submissions.submit`."""
    db, settings = get_db(request), get_settings(request)
    prepared = await run_in_threadpool(submissions.prepare, db, settings, user, paper_text, comment)
    record = None
    if prepared.paper is None:
        lookup = _queue(request).lookup(prepared.arxiv_id, settings, db)
        waiting = asyncio.wrap_future(lookup)
        await asyncio.wait([waiting], timeout=settings.submission_lookup_wait_s)  # never cancels the look-up
        if not waiting.done():
            waiting.add_done_callback(lambda f: f.cancelled() or f.exception())  # its outcome is handled below
            finish_when_found(db, settings, user, prepared, lookup)
            return Pending(prepared.arxiv_id)
        record = waiting.result()
    return await run_in_threadpool(submissions.complete, db, settings, user, prepared, record)
