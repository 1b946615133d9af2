"""What changed between two versions of the OKRs, in words, named by IDs rather than lines.

Objectives are matched by (period, team, id) as their files declare them, key results by id
within their objective and check-ins by date, so a moved file or a reordered list changes
nothing here. ``okrs diff`` and ``okrs history`` both describe changes with this module.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import CheckIn, KeyResult, Kind, Model, Objective

Key = tuple[str, str, str]  # period, team, objective id


@dataclass(frozen=True)
class Change:
    """One change to one objective or key result."""

    ref: str  # period/team/objective[#kr]
    title: str  # the title after the change (before it, for a removal)
    kind: str  # added, removed, title, aligns_to, contributes_to, status, owner, target, ...
    text: str  # the change in words
    before: object = None
    after: object = None


def objectives_by_key(objectives: Iterable[Objective]) -> dict[Key, Objective]:
    """Objectives by identity; of duplicates the first wins (OKR103 reports them)."""
    found: dict[Key, Objective] = {}
    for objective in objectives:
        found.setdefault((objective.period, objective.team, objective.id), objective)
    return found


def compare_models(old: Model, new: Model) -> list[Change]:
    """Every change from ``old`` to ``new``, ordered by reference."""
    before = objectives_by_key(old.objectives())
    after = objectives_by_key(new.objectives())
    changes = []
    for key in sorted(before.keys() | after.keys()):
        changes.extend(compare_objectives(before.get(key), after.get(key)))
    return changes


def compare_objectives(old: Objective | None, new: Objective | None) -> list[Change]:
    """The changes from one version of an objective to the next (None: it does not exist)."""
    if old is None and new is None:
        return []
    if old is None or new is None:
        present = new or old
        assert present is not None
        kind = "added" if new else "removed"
        changes = [Change(present.ref, present.title, kind, kind)]
        for kr in present.key_results:
            changes.append(Change(f"{present.ref}#{kr.id}", kr.title, kind, kind))
        return changes
    changes = list(_objective_fields(old, new))
    old_krs = {kr.id: kr for kr in reversed(old.key_results)}
    new_krs = {kr.id: kr for kr in reversed(new.key_results)}
    for kr_id in [*new_krs, *(k for k in old_krs if k not in new_krs)]:
        ref = f"{new.ref}#{kr_id}"
        changes.extend(compare_key_results(ref, old_krs.get(kr_id), new_krs.get(kr_id)))
    return changes


def _objective_fields(old: Objective, new: Objective) -> Iterable[Change]:
    ref, title = new.ref, new.title
    if old.title != new.title:
        yield Change(ref, title, "title", f'title "{old.title}" -> "{new.title}"', old.title, title)
    if old.aligns_to != new.aligns_to:
        yield Change(ref, title, "aligns_to", _realigned(old.aligns_to, new.aligns_to),
                     old.aligns_to, new.aligns_to)  # fmt: skip
    for name in sorted(set(new.contributes_to) - set(old.contributes_to)):
        yield Change(ref, title, "contributes_to", f"now contributes to {name}", None, name)
    for name in sorted(set(old.contributes_to) - set(new.contributes_to)):
        yield Change(ref, title, "contributes_to", f"no longer contributes to {name}", name)
    if old.status != new.status:
        text = f"status {old.status.value} -> {new.status.value}"
        if new.reason and new.reason != old.reason:
            text += f" ({new.reason})"
        yield Change(ref, title, "status", text, old.status.value, new.status.value)
    if old.owner != new.owner:
        text = f"owner {old.owner or '(team owners)'} -> {new.owner or '(team owners)'}"
        yield Change(ref, title, "owner", text, old.owner, new.owner)
    if old.score != new.score and new.score is not None:
        yield Change(ref, title, "score", f"scored {number(new.score)}", old.score, new.score)


def _realigned(old: str | None, new: str | None) -> str:
    if old and new:
        return f"re-aligned from {old} to {new}"
    return f"aligned to {new}" if new else f"no longer aligned (was {old})"


def compare_key_results(ref: str, old: KeyResult | None, new: KeyResult | None) -> list[Change]:
    """The changes from one version of a key result to the next (None: it does not exist)."""
    if old is None or new is None:
        present = new or old
        if present is None:
            return []
        kind = "added" if new else "removed"
        return [Change(ref, present.title, kind, f"key result {kind}")]
    title = new.title
    changes = []
    if old.title != new.title:
        changes.append(
            Change(ref, title, "title", f'title "{old.title}" -> "{new.title}"', old.title, title)
        )
    if old.kind != new.kind:
        text = f"now a {new.kind.value} key result (was {old.kind.value})"
        changes.append(Change(ref, title, "kind", text, old.kind.value, new.kind.value))
    for field in ("target", "baseline", "keep_at_least", "keep_at_most"):
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            text = _moved(field, before, after, direction(new, field, before, after))
            changes.append(Change(ref, title, field, text, before, after))
    changes.extend(_check_ins(ref, title, old.check_ins, new.check_ins))
    return changes


def direction(kr: KeyResult, field: str, before: float | None, after: float | None) -> str:
    """Whether a move of ``field`` makes the key result "easier", "harder" or neither ("")."""
    if before is None or after is None or before == after:
        return ""
    up = after > before
    if field == "target" and kr.kind is Kind.METRIC and kr.baseline not in (None, before):
        # The direction the key result was committed to: its old target against its baseline.
        return "harder" if up == (before > (kr.baseline or 0.0)) else "easier"
    if field == "keep_at_least":
        return "harder" if up else "easier"
    if field == "keep_at_most":
        return "easier" if up else "harder"
    return ""


_LABELS = {
    "target": "target",
    "baseline": "baseline",
    "keep_at_least": "keep at least",
    "keep_at_most": "keep at most",
}


def _moved(field: str, before: float | None, after: float | None, how: str) -> str:
    label = _LABELS[field]
    if before is None:
        return f"{label} set to {number(after)}"
    if after is None:
        return f"{label} {number(before)} removed"
    notes = ["raised" if after > before else "lowered", *([how] if how else [])]
    return f"{label} {number(before)} -> {number(after)} ({', '.join(notes)})"


def _check_ins(
    ref: str, title: str, old: Sequence[CheckIn], new: Sequence[CheckIn]
) -> list[Change]:
    before = {c.date: c for c in old}
    after = {c.date: c for c in new}
    kept = len(old)
    if len(new) >= kept and all(map(operator.is_, old, new)):
        # The list before with check-ins appended (versions read from git share them): only
        # the days of those can differ.
        days = {c.date for c in new[kept:]}
    else:
        days = before.keys() | after.keys()
    changes = []
    for day in sorted(days):
        was, now = before.get(day), after.get(day)
        if was is None and now is not None:
            text = f"check-in {number(now.value)} on {day} added"
            changes.append(Change(ref, title, "check-in", text, None, now.value))
        elif now is None and was is not None:
            text = f"check-in {number(was.value)} on {day} removed"
            changes.append(Change(ref, title, "check-in", text, was.value, None))
        elif was is not None and now is not None and was.value != now.value:
            text = f"check-in on {day} changed {number(was.value)} -> {number(now.value)}"
            changes.append(Change(ref, title, "check-in", text, was.value, now.value))
    return changes


def number(value: float | None) -> str:
    """A number as a person writes it: 500 rather than 500.0."""
    if value is None:
        return "none"
    return str(int(value)) if float(value).is_integer() else f"{value:.15g}"
