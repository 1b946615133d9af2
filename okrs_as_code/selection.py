"""What a view shows: the period (the current one unless named) and the team, checked.

A name the repository does not know is a usage error (exit 2) that lists the choices.
"""

from __future__ import annotations

import datetime as dt

from .errors import OkrsError
from .graph import current_period, period_of
from .model import Model
from .periods import Period


def periods_with_files(model: Model) -> list[Period]:
    """Every period some team file is for, in date order (longer first when they start alike)."""
    found = {period_of(model, f.period) for f in model.files if f.period}
    return sorted((p for p in found if p is not None), key=lambda p: (p.start, -p.days, p.id))


def choose_period(model: Model, period_id: str | None, as_of: dt.date) -> Period:
    """The named period, else the current one (the shortest active period that has files)."""
    known = periods_with_files(model)
    choices = ", ".join(p.id for p in known) or "none"
    if period_id is None:
        current = current_period(model, as_of)
        if current is None:
            raise OkrsError(
                f"no period with OKR files contains {as_of}; "
                f"name one with --period (periods with files: {choices})"
            )
        return current
    chosen = next((p for p in known if p.id == period_id), None)
    if chosen is None:
        raise OkrsError(f"unknown period '{period_id}'; periods with files: {choices}")
    return chosen


def check_team(model: Model, team: str) -> str:
    """The team, when the organisation (or, without a readable org.yaml, some file) names it."""
    if model.org is not None:
        known = sorted(model.org.teams)
    else:
        known = sorted({f.team for f in model.files if f.team})
    if team not in known:
        raise OkrsError(f"unknown team '{team}'; teams: {', '.join(known) or 'none'}")
    return team
