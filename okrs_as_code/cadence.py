"""Check-in cadence: how often a key result is due, and whether it is stale at the as-of date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import CheckIn, KeyResult, Objective, Organization, Status
from .periods import Period


@dataclass(frozen=True)
class Staleness:
    last: dt.date  # the last check-in not after the as-of date, else the period start
    checked_in: bool  # False when ``last`` is the period start
    every: int
    grace: int

    @property
    def due(self) -> dt.date:
        return self.last + dt.timedelta(days=self.every + self.grace)


def cadence_of(org: Organization, objective: Objective, kr: KeyResult) -> tuple[int, int]:
    """(days between check-ins, grace days) from the key result, else its team, else the policy."""
    team = org.teams.get(objective.team)
    levels = [kr.cadence, *([team.cadence] if team else []), org.policy.cadence]
    every = next(level.every_days for level in levels if level.every_days is not None)
    grace = next((level.grace_days for level in levels if level.grace_days is not None), 0)
    return every, grace


def staleness(
    org: Organization,
    objective: Objective,
    kr: KeyResult,
    period: Period,
    as_of: dt.date,
    latest: CheckIn | None,
) -> Staleness | None:
    """How overdue the key result is, given its latest check-in (``latest_check_in``), or None
    when it is not stale.

    Only active objectives in a period containing the as-of date can be stale.
    """
    if objective.status is not Status.ACTIVE or not period.contains(as_of):
        return None
    every, grace = cadence_of(org, objective, kr)
    found = Staleness(latest.date if latest else period.start, latest is not None, every, grace)
    return found if (as_of - found.last).days > every + grace else None
