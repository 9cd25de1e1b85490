"""Parsing the day, ISO week and month parameters of list pages and the API, with errors naming the parameter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dailypapers.store.listing import Period

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class BadParameter(ValueError):
    """Input that cannot be used; `param` names the parameter, the message says what was wrong."""

    def __init__(self, param: str, message: str, status: int = 400) -> None:
        super().__init__(f"parameter '{param}': {message}")
        self.param = param
        self.status = status


@dataclass(frozen=True)
class Span:
    """A day, week or month: what the list pages step through with previous/next."""

    kind: str  # "day" | "week" | "month"
    period: Period
    label: str  # "2025-01-08", "2025-W02", "2025-01"

    @property
    def start(self) -> date:
        assert self.period.start is not None
        return self.period.start

    @property
    def title(self) -> str:
        """For people: "Friday, June 13, 2025", "Week of June 9, 2025", "June 2025"."""
        if self.kind == "day":
            return self.start.strftime("%A, %B %-d, %Y")
        if self.kind == "week":
            return self.start.strftime("Week of %B %-d, %Y")
        return self.start.strftime("%B %Y")

    @property
    def short(self) -> str:
        """For previous/next links: "Jun 13", "Week of Jun 9", "Jun 2025"."""
        if self.kind == "day":
            return self.start.strftime("%b %-d")
        if self.kind == "week":
            return self.start.strftime("Week of %b %-d")
        return self.start.strftime("%b %Y")


def parse_day(text: str, param: str = "date") -> Span:
    try:
        d = date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or "") else None
    except ValueError:
        d = None
    if d is None:
        raise BadParameter(param, f"not a valid YYYY-MM-DD date: {text!r}")
    _check_year(param, d.year, text)
    return day_span(d)


def _check_year(param: str, year: int, text: str) -> None:
    # Far-off years would overflow date arithmetic at the edges of the calendar; no paper lives there.
    if not 1000 <= year <= 9000:
        raise BadParameter(param, f"year {year} is out of range (1000-9000): {text!r}")


def day_span(d: date) -> Span:
    return Span("day", Period.day(d), d.isoformat())


def parse_week(text: str, param: str = "week") -> Span:
    m = _WEEK.match(text or "")
    if not m:
        raise BadParameter(param, f"not an ISO week like 2025-W09: {text!r}")
    year, week = int(m.group(1)), int(m.group(2))
    _check_year(param, year, text)
    try:
        start = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise BadParameter(param, f"{year} has no ISO week {week}: {text!r}") from None
    return week_span(start)


def week_span(d: date) -> Span:
    year, week, weekday = d.isocalendar()
    start = d - timedelta(days=weekday - 1)
    return Span("week", Period(start, start + timedelta(days=7)), f"{year}-W{week:02d}")


def parse_month(text: str, param: str = "month") -> Span:
    m = _MONTH.match(text or "")
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
        raise BadParameter(param, f"not a month like 2025-02: {text!r}")
    _check_year(param, int(m.group(1)), text)
    return month_span(date(int(m.group(1)), int(m.group(2)), 1))


def month_span(d: date) -> Span:
    start = d.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return Span("month", Period(start, end), f"{start.year:04d}-{start.month:02d}")


def span_of(kind: str, d: date) -> Span:
    return {"day": day_span, "week": week_span, "month": month_span}[kind](d)


def span_url(span: Span) -> str:
    return {"day": "/papers/date/", "week": "/papers/week/", "month": "/papers/month/"}[span.kind] + span.label
