"""Periods: the standard grammar (YYYY, YYYY-H1, YYYY-Q3, YYYY-MM), custom ones, and enclosure."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

_STANDARD = re.compile(r"^([0-9]{4})(?:-(H[12]|Q[1-4]|[0-9]{2}))?$")


@dataclass(frozen=True)
class Period:
    id: str
    start: dt.date
    end: dt.date

    def encloses(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def elapsed(self, as_of: dt.date) -> float:
        """Fraction of the period elapsed at ``as_of``, in [0, 1]: 0 on its first day."""
        if as_of <= self.start:
            return 0.0
        if as_of > self.end:
            return 1.0
        return (as_of - self.start).days / self.days


def _month_span(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


@functools.cache
def standard_period(period_id: str) -> Period | None:
    """The period a standard ID names, or None when the ID is not of the standard grammar."""
    match = _STANDARD.match(period_id)
    if not match:
        return None
    year, part = int(match.group(1)), match.group(2)
    if part is None:
        first, last = 1, 12
    elif part[0] == "H":
        first = 1 if part == "H1" else 7
        last = first + 5
    elif part[0] == "Q":
        first = 3 * int(part[1]) - 2
        last = first + 2
    else:
        first = last = int(part)
        if not 1 <= first <= 12:
            return None
    start, end = _month_span(year, first, last)
    return Period(period_id, start, end)


def period_id_text(value: object) -> str | None:
    """A period as the user meant it: ``period: 2026`` arrives as an integer."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) else None
