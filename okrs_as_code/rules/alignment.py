"""Alignment rules: every team objective hangs from a tree-shaped cascade (OKR11x)."""

from __future__ import annotations

from collections.abc import Iterator

from ..diagnostics import Finding, Severity, Where
from ..model import Objective, Status
from ..refs import Target, parse_ref
from . import Context, rule

_GRAMMAR = "a reference is team/objective, period/team/objective, with an optional #key-result"


def _aligned(ctx: Context) -> Iterator[tuple[Objective, Target]]:
    for objective in ctx.objectives():
        target = ctx.graph.parent.get(objective.ref)
        if target is not None:
            yield objective, target


@rule("OKR110", "unresolved-alignment")
def unresolved_alignment(ctx: Context) -> Iterator[Finding]:
    """``aligns_to`` does not name an existing objective or key result.

    ``team/objective`` names an objective in the same period; an objective of another period
    is written ``period/team/objective``; ``#kr`` names one of its key results.

    Fails::

        aligns_to: company/number-one-rate

    Passes::

        aligns_to: company/number-one-rated
    """
    for objective in ctx.objectives():
        text = objective.aligns_to
        if not text or ctx.graph.index.resolve(text, objective.period) is not None:
            continue
        where = objective.where.child("aligns_to")
        if parse_ref(text) is None:
            yield Finding("OKR110", where, f"aligns_to '{text}' is not a reference", _GRAMMAR)
            continue
        hint = ctx.graph.index.suggest(text, objective.period)
        yield Finding("OKR110", where, f"aligns_to '{text}' does not resolve", hint)


@rule("OKR111", "orphan")
def orphan(ctx: Context) -> Iterator[Finding]:
    """An objective of a team other than the root has no ``aligns_to``: it is an orphan.

    Every team objective hangs from a parent objective (or key result) of its own team or an
    ancestor team, so that anyone can trace it up to a company objective.

    Fails::

        team: product
        objectives:
          - id: creatives-love
            title: Launch features that creatives love

    Passes::

        team: product
        objectives:
          - id: creatives-love
            title: Launch features that creatives love
            aligns_to: company/number-one-rated
    """
    root = ctx.org.root
    for objective in ctx.objectives():
        if (
            objective.aligns_to is None
            and objective.status is not Status.DROPPED
            and objective.team in ctx.org.teams
            and objective.team != root
        ):
            yield Finding(
                "OKR111",
                objective.where.child("id"),
                f"objective '{objective.id}' of team '{objective.team}' aligns to nothing",
                "add aligns_to: naming an objective of this team or an ancestor team",
            )


@rule("OKR112", "period-not-enclosing")
def period_not_enclosing(ctx: Context) -> Iterator[Finding]:
    """The parent's period does not enclose the child's (a quarter cannot parent a year).

    Fails (in ``okrs/2026/product.yaml``)::

        aligns_to: 2026-Q4/company/number-one-rated

    Passes (in ``okrs/2026-Q4/product.yaml``)::

        aligns_to: 2026/company/grow-uk-agencies
    """
    for objective, target in _aligned(ctx):
        mine, theirs = ctx.period(objective.period), ctx.period(target.objective.period)
        if mine and theirs and not theirs.encloses(mine):
            yield Finding(
                "OKR112",
                objective.where.child("aligns_to"),
                f"aligns_to '{objective.aligns_to}' is in period {theirs.id}, "
                f"which does not enclose {mine.id}",
                f"it resolves to {target.ref} ({theirs.start}..{theirs.end})",
            )


@rule("OKR113", "cross-team-alignment")
def cross_team_alignment(ctx: Context) -> Iterator[Finding]:
    """The parent belongs to a team that is neither the objective's own team nor an ancestor.

    Support for another team's goal is said with ``contributes_to``, which keeps the cascade a
    tree whose roll-up means something.

    Fails (team ``product``, sibling of ``marketing``)::

        aligns_to: marketing/agency-demand

    Passes::

        aligns_to: company/number-one-rated
        contributes_to: [marketing/agency-demand]
    """
    for objective, target in _aligned(ctx):
        parent_team = target.objective.team
        ancestors = ctx.org.ancestors(objective.team)
        if objective.team not in ctx.org.teams or ctx.org.root not in [objective.team, *ancestors]:
            continue  # OKR101 reports the unknown team or broken tree; its place is unknown
        if parent_team == objective.team or parent_team in ancestors:
            continue
        yield Finding(
            "OKR113",
            objective.where.child("aligns_to"),
            f"aligns_to '{objective.aligns_to}' belongs to team '{parent_team}', "
            f"which is not '{objective.team}' or one of its ancestors",
            f"to support {target.ref} across teams, name it in contributes_to",
        )


@rule("OKR114", "alignment-cycle")
def alignment_cycle(ctx: Context) -> Iterator[Finding]:
    """Following ``aligns_to`` upwards comes back to where it started.

    Fails::

        - id: a
          aligns_to: product/b
        - id: b
          aligns_to: product/a

    Passes::

        - id: a
          aligns_to: company/number-one-rated
        - id: b
          aligns_to: product/a
    """
    reported: set[str] = set()
    by_ref = {o.ref: o for o in ctx.model.objectives()}
    for objective in ctx.objectives():
        if objective.aligns_to and _resolves_to_self(ctx, objective):
            yield Finding(
                "OKR114",
                objective.where.child("aligns_to"),
                f"objective '{objective.id}' aligns to itself",
            )
        cycle = _cycle_from(ctx, objective.ref)
        if cycle and objective.ref not in reported:
            reported.update(cycle)
            chain = " -> ".join([*cycle, cycle[0]])
            for ref in cycle:
                yield Finding(
                    "OKR114", by_ref[ref].where.child("aligns_to"), f"alignment cycle: {chain}"
                )


def _resolves_to_self(ctx: Context, objective: Objective) -> bool:
    assert objective.aligns_to is not None
    target = ctx.graph.index.resolve(objective.aligns_to, objective.period)
    return target is not None and target.objective is objective


def _cycle_from(ctx: Context, start: str) -> list[str]:
    path: list[str] = []
    current: str | None = start
    while current is not None and current not in path:
        path.append(current)
        target = ctx.graph.parent.get(current)
        current = target.objective.ref if target else None
    return path if current == start else []


@rule("OKR115", "aligned-to-dropped")
def aligned_to_dropped(ctx: Context) -> Iterator[Finding]:
    """An objective that is not dropped aligns to a dropped objective (or one of its key results).

    Fails::

        aligns_to: marketing/paid-social   # status: dropped

    Passes::

        aligns_to: marketing/agency-demand
    """
    for objective, target in _aligned(ctx):
        if objective.status is not Status.DROPPED and target.objective.status is Status.DROPPED:
            reason = f" ({target.objective.reason})" if target.objective.reason else ""
            yield Finding(
                "OKR115",
                objective.where.child("aligns_to"),
                f"aligns_to '{objective.aligns_to}' names a dropped objective{reason}",
                "re-align it to a live objective, or drop it too",
            )


@rule("OKR116", "unsupported-root", Severity.WARNING)
def unsupported_root(ctx: Context) -> Iterator[Finding]:
    """An active root objective of an active period that nothing supports.

    Supported means some other objective that is not dropped, in the same or an enclosed period,
    aligns to it or one of its key results, or names it in ``contributes_to``.

    Fails: ``company/number-one-rated`` with no team objective aligned to it.

    Passes::

        # okrs/2026-Q4/product.yaml
        aligns_to: company/number-one-rated
    """
    for objective in ctx.objectives():
        if (
            objective.team != ctx.org.root
            or objective.status is not Status.ACTIVE
            or not ctx.is_active(objective.period)
        ):
            continue
        if not _supported(ctx, objective):
            yield Finding(
                "OKR116",
                objective.where.child("id"),
                f"root objective '{objective.id}' has no supporting objective",
                "align a team objective to it, or name it in contributes_to",
            )


def _supported(ctx: Context, objective: Objective) -> bool:
    period = ctx.period(objective.period)
    for supporter in ctx.graph.supporters.get(objective.ref, []):
        theirs = ctx.period(supporter.period)
        if period and theirs and period.encloses(theirs):
            return True
    return False


@rule("OKR117", "team-without-okrs", Severity.WARNING)
def team_without_okrs(ctx: Context) -> Iterator[Finding]:
    """A team other than the root has no objective (that is not dropped) in any active period.

    Reported at the team in ``org.yaml``: the team is in the organisation, but not in the cascade.

    Fails: team ``customer-success`` declared, no ``okrs/2026-Q4/customer-success.yaml``.

    Passes::

        # okrs/2026-Q4/customer-success.yaml
        team: customer-success
        period: 2026-Q4
        objectives:
          - id: agencies-succeed
            title: Ensure new UK agencies succeed wildly
            aligns_to: company/number-one-rated
    """
    with_okrs = {
        objective.team
        for objective in ctx.model.objectives()
        if objective.status is not Status.DROPPED and ctx.is_active(objective.period)
    }
    for team in ctx.org.teams.values():
        if team.id != ctx.org.root and team.id not in with_okrs:
            yield Finding(
                "OKR117",
                Where(team.where.file, team.where.pointer, "key"),
                f"team '{team.id}' has no objectives in any active period",
                f"add okrs/<period>/{team.id}.yaml for the current period",
            )


@rule("OKR118", "unresolved-contribution")
def unresolved_contribution(ctx: Context) -> Iterator[Finding]:
    """A ``contributes_to`` entry does not resolve, names the objective itself, or its own parent.

    ``contributes_to`` says which other goals an objective also helps; its parent is already
    named by ``aligns_to``.

    Fails::

        - id: creatives-love
          aligns_to: company/number-one-rated
          contributes_to: [company/number-one-rated, marketing/agency-demnd]

    Passes::

        - id: creatives-love
          aligns_to: company/number-one-rated
          contributes_to: [marketing/agency-demand]
    """
    for objective in ctx.objectives():
        parent = ctx.graph.parent.get(objective.ref)
        for position, text in enumerate(objective.contributes_to):
            where = objective.where.child("contributes_to", position)
            target = ctx.graph.index.resolve(text, objective.period)
            if target is None:
                grammar_ok = parse_ref(text) is not None
                hint = ctx.graph.index.suggest(text, objective.period) if grammar_ok else _GRAMMAR
                yield Finding("OKR118", where, f"contributes_to '{text}' does not resolve", hint)
            elif target.objective is objective:
                yield Finding(
                    "OKR118", where, f"contributes_to '{text}' names the objective itself"
                )
            elif parent is not None and target.objective is parent.objective:
                yield Finding(
                    "OKR118",
                    where,
                    f"contributes_to '{text}' names the objective's own parent",
                    "aligns_to already links them; list other teams' goals here",
                )
