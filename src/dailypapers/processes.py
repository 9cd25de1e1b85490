"""Whether a process on this machine still runs: how a crashed sync or mail sender is told from a live one."""

from __future__ import annotations

import os


def process_alive(pid: int | None) -> bool:
    """True when `pid` is a running process (one of another user's counts: it exists, we may just not signal it)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
