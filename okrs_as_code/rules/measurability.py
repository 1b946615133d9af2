"""Measurability and ownership: every key result can be scored, every name is known (OKR2xx)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ..diagnostics import Finding, Severity, Where
from ..model import KeyResult, Kind, Objective, Status
from . import Context, rule
from .files import did_you_mean


@rule("OKR201", "not-measurable", needs_org=False)
def not_measurable(ctx: Context) -> Iterator[Finding]:
    """A key result cannot be measured.

    A key result is a metric (``baseline`` and ``target``, different numbers), a milestone
    (``milestone: true``, checked in as done/not done or a fraction from 0 to 1), or a health
    threshold to keep (``keep: {at_least: N}`` or ``keep: {at_most: N}``).

    Fails::

        - id: setup-time
          title: Reduce project setup time
          baseline: 50

    Passes::

        - id: setup-time
          title: Reduce project setup time by 40%
          baseline: 50
          target: 30
    """
    for objective in ctx.objectives():
        for kr in objective.key_results:
            problem = _measurability_problem(kr)
            if problem:
                yield Finding(
                    "OKR201",
                    kr.where.child("id"),
                    f"key result '{kr.id}' {problem}",
                    "give baseline and target, milestone: true, or keep: {at_least: N}",
                )


def _measurability_problem(kr: KeyResult) -> str | None:
    if kr.kind is Kind.METRIC and kr.baseline == kr.target:
        return f"has baseline equal to target ({kr.baseline:g}): nothing to move"
    if kr.kind is not Kind.UNMEASURABLE:
        return None
    if kr.baseline is not None:
        return "has a baseline but no target"
    if kr.target is not None:
        return "has a target but no baseline"
    return "is not measurable"


@rule("OKR202", "metric-mismatch")
def metric_mismatch(ctx: Context) -> Iterator[Finding]:
    """A key result names a metric missing from the catalogue, or a unit other than the metric's.

    The catalogue in ``org.yaml`` (``metrics:``) holds the shared definitions that hold when
    priorities collide.

    Fails::

        metric: uk-mql          # the catalogue has uk-mqls
        unit: leads

    Passes::

        metric: uk-mqls
        unit: leads
    """
    catalogue = ctx.org.metrics
    for objective in ctx.objectives():
        for kr in objective.key_results:
            if kr.metric is None:
                continue
            metric = catalogue.get(kr.metric)
            if metric is None:
                yield Finding(
                    "OKR202",
                    kr.where.child("metric"),
                    f"unknown metric '{kr.metric}'",
                    did_you_mean(kr.metric, catalogue),
                )
            elif kr.unit is not None and metric.unit is not None and kr.unit != metric.unit:
                yield Finding(
                    "OKR202",
                    kr.where.child("unit"),
                    f"unit '{kr.unit}' differs from metric '{metric.id}' "
                    f"(measured in '{metric.unit}')",
                )


@rule("OKR203", "limits", Severity.WARNING)
def limits(ctx: Context) -> Iterator[Finding]:
    """Too many objectives for a team's period, or key results per objective out of range.

    ``policy.limits`` sets ``root_objectives`` (the root team), ``objectives_per_team`` and
    ``key_results_per_objective: [min, max]``; objectives that are dropped do not count.

    Fails (with ``key_results_per_objective: [2, 5]``)::

        - id: creatives-love
          key_results:
            - id: setup-time

    Passes::

        - id: creatives-love
          key_results:
            - id: setup-time
            - id: integrations
    """
    policy = ctx.org.policy.limits
    groups: dict[tuple[str, str], list[Objective]] = defaultdict(list)
    first_file: dict[tuple[str, str], str] = {}
    for file in ctx.model.files:
        key = (file.team or "", file.period or "")
        first_file.setdefault(key, file.path)
        groups[key].extend(o for o in file.objectives if o.status is not Status.DROPPED)
    for (team, _), objectives in groups.items():
        limit = policy.root_objectives if team == ctx.org.root else policy.objectives_per_team
        if len(objectives) > limit:
            yield Finding(
                "OKR203",
                Where(first_file[(team, _)], ("objectives",), "key"),
                f"{len(objectives)} objectives, over the limit of {limit} for team '{team}'",
                "focus: drop or merge objectives (policy.limits)",
            )
        for objective in objectives:
            count = len(objective.key_results)
            if not policy.key_results_min <= count <= policy.key_results_max:
                yield Finding(
                    "OKR203",
                    objective.where.child("id"),
                    f"objective '{objective.id}' has {count} key results; "
                    f"policy asks for {policy.key_results_min} to {policy.key_results_max}",
                )


@rule("OKR204", "unknown-owner-or-value")
def unknown_owner_or_value(ctx: Context) -> Iterator[Finding]:
    """An owner or value that the organisation does not declare.

    Objective, key result and team owners are people handles, checked when ``org.yaml`` declares
    ``people``; objective ``values`` must be keys of ``values``; a metric's owner is a team id.

    Fails::

        owner: "@sma"            # people declares @sam
        values: [customer-obsesion]

    Passes::

        owner: "@sam"
        values: [customer-obsession]
    """
    org = ctx.org
    for team in org.teams.values():
        for index, handle in enumerate(team.owners):
            yield from _person(ctx, handle, team.where.child("owners", index))
    for metric in org.metrics.values():
        if metric.owner is not None and metric.owner not in org.teams:
            yield Finding(
                "OKR204",
                metric.where.child("owner"),
                f"metric '{metric.id}' is owned by unknown team '{metric.owner}'",
                did_you_mean(metric.owner, org.teams),
            )
    for objective in ctx.objectives():
        if objective.owner is not None:
            yield from _person(ctx, objective.owner, objective.where.child("owner"))
        for kr in objective.key_results:
            if kr.owner is not None:
                yield from _person(ctx, kr.owner, kr.where.child("owner"))
        for index, value in enumerate(objective.values):
            if org.values is None or value not in org.values:
                yield Finding(
                    "OKR204",
                    objective.where.child("values", index),
                    f"unknown value '{value}'",
                    did_you_mean(value, org.values or {}) or "declare it under values: in org.yaml",
                )


def _person(ctx: Context, handle: str, where: Where) -> Iterator[Finding]:
    people = ctx.org.people
    if people is not None and handle not in people:
        yield Finding("OKR204", where, f"unknown owner '{handle}'", did_you_mean(handle, people))
