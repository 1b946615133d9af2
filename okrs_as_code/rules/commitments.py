"""History rules: what was committed at the start of a period is not quietly moved (OKR4xx).

They read the git history (``Context.history``): every committed version of each objective,
then the working tree as the latest version, so uncommitted edits count too. A change counts
when its commit is dated after the period's first day; the first day is for setting OKRs.
Without history (not a git repository, a shallow clone) they find nothing, and the run says so
once on standard error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from ..changes import direction, number
from ..diagnostics import Finding, Severity, Where
from ..model import KeyResult, Objective
from . import Context, rule

if TYPE_CHECKING:
    from ..gitutil import Commit
    from ..timeline import Version

_KR_FIELDS = ("title", "target", "baseline", "keep_at_least", "keep_at_most")
_OBJECTIVE_FIELDS = ("title", "aligns_to")
_LABELS = {
    "title": "title",
    "aligns_to": "aligns_to",
    "target": "target",
    "baseline": "baseline",
    "keep_at_least": "keep at_least threshold",
    "keep_at_most": "keep at_most threshold",
}
_POINTERS: dict[str, tuple[str, ...]] = {
    "keep_at_least": ("keep", "at_least"),
    "keep_at_most": ("keep", "at_most"),
}


@dataclass(frozen=True)
class _Move:
    before: object
    after: object
    by: str  # "by Sam Okafor on 2026-11-02 (abc1234)" or "in uncommitted changes"
    easier: bool


@dataclass(frozen=True)
class _Track:
    """One field of an objective or key result that changed after its period started."""

    where: Where
    label: str  # "target of key result 'signups'"
    field: str
    key_result: KeyResult | None
    committed: object  # its value before the first change after the start
    current: object
    moves: list[_Move]
    start: dt.date


@rule("OKR401", "target-moved-easier", Severity.WARNING)
def target_moved_easier(ctx: Context) -> Iterator[Finding]:
    """After the period started, a target was moved the easy way, a keep threshold loosened or
    a baseline re-based.

    Committing to a key result and then lowering the bar (sandbagging) hides a miss; the git
    history shows it. A target counts as moved the easy way when it moved towards the baseline
    (lowered for an increasing key result, raised for a decreasing one); a keep threshold is
    loosened when ``at_least`` is lowered or ``at_most`` raised; any change of a baseline
    re-bases the key result. Changes on the period's first day, changes undone since, and key
    results added after the start (until they are changed) are fine. The finding points at the
    line in the current file and names who moved it, when, in which commit and from what.
    Uncommitted changes in the working tree count too. Without git history the rule is skipped
    with a note on standard error.

    Fails (period 2026-Q4, committed on 2026-10-01, changed on 2026-11-02)::

        baseline: 100
        target: 300     # was 500

    Passes (the target raised, the harder way)::

        baseline: 100
        target: 600     # was 500
    """
    for objective in ctx.objectives():
        for track in _tracks(ctx, objective):
            move = _easy(track)
            if move is None:
                continue
            how = _how(track.field, move)
            yield Finding(
                "OKR401",
                track.where,
                f"{track.label} {how} from {_value(move.before)} to {_value(move.after)} "
                f"{move.by}, after the period started on {track.start}",
                "restore what was committed, or say why in the objective's description; "
                "the history: okrs history " + _ref(objective, track.key_result),
            )


@rule("OKR402", "committed-okr-changed", Severity.OFF)
def committed_okr_changed(ctx: Context) -> Iterator[Finding]:
    """After the period started, a title, target, baseline or alignment changed.

    Off by default: turn it on in ``policy.rules`` (``OKR402: error``) to freeze the OKRs a
    team committed to, while check-ins, status changes, scores and retrospectives stay open.
    It covers objective titles and ``aligns_to``, and key result titles, targets, baselines
    and keep thresholds. A change undone since is fine; the period's first day is for setting
    OKRs. Uncommitted changes in the working tree count too. Without git history the rule is
    skipped with a note on standard error.

    Fails (period 2026-Q4, committed on 2026-10-01, changed on 2026-11-02)::

        title: Reach 600 weekly sign-ups    # was "Reach 500 weekly sign-ups"

    Passes (only a check-in added)::

        check_ins:
          - {date: 2026-11-02, value: 240}
    """
    for objective in ctx.objectives():
        for track in _tracks(ctx, objective):
            if track.committed == track.current:
                continue
            last = track.moves[-1]
            yield Finding(
                "OKR402",
                track.where,
                f"{track.label} changed from {_value(track.committed)} to "
                f"{_value(track.current)} after the period started on {track.start} "
                f"(last {last.by})",
                "committed OKRs are frozen by policy.rules.OKR402: restore it, or drop the "
                "objective or key result and add a new one",
            )


def _easy(track: _Track) -> _Move | None:
    """The move to name when the field is now easier (or re-based) than committed, else None."""
    if track.field == "title" or track.field == "aligns_to":
        return None
    before, now = track.committed, track.current
    if not isinstance(before, (int, float)) or not isinstance(now, (int, float)):
        return None
    if track.field == "baseline":
        return track.moves[-1] if before != now else None
    assert track.key_result is not None
    if direction(track.key_result, track.field, float(before), float(now)) != "easier":
        return None
    easy = [move for move in track.moves if move.easier]
    return easy[-1] if easy else track.moves[-1]


def _how(field: str, move: _Move) -> str:
    if field == "baseline":
        return "re-based"
    if isinstance(move.before, (int, float)) and isinstance(move.after, (int, float)):
        return "lowered" if move.after < move.before else "raised"
    return "moved"


def _tracks(ctx: Context, objective: Objective) -> Iterator[_Track]:
    period = ctx.period(objective.period)
    if ctx.history is None or period is None:
        return
    # The working tree is the latest version, with no commit.
    versions: list[tuple[Version | None, Objective | None]] = [
        (v, v.objective) for v in ctx.history.of(objective)
    ]
    versions.append((None, objective))
    moves: dict[tuple[str | None, str], list[_Move]] = {}
    for (_, old), (version, new) in pairwise(versions):
        # Most commits only add check-ins, and their versions share the objects they leave.
        if old is new or old is None or new is None:
            continue
        if (ctx.as_of if version is None else version.day) <= period.start:
            continue
        by = "in uncommitted changes" if version is None else _by(version.commit)
        for name in _OBJECTIVE_FIELDS:
            before, after = getattr(old, name), getattr(new, name)
            if before != after:
                moves.setdefault((None, name), []).append(_Move(before, after, by, False))
        old_krs = {kr.id: kr for kr in reversed(old.key_results)}
        for kr in _unique(new.key_results):
            was = old_krs.get(kr.id)
            if was is None:
                continue
            for name in _KR_FIELDS:
                before, after = getattr(was, name), getattr(kr, name)
                if before != after:
                    easier = name != "title" and direction(kr, name, before, after) == "easier"
                    moves.setdefault((kr.id, name), []).append(_Move(before, after, by, easier))
    current_krs = {kr.id: kr for kr in _unique(objective.key_results)}
    for (kr_id, name), found in moves.items():
        if kr_id is None:
            label = f"{_LABELS[name]} of objective '{objective.id}'"
            current = getattr(objective, name)
            where = objective.where.child(name) if current is not None else None
            yield _Track(
                where or objective.where.child("id"), label, name, None,
                found[0].before, current, found, period.start,
            )  # fmt: skip
            continue
        now = current_krs.get(kr_id)
        if now is None:
            continue
        current = getattr(now, name)
        pointer = _POINTERS.get(name, (name,))
        yield _Track(
            now.where.child(*pointer) if current is not None else now.where.child("id"),
            f"{_LABELS[name]} of key result '{kr_id}'", name, now,
            found[0].before, current, found, period.start,
        )  # fmt: skip


def _by(commit: Commit) -> str:
    return f"by {commit.author} on {commit.date[:10]} ({commit.short})"


def _unique(key_results: list[KeyResult]) -> list[KeyResult]:
    """Key results by id, the first of duplicates (OKR103 reports the others)."""
    return list({kr.id: kr for kr in reversed(key_results)}.values())[::-1]


def _value(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number(float(value))
    return f"'{value}'"


def _ref(objective: Objective, kr: KeyResult | None) -> str:
    return objective.ref + (f"#{kr.id}" if kr else "")
