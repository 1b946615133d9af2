"""Dates and durations: the single source of "today" and the `Nd`/`Nw` grammar."""

from __future__ import annotations

import datetime as dt
import re

_DURATION = re.compile(r"^([0-9]+)([dw])$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def today_utc() -> dt.date:
    """The as-of date when none is given: today in UTC, so every machine agrees."""
    return dt.datetime.now(dt.timezone.utc).date()


def parse_date(value: object) -> dt.date | None:
    """A strict YYYY-MM-DD date, or None when the value is not one."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_duration(value: object) -> int | None:
    """Days in a duration such as ``7d`` or ``2w``, or None when malformed."""
    if not isinstance(value, str):
        return None
    match = _DURATION.match(value)
    if not match:
        return None
    count = int(match.group(1))
    return count * 7 if match.group(2) == "w" else count
