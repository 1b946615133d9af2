"""Cadence rules: key results are checked in often, in order, and within their period (OKR3xx)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..diagnostics import Finding
from ..model import KeyResult, Objective, Status
from ..progress import latest_check_in
from . import Context, rule


def cadence_of(ctx: Context, objective: Objective, kr: KeyResult) -> tuple[int, int]:
    """(days between check-ins, grace days) from the key result, else its team, else the policy."""
    team = ctx.org.teams.get(objective.team)
    levels = [kr.cadence, *([team.cadence] if team else []), ctx.org.policy.cadence]
    every = next(level.every_days for level in levels if level.every_days is not None)
    grace = next((level.grace_days for level in levels if level.grace_days is not None), 0)
    return every, grace


@rule("OKR301", "stale")
def stale(ctx: Context) -> Iterator[Finding]:
    """A key result has not been checked in within its cadence plus grace.

    Only key results of active objectives in a period that contains the as-of date are checked.
    The cadence is the key result's ``check_in_every``, else its team's ``cadence``, else
    ``policy.cadence``; ``grace`` comes from the nearest level that sets it. With no check-in yet,
    the period start counts as the last one. With 7d + 2d, a key result last checked in on
    2026-11-11 is fine through 2026-11-20 and stale from 2026-11-21.

    Fails (as of 2026-11-21, cadence 7d, grace 2d)::

        check_ins:
          - {date: 2026-11-11, value: 48}

    Passes (as of 2026-11-20)::

        check_ins:
          - {date: 2026-11-11, value: 48}
    """
    for objective in ctx.model.objectives():
        period = ctx.period(objective.period)
        if (
            objective.status is not Status.ACTIVE
            or period is None
            or not period.contains(ctx.as_of)
        ):
            continue
        for kr in objective.key_results:
            every, grace = cadence_of(ctx, objective, kr)
            latest = latest_check_in(kr, ctx.as_of)
            last = latest.date if latest else period.start
            if (ctx.as_of - last).days > every + grace:
                yield _stale(ctx, kr, last, latest is None, every, grace)


def _stale(
    ctx: Context, kr: KeyResult, last: dt.date, never: bool, every: int, grace: int
) -> Finding:
    since = "no check-in since the period started on" if never else "last check-in"
    due = last + dt.timedelta(days=every + grace)
    return Finding(
        "OKR301",
        kr.where.child("id"),
        f"key result '{kr.id}' is stale: {since} {last}, {(ctx.as_of - last).days} days "
        f"before {ctx.as_of}",
        f"check in every {every}d + {grace}d grace: it was due by {due}",
    )


@rule("OKR302", "check-in-order", needs_org=False)
def check_in_order(ctx: Context) -> Iterator[Finding]:
    """Check-ins are not in date order, oldest first, or two share a date.

    Fails::

        check_ins:
          - {date: 2026-10-13, value: 45}
          - {date: 2026-10-06, value: 48}

    Passes::

        check_ins:
          - {date: 2026-10-06, value: 48}
          - {date: 2026-10-13, value: 45}
    """
    for objective in ctx.model.objectives():
        for kr in objective.key_results:
            for previous, current in zip(kr.check_ins, kr.check_ins[1:], strict=False):
                if current.date == previous.date:
                    message = f"two check-ins on {current.date} in key result '{kr.id}'"
                elif current.date < previous.date:
                    message = f"check-in on {current.date} comes after one on {previous.date}"
                else:
                    continue
                yield Finding(
                    "OKR302",
                    current.where.child("date"),
                    message,
                    "keep check-ins oldest first, one per date",
                )


@rule("OKR303", "check-in-date", needs_org=False)
def check_in_date(ctx: Context) -> Iterator[Finding]:
    """A check-in is dated after the as-of date, or outside its objective's period.

    Fails (in ``okrs/2026-Q4/product.yaml``)::

        check_ins:
          - {date: 2026-09-30, value: 48}

    Passes::

        check_ins:
          - {date: 2026-10-06, value: 48}
    """
    for objective in ctx.model.objectives():
        period = ctx.period(objective.period)
        for kr in objective.key_results:
            for check_in in kr.check_ins:
                where = check_in.where.child("date")
                if check_in.date > ctx.as_of:
                    yield Finding(
                        "OKR303",
                        where,
                        f"check-in dated {check_in.date}, after the as-of date {ctx.as_of}",
                    )
                elif period is not None and not period.contains(check_in.date):
                    yield Finding(
                        "OKR303",
                        where,
                        f"check-in dated {check_in.date} is outside period {period.id} "
                        f"({period.start}..{period.end})",
                    )
