"""Things that run beside the web app for as long as it serves (the background job runner of jobs/runner.py).

Each wraps whatever lifespan the app already has, so several can be added without knowing about one another.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from fastapi import FastAPI

Job = TypeVar("Job")


def run_beside(app: FastAPI, name: str, start: Callable[[], Job], stop: Callable[[Job], None]) -> None:
    """Call `start()` when the app starts (its result is kept as `app.state.<name>`) and `stop(job)` when it ends."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a):
        job = start()
        setattr(a.state, name, job)
        try:
            async with inner(a) as state:
                yield state
        finally:
            stop(job)

    app.router.lifespan_context = lifespan
