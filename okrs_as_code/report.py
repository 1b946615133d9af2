"""`okrs report`: the weekly digest of the active periods, as Markdown or JSON.

For each period that contains the as-of date and has files (the current one first): every
team's progress (the mean of its objectives' own progress, dropped ones left out), and the key
results that are behind, stale, or held with the lowest confidence. The Markdown suits a CI job
summary (GitHub limits one to 1 MiB) or a chat post; the JSON carries the same content.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import markdown as md
from .cache import Cache
from .graph import active_periods
from .model import Objective, Organization, Status
from .periods import Period
from .progress import AT_RISK_CONFIDENCE, BEHIND_MARGIN, Memo, clamp
from .status import KeyResultStatus, objective_status, owners_of
from .textfit import percent
from .validate import Loaded, load_repository

MAX_BYTES = 1024 * 1024  # GitHub's limit for a step's job summary
LOWEST = 5  # the lowest-confidence list shows at least this many, and every one at risk
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class TeamLine:
    team: str
    name: str
    objectives: int
    progress: float
    behind: int
    stale: int
    at_risk: int


@dataclass(frozen=True)
class PeriodDigest:
    period: Period
    expected: float
    teams: list[TeamLine]
    behind: list[KeyResultStatus]
    stale: list[KeyResultStatus]
    lowest_confidence: list[KeyResultStatus]


@dataclass(frozen=True)
class Digest:
    org: Organization | None
    as_of: dt.date
    periods: list[PeriodDigest]

    @property
    def organization(self) -> str:
        return self.org.name if self.org else ""


def report(root: Path, as_of: dt.date, output_format: str, cache: Cache | None = None) -> str:
    """The digest of the repository at ``root`` in ``output_format`` (see ``FORMATS``)."""
    return FORMATS[output_format](digest(load_repository(root, cache=cache), as_of))


def digest(loaded: Loaded, as_of: dt.date) -> Digest:
    """What the report says, as data."""
    return Digest(
        loaded.model.org,
        as_of,
        [_period(loaded, period, as_of) for period in active_periods(loaded.model, as_of)],
    )


def _period(loaded: Loaded, period: Period, as_of: dt.date) -> PeriodDigest:
    org = loaded.model.org
    objectives = [
        o
        for o in loaded.model.objectives()
        if o.period == period.id and o.status is not Status.DROPPED
    ]
    memo = Memo()  # shared: each cascade would otherwise work out its subtree again
    statuses = [objective_status(org, loaded.graph, o, as_of, memo) for o in objectives]
    krs = [kr for s in statuses if s.objective.status is Status.ACTIVE for kr in s.key_results]
    by_team: dict[str, list[float]] = {}
    for status in statuses:
        by_team.setdefault(status.objective.team, []).append(status.own)
    krs_of: dict[str, list[KeyResultStatus]] = {}
    for kr in krs:
        krs_of.setdefault(kr.objective.team, []).append(kr)
    teams = [
        _team_line(org, team, by_team[team], krs_of.get(team, []))
        for team in _team_order(org, by_team)
    ]
    return PeriodDigest(
        period,
        period.elapsed(as_of),
        teams,
        sorted((k for k in krs if k.behind), key=lambda k: (k.progress - (k.expected or 0), k.ref)),
        sorted((k for k in krs if k.stale), key=lambda k: (-(_days_since(k, as_of) or 0), k.ref)),
        _lowest_confidence(krs),
    )


def _team_line(
    org: Organization | None, team: str, progress: list[float], mine: list[KeyResultStatus]
) -> TeamLine:
    """One team's line: ``mine`` are the key results of its active objectives."""
    known = org.teams.get(team) if org else None
    return TeamLine(
        team,
        known.name if known else team,
        len(progress),
        sum(progress) / len(progress),
        sum(k.behind for k in mine),
        sum(k.stale is not None for k in mine),
        sum(k.at_risk for k in mine),
    )


def _team_order(org: Organization | None, teams: dict[str, Any]) -> list[str]:
    """The organisation's tree, root first and depth first, then any team it does not know."""
    order: dict[str, None] = {}  # insertion-ordered, and a set for the checks
    if org is not None:
        children: dict[str | None, list[str]] = {}
        for t in reversed(org.teams):
            parent = org.teams[t].parent
            children.setdefault(parent if parent in org.teams else None, []).append(t)
        stack = list(children.get(None, []))
        while stack:
            team = stack.pop()
            if team not in order:
                order[team] = None
                stack.extend(children.get(team, []))
    order.update(dict.fromkeys(sorted(t for t in teams if t not in order)))
    return [t for t in order if t in teams]


def _lowest_confidence(krs: list[KeyResultStatus]) -> list[KeyResultStatus]:
    rated = sorted(
        (k for k in krs if k.confidence is not None), key=lambda k: (k.confidence, k.ref)
    )
    return rated[: max(LOWEST, sum(k.at_risk for k in rated))]


def _days_since(kr: KeyResultStatus, as_of: dt.date) -> int | None:
    """Days since the last check-in; for a stale key result never checked in, since the period
    started (as staleness counts them)."""
    since = kr.stale.last if kr.stale else kr.last.date if kr.last else None
    return (as_of - since).days if since else None


def _short_ref(kr: KeyResultStatus) -> str:
    """The reference as `okrs check-in` takes it within the current period."""
    return f"{kr.objective.team}/{kr.objective.id}#{kr.key_result.id}"


def _owners(org: Organization | None, kr: KeyResultStatus) -> list[str]:
    return owners_of(org, kr.objective, kr.key_result)


def _team_name(org: Organization | None, objective: Objective) -> str:
    team = org.teams.get(objective.team) if org else None
    return team.name if team else objective.team


# Markdown


def to_markdown(digest: Digest, max_bytes: int = MAX_BYTES) -> str:
    """The digest as GitHub-flavoured Markdown, cut to ``max_bytes`` when it would be longer."""
    name = f": {md.text(digest.organization)}" if digest.organization else ""
    lines = [md.Line(f"## OKR report{name}, as of {digest.as_of}"), md.Line("")]
    if not digest.periods:
        lines.append(md.Line(f"No period with OKR files contains {digest.as_of}."))
    for period in digest.periods:
        lines.extend(_period_markdown(digest, period))
    while not lines[-1].text:
        lines.pop()
    return md.join(lines, max_bytes)


_STALE_NOTE = (
    "Key results not checked in within their cadence and grace. Days count from the last "
    "check-in, or from the period start when there is none."
)
_CONFIDENCE_NOTE = (
    f"Every key result at risk (latest confidence below {AT_RISK_CONFIDENCE:g}), and at least "
    f"the {LOWEST} held with the lowest confidence."
)


def _period_markdown(digest: Digest, period: PeriodDigest) -> list[md.Line]:
    p, expected = period.period, percent(period.expected)
    behind = f"Key results more than {percent(BEHIND_MARGIN)[:-1]} points below the expected "
    lines = [md.Line(f"### {md.text(p.id)}: {p.start} to {p.end}, {expected} elapsed"), md.Line("")]
    lines.extend(_teams_markdown(period))
    lines.extend(_section(digest, "Behind", behind + f"{expected}.", period.behind, _BEHIND))
    lines.extend(_section(digest, "Stale", _STALE_NOTE, period.stale, _STALE))
    lines.extend(
        _section(
            digest, "Lowest confidence", _CONFIDENCE_NOTE, period.lowest_confidence, _CONFIDENCE
        )
    )
    return lines


def _section(
    digest: Digest, title: str, note: str, krs: list[KeyResultStatus], columns: _Columns
) -> list[md.Line]:
    table = _krs_markdown(digest, krs, columns) if krs else [md.Line("None.")]
    return [md.Line(f"#### {title}"), md.Line(""), md.Line(note), md.Line(""), *table, md.Line("")]


def _teams_markdown(period: PeriodDigest) -> list[md.Line]:
    if not period.teams:
        return [md.Line("No objectives in this period."), md.Line("")]
    rows = [
        [
            md.text(t.name),
            str(t.objectives),
            percent(clamp(t.progress)),
            str(t.behind),
            str(t.stale),
            str(t.at_risk),
        ]
        for t in period.teams
    ]
    headers = ["Team", "Objectives", "Progress", "Behind", "Stale", "At risk"]
    return [*md.table(headers, "lrrrrr", rows), md.Line("")]


_Columns = tuple[tuple[str, str, Callable[[Digest, KeyResultStatus], str]], ...]
_COMMON: _Columns = (
    ("Key result", "l", lambda d, k: f"{md.text(k.key_result.title)} ({md.code(_short_ref(k))})"),
    ("Team", "l", lambda d, k: md.text(_team_name(d.org, k.objective))),
    ("Owner", "l", lambda d, k: md.text(", ".join(_owners(d.org, k)))),
)
_BEHIND: _Columns = (*_COMMON, ("Progress", "r", lambda d, k: percent(clamp(k.progress))))
_STALE: _Columns = (
    *_COMMON,
    ("Last check-in", "l", lambda d, k: str(k.last.date) if k.last else "none"),
    ("Days since", "r", lambda d, k: str(_days_since(k, d.as_of))),
)
_CONFIDENCE: _Columns = (
    *_COMMON,
    ("Confidence", "r", lambda d, k: f"{k.confidence:g}" + (" (at risk)" if k.at_risk else "")),
    ("Progress", "r", lambda d, k: percent(clamp(k.progress))),
)


def _krs_markdown(digest: Digest, krs: list[KeyResultStatus], columns: _Columns) -> list[md.Line]:
    headers = [header for header, _, _ in columns]
    align = "".join(a for _, a, _ in columns)
    return md.table(headers, align, ([cell(digest, k) for _, _, cell in columns] for k in krs))


# JSON


def to_json(digest: Digest) -> str:
    """The digest as JSON with stable keys; fractions are rounded to four places."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "organization": digest.organization,
        "as_of": digest.as_of.isoformat(),
        "periods": [_period_json(digest, p) for p in digest.periods],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _period_json(digest: Digest, period: PeriodDigest) -> dict[str, Any]:
    return {
        "period": period.period.id,
        "start": period.period.start.isoformat(),
        "end": period.period.end.isoformat(),
        "expected": round(period.expected, 4),
        "teams": [
            {
                "team": t.team,
                "name": t.name,
                "objectives": t.objectives,
                "progress": round(t.progress, 4),
                "behind": t.behind,
                "stale": t.stale,
                "at_risk": t.at_risk,
            }
            for t in period.teams
        ],
        "behind": [_kr_json(digest, k) for k in period.behind],
        "stale": [_kr_json(digest, k) for k in period.stale],
        "lowest_confidence": [_kr_json(digest, k) for k in period.lowest_confidence],
    }


def _kr_json(digest: Digest, kr: KeyResultStatus) -> dict[str, Any]:
    return {
        "ref": kr.ref,
        "title": kr.key_result.title,
        "team": kr.objective.team,
        "owners": _owners(digest.org, kr),
        "progress": round(kr.progress, 4),
        "confidence": kr.confidence,
        "last_check_in": kr.last.date.isoformat() if kr.last else None,
        "days_since_check_in": _days_since(kr, digest.as_of),
        "due": kr.stale.due.isoformat() if kr.stale else None,
        "behind": kr.behind,
        "stale": kr.stale is not None,
        "at_risk": kr.at_risk,
    }


FORMATS: dict[str, Callable[[Digest], str]] = {"markdown": to_markdown, "json": to_json}
