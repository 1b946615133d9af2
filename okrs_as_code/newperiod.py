"""A new period's files, one per team, carrying over what is unfinished from a previous one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import yamlsafe
from .errors import OkrsError
from .files import atomic_write
from .graph import period_of
from .model import KeyResult, Kind, Objective, Status
from .periods import Period
from .progress import key_result_progress, latest_check_in
from .refs import RefIndex, Target
from .validate import Loaded, load_repository


@dataclass
class Written:
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files that exist and were left alone


@dataclass
class _Carry:
    """What carrying over decided, for the new file's header."""

    source: Period
    carried: set[str]  # refs of the objectives carried over
    enclosing: set[str]  # ids of periods enclosing the new one: alignments there still hold
    by_team: dict[str, list[Objective]]  # the objectives carried over, in file order


def new_period(root: Path, period_id: str, source_id: str | None, as_of: dt.date) -> Written:
    """Write ``okrs/<period>/<team>.yaml`` for every team that has none yet."""
    loaded = load_repository(root)
    org = loaded.model.org
    if org is None:
        raise OkrsError("okrs/org.yaml cannot be read; run okrs validate")
    period = _period(loaded, period_id)
    carry = _carry(loaded, period, source_id) if source_id else None
    result = Written()
    for team in org.teams:
        relative = f"okrs/{period.id}/{team}.yaml"
        if (root / relative).exists():
            result.skipped.append(relative)
            continue
        text = _file_text(loaded, team, period, carry, as_of)
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        atomic_write(root / relative, text.encode("utf-8"))
        result.written.append(relative)
    return result


def _period(loaded: Loaded, period_id: str) -> Period:
    period = period_of(loaded.model, period_id)
    if period is None:
        raise OkrsError(f"unknown period '{period_id}': use YYYY, YYYY-H1, YYYY-Q1..Q4 or YYYY-MM")
    return period


def _carry(loaded: Loaded, period: Period, source_id: str) -> _Carry:
    source = _period(loaded, source_id)
    objectives = [o for o in loaded.model.objectives() if o.period == source.id]
    if not objectives:
        raise OkrsError(f"period {source.id} has no objectives to carry over")
    active = [o for o in objectives if o.status is Status.ACTIVE]
    enclosing = {
        p.id
        for o in loaded.model.objectives()
        if (p := period_of(loaded.model, o.period)) is not None and p.encloses(period)
    }
    by_team: dict[str, list[Objective]] = {}
    for objective in active:
        by_team.setdefault(objective.team, []).append(objective)
    return _Carry(source, {o.ref for o in active}, enclosing, by_team)


def _file_text(
    loaded: Loaded, team: str, period: Period, carry: _Carry | None, as_of: dt.date
) -> str:
    objectives: list[dict[str, Any]] = []
    notes: list[str] = []
    if carry is not None:
        for objective in carry.by_team.get(team, []):
            objectives.append(_objective(loaded.graph.index, objective, carry, as_of, notes))
    document = {"team": team, "period": period.id, "objectives": objectives}
    header = ["# yaml-language-server: $schema=../../schema/okrs.schema.json", "#"]
    assert loaded.model.org is not None
    name = loaded.model.org.teams[team].name
    if carry is None:
        header.append(f"# {name}: objectives for {period.id}.")
    else:
        header.append(f"# {name}: objectives for {period.id}, carried over from {carry.source.id}")
        header.append("# where they were not achieved: baselines start from the last value.")
        header.extend(f"# Note: {note}" for note in notes)
    return "\n".join(header) + "\n\n" + yamlsafe.dump(document)


def _objective(
    index: RefIndex, objective: Objective, carry: _Carry, as_of: dt.date, notes: list[str]
) -> dict[str, Any]:
    kept: dict[str, Any] = {"id": objective.id, "title": objective.title}
    for key in ("owner", "description"):
        if getattr(objective, key):
            kept[key] = getattr(objective, key)
    parent = _remap(index, objective, objective.aligns_to, carry)
    if parent:
        kept["aligns_to"] = parent
    elif objective.aligns_to:
        notes.append(
            f"{objective.id} aligned to {objective.aligns_to}, which does not carry over: "
            "choose its new parent"
        )
    contributes = [
        ref for text in objective.contributes_to if (ref := _remap(index, objective, text, carry))
    ]
    if contributes:
        kept["contributes_to"] = contributes
    if objective.values:
        kept["values"] = list(objective.values)
    if objective.weight != 1:
        kept["weight"] = _number(objective.weight)
    key_results = []
    for kr in objective.key_results:
        if key_result_progress(kr, as_of) >= 1 and kr.kind is not Kind.KEEP:
            notes.append(f"{objective.id}#{kr.id} was complete and is not carried over")
        else:
            key_results.append(_key_result(kr, as_of))
    kept["key_results"] = key_results
    return kept


def _remap(index: RefIndex, objective: Objective, text: str | None, carry: _Carry) -> str | None:
    """The reference as it reads from the new period, or None when its target stays behind."""
    target: Target | None = index.resolve(text, objective.period) if text else None
    if target is None:
        return None
    if target.objective.ref in carry.carried:
        short = f"{target.objective.team}/{target.objective.id}"
        return f"{short}#{target.key_result.id}" if target.key_result else short
    return target.ref if target.objective.period in carry.enclosing else None


def _key_result(kr: KeyResult, as_of: dt.date) -> dict[str, Any]:
    kept: dict[str, Any] = {"id": kr.id, "title": kr.title}
    for key in ("description", "owner", "metric", "unit"):
        if getattr(kr, key):
            kept[key] = getattr(kr, key)
    latest = latest_check_in(kr, as_of)
    if kr.kind is Kind.METRIC:
        kept["baseline"] = _number(latest.value if latest else kr.baseline)
        kept["target"] = _number(kr.target)
    elif kr.kind is Kind.MILESTONE:
        kept["milestone"] = True
    elif kr.kind is Kind.KEEP:
        at_least = kr.keep_at_least is not None
        value = kr.keep_at_least if at_least else kr.keep_at_most
        kept["keep"] = {"at_least" if at_least else "at_most": _number(value)}
    if kr.weight != 1:
        kept["weight"] = _number(kr.weight)
    if kr.cadence.every_days is not None:
        kept["check_in_every"] = f"{kr.cadence.every_days}d"
    return kept


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value
