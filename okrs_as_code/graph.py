"""The alignment graph: each objective's parent and children, resolved once for every consumer."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from .model import Model, Objective, Status
from .periods import Period, standard_period
from .refs import RefIndex, Target


@dataclass
class Graph:
    model: Model
    index: RefIndex
    parent: dict[str, Target] = field(default_factory=dict)  # objective ref -> parent
    children: dict[str, list[Objective]] = field(default_factory=lambda: defaultdict(list))
    supporters: dict[str, list[Objective]] = field(default_factory=lambda: defaultdict(list))

    def period(self, period_id: str) -> Period | None:
        return period_of(self.model, period_id)


def period_of(model: Model, period_id: str) -> Period | None:
    custom = model.org.periods.get(period_id) if model.org else None
    return custom or standard_period(period_id)


def active_periods(
    model: Model, as_of: dt.date, with_files: set[str] | None = None
) -> list[Period]:
    """Periods that have team files and contain the as-of date, shortest first.

    ``with_files`` names the periods that have files when the model holds only some of them.
    """
    if with_files is None:
        with_files = {f.period for f in model.files if f.period is not None}
    periods = {period_of(model, period_id) for period_id in with_files}
    active = [p for p in periods if p is not None and p.contains(as_of)]
    return sorted(active, key=lambda p: (p.days, p.id))


def current_period(
    model: Model, as_of: dt.date, with_files: set[str] | None = None
) -> Period | None:
    """The shortest active period that has files (2026-Q4 rather than 2026 on 2026-11-20)."""
    active = active_periods(model, as_of, with_files)
    return active[0] if active else None


def build_graph(model: Model) -> Graph:
    objectives = model.objectives()
    graph = Graph(model, RefIndex(objectives))
    for objective in objectives:
        if objective.aligns_to:
            target = graph.index.resolve(objective.aligns_to, objective.period)
            if target and target.objective is not objective:
                graph.parent[objective.ref] = target
                graph.children[target.objective.ref].append(objective)
    for objective in objectives:
        if objective.status is Status.DROPPED:
            continue
        named = [objective.aligns_to or "", *objective.contributes_to]
        for text in named:
            target = graph.index.resolve(text, objective.period) if text else None
            if target and target.objective is not objective:
                graph.supporters[target.objective.ref].append(objective)
    return graph
