"""Where an objective or key result stands at the as-of date: progress, flags and who to ask.

One place computes the flags (stale, behind, at risk, dropped, achieved) that the tree, the
report and the export all show, from the arithmetic in ``progress`` and ``cadence``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from .cadence import Staleness, staleness
from .graph import Graph
from .model import CheckIn, KeyResult, Objective, Organization, Status
from .progress import (
    Memo,
    at_risk,
    behind,
    cascade_progress,
    expected_progress,
    latest_check_in,
    latest_confidence,
    progress_at,
)


@dataclass
class KeyResultStatus:
    """A key result at the as-of date; ``progress`` is unclamped, as the contract reports it.

    Not frozen, like the objective's status: a frozen dataclass sets each field through
    ``object.__setattr__``, and a large organisation has tens of thousands of these."""

    objective: Objective
    key_result: KeyResult
    progress: float
    expected: float | None  # None when the objective's period is unknown
    last: CheckIn | None
    confidence: float | None
    stale: Staleness | None
    behind: bool
    at_risk: bool

    @property
    def ref(self) -> str:
        return f"{self.objective.ref}#{self.key_result.id}"

    @property
    def current(self) -> float | None:
        return self.last.value if self.last else None

    @functools.cached_property
    def flags(self) -> list[str]:
        # Cached: the views, the export and the objective's own flags each ask for them.
        named = (
            ("stale", self.stale is not None),
            ("behind", self.behind),
            ("at risk", self.at_risk),
        )
        return [name for name, on in named if on]


@dataclass
class ObjectiveStatus:
    """An objective at the as-of date, with its key results' statuses in file order."""

    objective: Objective
    own: float
    cascade: float
    expected: float | None
    has_children: bool  # children that are not dropped: only then does cascade differ from own
    key_results: list[KeyResultStatus]

    @functools.cached_property
    def flags(self) -> list[str]:
        if self.objective.status is not Status.ACTIVE:
            return [self.objective.status.value]
        # An objective carries a key-result flag when any of its key results does.
        raised = {flag for kr in self.key_results for flag in kr.flags}
        return [flag for flag in ("stale", "behind", "at risk") if flag in raised]


def key_result_status(
    org: Organization | None, graph: Graph, objective: Objective, kr: KeyResult, as_of: dt.date
) -> KeyResultStatus:
    """Progress and flags of one key result.

    Behind and at risk are judged only for active objectives: an achieved objective is done and
    a dropped one is no longer worked on. Staleness needs the organisation's cadence policy.
    """
    period = graph.period(objective.period)
    active = objective.status is Status.ACTIVE
    last = latest_check_in(kr, as_of)  # once: every figure below is worked out from it
    progress = progress_at(kr, last)
    confidence = latest_confidence(kr, as_of)
    return KeyResultStatus(
        objective=objective,
        key_result=kr,
        progress=progress,
        expected=expected_progress(period, as_of) if period else None,
        last=last,
        confidence=confidence,
        stale=staleness(org, objective, kr, period, as_of, last) if org and period else None,
        behind=active and period is not None and behind(progress, period, as_of),
        at_risk=active and at_risk(confidence),
    )


def objective_status(
    org: Organization | None,
    graph: Graph,
    objective: Objective,
    as_of: dt.date,
    memo: Memo | None = None,
    known: Figures | None = None,
) -> ObjectiveStatus:
    """Own and cascade progress, and the statuses of the objective's key results.

    ``memo`` is shared by callers that ask for many objectives (see :func:`cascade_progress`).
    ``known`` are the objective's :func:`figures`, worked out before from the same file, the
    same organisation and the same as-of date; the caller puts each such objective's own
    progress in ``memo.own`` first, so that no check-in is read again.
    """
    period = graph.period(objective.period)
    children = graph.children.get(objective.ref, [])
    memo = Memo() if memo is None else memo
    cascade = cascade_progress(objective, graph, as_of, memo)  # fills memo.own[id(objective)]
    expected = expected_progress(period, as_of) if period else None
    if known is None:
        key_results = [
            key_result_status(org, graph, objective, kr, as_of) for kr in objective.key_results
        ]
    else:
        key_results = [
            _from_figures(objective, kr, expected, *kept)
            for kr, kept in zip(objective.key_results, known[1], strict=True)
        ]
    return ObjectiveStatus(
        objective=objective,
        own=memo.own[id(objective)],
        cascade=cascade,
        expected=expected,
        has_children=any(child.status is not Status.DROPPED for child in children),
        key_results=key_results,
    )


# What an objective's status holds that its own file decides, as plain values: its own
# progress, and for each key result its progress, latest check-in (date as an ordinal, value,
# confidence, note, index), latest confidence, staleness (last date as an ordinal, whether
# checked in, every, grace), behind and at risk.
Figures = tuple[float, list[tuple[Any, ...]]]


def figures(status: ObjectiveStatus) -> Figures:
    """The objective's :data:`Figures`, for a cache to give back to :func:`objective_status`."""
    return status.own, [
        (
            kr.progress,
            None if kr.last is None else (kr.last.date.toordinal(), *_check_in_rest(kr.last)),
            kr.confidence,
            None if kr.stale is None else _stale_fields(kr.stale),
            kr.behind,
            kr.at_risk,
        )
        for kr in status.key_results
    ]


def _check_in_rest(check_in: CheckIn) -> tuple[Any, ...]:
    return check_in.value, check_in.confidence, check_in.note, check_in.index


def _stale_fields(stale: Staleness) -> tuple[Any, ...]:
    return stale.last.toordinal(), stale.checked_in, stale.every, stale.grace


def _from_figures(
    objective: Objective,
    kr: KeyResult,
    expected: float | None,
    progress: float,
    last: tuple[Any, ...] | None,
    confidence: float | None,
    stale: tuple[Any, ...] | None,
    behind: bool,
    at_risk: bool,
) -> KeyResultStatus:
    return KeyResultStatus(
        objective=objective,
        key_result=kr,
        progress=progress,
        expected=expected,
        last=None if last is None else CheckIn(dt.date.fromordinal(last[0]), *last[1:]),
        confidence=confidence,
        stale=None if stale is None else Staleness(dt.date.fromordinal(stale[0]), *stale[1:]),
        behind=behind,
        at_risk=at_risk,
    )


def owners_of(
    org: Organization | None, objective: Objective, kr: KeyResult | None = None
) -> list[str]:
    """Who answers for it: the key result's owner, else the objective's, else the team's owners."""
    if kr is not None and kr.owner:
        return [kr.owner]
    if objective.owner:
        return [objective.owner]
    team = org.teams.get(objective.team) if org else None
    return list(team.owners) if team else []


def unaligned(org: Organization | None, graph: Graph, objective: Objective) -> bool:
    """An objective of a team other than the root's with no parent (OKR111 or OKR110), as the
    tree and the site flag it."""
    root = org.root if org else None
    return (
        root is not None
        and objective.team != root
        and objective.status is not Status.DROPPED
        and objective.ref not in graph.parent
    )
