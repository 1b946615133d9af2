"""Cadence rules: key results are checked in often, in order, and within their period (OKR3xx)."""

from __future__ import annotations

from collections.abc import Iterator

from ..cadence import Staleness, staleness
from ..diagnostics import Finding
from ..model import KeyResult
from ..progress import latest_check_in
from . import Context, rule


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
    for objective in ctx.objectives():
        period = ctx.period(objective.period)
        if period is None:
            continue
        for kr in objective.key_results:
            found = staleness(
                ctx.org, objective, kr, period, ctx.as_of, latest_check_in(kr, ctx.as_of)
            )
            if found is not None:
                yield _stale(ctx, kr, found)


def _stale(ctx: Context, kr: KeyResult, found: Staleness) -> Finding:
    since = "last check-in" if found.checked_in else "no check-in since the period started on"
    return Finding(
        "OKR301",
        kr.where.child("id"),
        f"key result '{kr.id}' is stale: {since} {found.last}, "
        f"{(ctx.as_of - found.last).days} days before {ctx.as_of}",
        f"check in every {found.every}d + {found.grace}d grace: it was due by {found.due}",
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
    for objective in ctx.objectives():
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
                    kr.where.child("check_ins", current.index, "date"),
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
    for objective in ctx.objectives():
        period = ctx.period(objective.period)
        for kr in objective.key_results:
            for check_in in kr.check_ins:
                if check_in.date > ctx.as_of:
                    yield Finding(
                        "OKR303",
                        kr.where.child("check_ins", check_in.index, "date"),
                        f"check-in dated {check_in.date}, after the as-of date {ctx.as_of}",
                    )
                elif period is not None and not period.contains(check_in.date):
                    yield Finding(
                        "OKR303",
                        kr.where.child("check_ins", check_in.index, "date"),
                        f"check-in dated {check_in.date} is outside period {period.id} "
                        f"({period.start}..{period.end})",
                    )
