"""Progress arithmetic (SPEC section 2): own, cascade and expected progress at the as-of date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .graph import Graph
from .model import CheckIn, KeyResult, Kind, Objective, Status
from .periods import Period

BEHIND_MARGIN = 0.25
AT_RISK_CONFIDENCE = 0.5


def latest_check_in(kr: KeyResult, as_of: dt.date) -> CheckIn | None:
    """The latest check-in by date that is not after the as-of date (the first of a tie)."""
    latest = None
    for check_in in kr.check_ins:  # one pass: this runs for every key result, several times
        if check_in.date <= as_of and (latest is None or check_in.date > latest.date):
            latest = check_in
    return latest


def key_result_progress(kr: KeyResult, as_of: dt.date) -> float:
    """Unclamped progress; views clamp it to [0, 1] for display."""
    return progress_at(kr, latest_check_in(kr, as_of))


def progress_at(kr: KeyResult, latest: CheckIn | None) -> float:
    """Unclamped progress, given the key result's latest check-in (None when there is none)."""
    if kr.kind is Kind.METRIC:
        assert kr.baseline is not None and kr.target is not None
        if kr.target == kr.baseline:
            return 0.0
        current = latest.value if latest else kr.baseline
        return (current - kr.baseline) / (kr.target - kr.baseline)
    if latest is None:
        return 0.0
    if kr.kind is Kind.MILESTONE:
        return latest.value
    if kr.kind is Kind.KEEP:
        return 1.0 if holds(kr, latest.value) else 0.0
    return 0.0


def holds(kr: KeyResult, value: float) -> bool:
    """Whether a value meets a keep key result's threshold."""
    if kr.keep_at_least is not None and value < kr.keep_at_least:
        return False
    return not (kr.keep_at_most is not None and value > kr.keep_at_most)


def _weighted_mean(pairs: list[tuple[float, float]]) -> float:
    total = sum(weight for _, weight in pairs)
    return sum(value * weight for value, weight in pairs) / total if total else 0.0


def objective_progress(objective: Objective, as_of: dt.date) -> float:
    """A final score wins; otherwise the weighted mean of the key results' clamped progress."""
    if objective.score is not None:
        return objective.score
    return _weighted_mean(
        [(clamp(key_result_progress(kr, as_of)), kr.weight) for kr in objective.key_results]
    )


@dataclass
class Memo:
    """Figures shared by the statuses of one organisation on one day, so that each cascade does
    not work out the objectives beneath it again: each objective's own progress, and the sums
    of the subtrees met without an alignment cycle (both by ``id`` of the objective)."""

    own: dict[int, float] = field(default_factory=dict)
    below: dict[int, tuple[float, float]] = field(default_factory=dict)


def cascade_progress(
    objective: Objective, graph: Graph, as_of: dt.date, memo: Memo | None = None
) -> float:
    """The weighted mean over the objective and everything aligned beneath it, recursively.

    ``memo`` is shared by callers that ask for many objectives: every objective's cascade
    visits its whole subtree, so an organisation's statuses would otherwise go through the same
    objective once per level above it. A subtree in which a cycle was cut is not shared, since
    where a cycle is cut depends on where the walk began.
    """
    memo = Memo() if memo is None else memo
    seen: dict[str, tuple[float, float, bool]] = {}

    def subtree(node: Objective, path: frozenset[str]) -> tuple[float, float, bool]:
        # Returns (weighted sum, total weight, whether no cycle was cut beneath) so that deeper
        # levels weigh as the contract says.
        shared = memo.below.get(id(node))
        if shared is not None:
            return (*shared, True)
        if node.ref in seen:
            return seen[node.ref]
        if id(node) not in memo.own:
            memo.own[id(node)] = objective_progress(node, as_of)
        total = memo.own[id(node)] * node.weight
        weight = node.weight
        clean = True
        for child in graph.children.get(node.ref, []):
            if child.status is Status.DROPPED:
                continue
            if child.ref in path:
                clean = False
                continue
            child_sum, child_weight, child_clean = subtree(child, path | {child.ref})
            clean = clean and child_clean
            mean = child_sum / child_weight if child_weight else 0.0
            total += mean * child.weight
            weight += child.weight
        seen[node.ref] = (total, weight, clean)
        if clean:
            memo.below[id(node)] = (total, weight)
        return total, weight, clean

    total, weight, _ = subtree(objective, frozenset({objective.ref}))
    return total / weight if weight else 0.0


def clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def expected_progress(period: Period, as_of: dt.date) -> float:
    return period.elapsed(as_of)


def is_behind(kr: KeyResult, period: Period, as_of: dt.date) -> bool:
    return behind(key_result_progress(kr, as_of), period, as_of)


def behind(progress: float, period: Period, as_of: dt.date) -> bool:
    return progress < expected_progress(period, as_of) - BEHIND_MARGIN


def latest_confidence(kr: KeyResult, as_of: dt.date) -> float | None:
    """The confidence of the latest check-in, not after the as-of date, that gives one (the
    first of a tie)."""
    latest = None
    for check_in in kr.check_ins:
        if (
            check_in.date <= as_of
            and check_in.confidence is not None
            and (latest is None or check_in.date > latest.date)
        ):
            latest = check_in
    return latest.confidence if latest is not None else None


def is_at_risk(kr: KeyResult, as_of: dt.date) -> bool:
    return at_risk(latest_confidence(kr, as_of))


def at_risk(confidence: float | None) -> bool:
    """Whether the latest confidence given is low enough to call the key result at risk."""
    return confidence is not None and confidence < AT_RISK_CONFIDENCE
