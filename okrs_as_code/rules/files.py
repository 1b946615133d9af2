"""Rules about files: syntax, schema, where they live, what they name (OKR0xx, OKR101-103)."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from ..diagnostics import Finding, Where
from ..model import Objective
from ..periods import standard_period
from . import Context, rule


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


@rule("OKR001", "yaml-syntax", needs_org=False)
def yaml_syntax(ctx: Context) -> Iterator[Finding]:
    """A file cannot be read as YAML.

    Also reported for duplicate keys, tab indentation, text that is not UTF-8, files larger than
    ``policy.limits.max_file_bytes``, aliases that expand beyond any real file, tags other than
    plain data, non-finite numbers, and paths that are not regular files inside the repository.
    Such a file is left out of the model; the other files are still checked.

    Fails::

        team: product
        team: marketing

    Passes::

        team: product
    """
    yield from (source.error for source in ctx.sources if source.error is not None)


@rule("OKR002", "schema", needs_org=False)
def schema_violation(ctx: Context) -> Iterator[Finding]:
    """A file does not match its JSON Schema (``schema/org.schema.json`` or ``okrs.schema.json``).

    The file still gets every other rule that can run on what could be read from it.

    Fails::

        objectives:
          - id: creatives-love
            titel: Launch features that creatives love

    Passes::

        objectives:
          - id: creatives-love
            title: Launch features that creatives love
    """
    yield from ctx.schema_findings


@rule("OKR003", "file-path", needs_org=False)
def file_path(ctx: Context) -> Iterator[Finding]:
    """A team file's path does not match its ``team`` and ``period``.

    A team file lives at ``okrs/<period>/<team>.yaml``.

    Fails (in ``okrs/2026-Q4/product.yaml``)::

        team: marketing
        period: 2026-Q4

    Passes (in ``okrs/2026-Q4/product.yaml``)::

        team: product
        period: 2026-Q4
    """
    for file in ctx.files():
        parts = PurePosixPath(file.path).parts
        where = Where(file.path)
        if len(parts) != 3 or parts[0] != "okrs":
            yield Finding(
                "OKR003", where, f"team files live at okrs/<period>/<team>.yaml, not {file.path}"
            )
            continue
        folder, stem = parts[1], PurePosixPath(parts[2]).stem
        if file.team is not None and file.team != stem:
            yield Finding(
                "OKR003",
                where.child("team"),
                f"team '{file.team}' does not match the file name '{parts[2]}'",
                f"move the file to okrs/{folder}/{file.team}.yaml or set team: {stem}",
            )
        if file.period is not None and file.period != folder:
            yield Finding(
                "OKR003",
                where.child("period"),
                f"period '{file.period}' does not match the folder 'okrs/{folder}'",
                f"move the file to okrs/{file.period}/{parts[2]} or set period: {folder}",
            )


@rule("OKR101", "unknown-team")
def unknown_team(ctx: Context) -> Iterator[Finding]:
    """A team file names a team that ``org.yaml`` does not declare, or a ``parent`` is unknown.

    Also reported when the teams do not form one tree with exactly one root (a team without
    ``parent``).

    Fails::

        team: prodcut
        period: 2026-Q4

    Passes::

        team: product
        period: 2026-Q4
    """
    teams = ctx.org.teams
    for file in ctx.files():
        if file.team is not None and file.team not in teams:
            yield Finding(
                "OKR101",
                Where(file.path, ("team",)),
                f"unknown team '{file.team}'",
                did_you_mean(file.team, teams),
            )
    for team in teams.values():
        if team.parent is not None and team.parent not in teams:
            yield Finding(
                "OKR101",
                team.where.child("parent"),
                f"team '{team.id}' has unknown parent '{team.parent}'",
                did_you_mean(team.parent, teams),
            )
    yield from _tree_shape(ctx)


def _tree_shape(ctx: Context) -> Iterator[Finding]:
    teams = ctx.org.teams
    roots = [team for team in teams.values() if team.parent is None]
    if teams and len(roots) != 1:
        names = ", ".join(team.id for team in roots) or "none"
        yield Finding(
            "OKR101",
            Where(ctx.org.path, ("teams",), "key"),
            f"exactly one team must have no parent (the root); found {len(roots)}: {names}",
        )
    for team in teams.values():
        if team.parent in teams and team.id in ctx.org.ancestors(team.id):
            yield Finding(
                "OKR101",
                team.where.child("parent"),
                f"team '{team.id}' is its own ancestor: the parents form a cycle",
            )


@rule("OKR102", "unknown-period", needs_org=False)
def unknown_period(ctx: Context) -> Iterator[Finding]:
    """A team file's ``period`` is neither a standard period nor one declared in ``org.yaml``.

    Standard periods are ``YYYY``, ``YYYY-H1``/``H2``, ``YYYY-Q1``..``Q4`` and ``YYYY-MM``.

    Fails::

        team: product
        period: 2026-Q5

    Passes::

        team: product
        period: 2026-Q4
    """
    declared = ctx.model.org.periods if ctx.model.org else {}
    for file in ctx.files():
        if file.period is not None and ctx.period(file.period) is None:
            spellings = [file.period.upper()] if standard_period(file.period.upper()) else []
            hint = did_you_mean(file.period, [*spellings, *declared])
            yield Finding(
                "OKR102",
                Where(file.path, ("period",)),
                f"unknown or malformed period '{file.period}'",
                hint or "use YYYY, YYYY-H1, YYYY-Q1..Q4, YYYY-MM or a period declared in org.yaml",
            )


@rule("OKR103", "duplicate-id", needs_org=False)
def duplicate_id(ctx: Context) -> Iterator[Finding]:
    """An objective id repeats within a team's period, or a key result id within an objective.

    Fails::

        objectives:
          - id: creatives-love
            title: Launch features that creatives love
          - id: creatives-love
            title: Win agencies over

    Passes::

        objectives:
          - id: creatives-love
            title: Launch features that creatives love
          - id: agencies-won
            title: Win agencies over
    """
    groups: dict[tuple[str | None, str | None], list[Objective]] = defaultdict(list)
    for file in ctx.model.files:
        groups[(file.team, file.period)].extend(file.objectives)
    for objectives in groups.values():
        yield from _repeats(
            [(o.id, o.where) for o in objectives], "objective", "in this team's period"
        )
    for objective in ctx.objectives():
        yield from _repeats(
            [(kr.id, kr.where) for kr in objective.key_results],
            "key result",
            f"in objective '{objective.id}'",
        )


def _repeats(items: list[tuple[str, Where]], noun: str, scope: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for item_id, where in items:
        if item_id in seen:
            yield Finding("OKR103", where.child("id"), f"duplicate {noun} id '{item_id}' {scope}")
        seen.add(item_id)
