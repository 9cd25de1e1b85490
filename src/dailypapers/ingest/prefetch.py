"""Run a generator in a child process and consume its items here, a bounded number ahead.

Import is CPU-bound on both sides (JSON parsing and normalizing vs. SQLite writing and full-text indexing);
on a 2-core machine overlapping them nearly halves the wall time. The queue is bounded so memory stays flat,
and the child exits when the parent disappears (even after kill -9), so nothing is left behind.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import traceback
from collections.abc import Callable, Iterator
from typing import Any

_DONE = "__done__"
_ERROR = "__error__"


def _child(fn: Callable[..., Iterator[Any]], args: tuple, q: mp.Queue, parent: int) -> None:
    try:
        for item in fn(*args):
            while True:
                try:
                    q.put(item, timeout=1.0)
                    break
                except queue.Full:
                    if os.getppid() != parent:  # the importer died: leave now, without flushing to a dead reader
                        q.cancel_join_thread()
                        os._exit(0)
        q.put((_DONE, None))
    except BaseException as exc:  # handed to the parent, which re-raises it where it would have happened
        try:
            q.put((_ERROR, exc))
        except Exception:
            q.put((_ERROR, RuntimeError(traceback.format_exc())))


def prefetch(fn: Callable[..., Iterator[Any]], *args: Any, ahead: int = 3) -> Iterator[Any]:
    ctx = mp.get_context("fork")
    q: mp.Queue = ctx.Queue(maxsize=ahead)
    proc = ctx.Process(target=_child, args=(fn, args, q, os.getpid()), daemon=True)
    proc.start()
    try:
        while True:
            try:
                item = q.get(timeout=1.0)
            except queue.Empty:
                if not proc.is_alive() and q.empty():
                    raise RuntimeError(f"reader process exited unexpectedly (exit code {proc.exitcode})") from None
                continue
            if isinstance(item, tuple) and len(item) == 2 and item[0] == _DONE:
                return
            if isinstance(item, tuple) and len(item) == 2 and item[0] == _ERROR:
                raise item[1]
            yield item
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(timeout=5)
