"""When arXiv announces a new submission, for papers only OAI-PMH told us about.

arXiv's schedule (US Eastern): submissions received Monday–Friday before the 14:00 cut-off are announced that
evening at 20:00 (Thursday's to Friday's cut-off on Sunday evening), and the listing carries the next day's date
(the RSS feed dates Monday evening's mailing "Tuesday 00:00"). Holidays shift this; the RSS feed, when we have
it, is the authority and this estimate only places backfilled papers on a daily list.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")
CUTOFF = time(14, 0)


def listing_day(submitted_utc: datetime) -> date:
    """The date of the arXiv listing that first shows a paper submitted at `submitted_utc` (naive UTC)."""
    local = submitted_utc.replace(tzinfo=UTC).astimezone(EASTERN)
    day = local.date()
    if local.time() >= CUTOFF:
        day += timedelta(days=1)
    while day.weekday() >= 5:  # weekend submissions wait for Monday's cut-off
        day += timedelta(days=1)
    nxt = day + timedelta(days=1)  # the listing is dated the day after the cut-off ...
    while nxt.weekday() >= 5:  # ... and Friday's cut-off is listed on Monday
        nxt += timedelta(days=1)
    return nxt
