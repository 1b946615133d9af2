"""`okrs export`: the whole model, resolved, for other tools: JSON, or CSV by key result.

Progress figures are as of the as-of date: own and cascade progress of every objective, each key
result's unclamped progress, current value, last check-in and flags. Fractions are rounded to
four places. Objectives come by period (in date order, longer first), then in file order, so the
output is the same for the same files and as-of date.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .cache import Cache
from .graph import Graph, current_period, period_of
from .model import CheckIn, Model, Objective, Organization
from .periods import Period
from .progress import Memo
from .status import Figures, KeyResultStatus, ObjectiveStatus, objective_status, owners_of
from .validate import Loaded, load_repository

SCHEMA_VERSION = 1


def export(root: Path, as_of: dt.date, output_format: str, cache: Cache | None = None) -> str:
    """The repository at ``root`` in ``output_format`` (see ``FORMATS``)."""
    return FORMATS[output_format](load_repository(root, cache=cache), as_of)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def statuses(
    loaded: Loaded, as_of: dt.date, kept: dict[int, Figures] | None = None
) -> list[ObjectiveStatus]:
    """Every objective's status, by period (in date order, longer first), then file order.

    ``kept`` holds the figures of objectives (by ``id``) worked out before from the same file,
    organisation and as-of date (see :func:`status.figures`); their check-ins are not read.
    """
    model, graph = loaded.model, loaded.graph
    periods = {p.id: index for index, p in enumerate(_periods(model))}
    ordered = sorted(model.objectives(), key=lambda o: periods.get(o.period, len(periods)))
    kept = kept or {}
    memo = Memo(own={key: figures[0] for key, figures in kept.items()})
    return [objective_status(model.org, graph, o, as_of, memo, kept.get(id(o))) for o in ordered]


# JSON


def to_json(loaded: Loaded, as_of: dt.date) -> str:
    """Organisation, periods, teams and objectives (with key results and check-ins) as JSON,
    indented; the site's ``okrs.json`` is the same data without indentation
    (:func:`compact_json`)."""
    document = _document(loaded.model, as_of)
    org, graph = loaded.model.org, loaded.graph
    document["objectives"] = [_objective(org, graph, s) for s in statuses(loaded, as_of)]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _document(model: Model, as_of: dt.date) -> dict[str, Any]:
    """Everything but the objectives."""
    children = team_children(model.org)
    current = current_period(model, as_of)
    return {
        "schema_version": SCHEMA_VERSION,
        "as_of": as_of.isoformat(),
        "current_period": current.id if current else None,
        "organization": _organization(model.org),
        "periods": [_period(p, as_of) for p in _periods(model)],
        "teams": [_team(model.org, team, children) for team in children],
    }


# An objective's compact JSON text but for what other files decide: the text before "parent",
# its contributes_to, its own progress, and the text after its cascade progress.
Pieces = tuple[str, str, str, str]


def compact_json(
    loaded: Loaded,
    as_of: dt.date,
    known: list[ObjectiveStatus],
    pieces_of: Callable[[ObjectiveStatus], Pieces],
) -> str:
    """:func:`to_json`'s data as compact text (the encoder written in C then does the work,
    several times faster on a large organisation, and the file is a third smaller), each
    objective's text joined from its :func:`pieces` (which a cache may keep by file) and what
    the alignment graph says of it."""
    start = _compact(_document(loaded.model, as_of))[:-1]
    graph = loaded.graph
    objectives = ",".join(_joined(graph, s, pieces_of(s)) for s in known)
    return f'{start},"objectives":[{objectives}]}}\n'


def pieces(org: Organization | None, status: ObjectiveStatus) -> Pieces:
    """The parts of an objective's compact JSON that its own file (with org.yaml and the
    as-of date) decides."""
    head, tail = _own_fields(org, status)
    contributes = _compact(status.objective.contributes_to)
    return _compact(head)[:-1], contributes, _compact(_round(status.own)), _compact(tail)[1:]


def _joined(graph: Graph, status: ObjectiveStatus, pieces: Pieces) -> str:
    head, contributes, own, tail = pieces
    parent, children, supporters = _linked(graph, status.objective)
    cascade = _compact(_round(status.cascade))
    return (
        f'{head},"parent":{_compact(parent)},"contributes_to":{contributes},'
        f'"children":{_compact(children)},"supporters":{_compact(supporters)},'
        f'"progress":{own},"cascade_progress":{cascade},{tail}'
    )


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def team_children(org: Organization | None) -> dict[str, list[str]]:
    """Each team's child teams, in the order org.yaml declares them."""
    children: dict[str, list[str]] = {team: [] for team in (org.teams if org else {})}
    for team in org.teams.values() if org else []:
        if team.parent in children:
            children[team.parent].append(team.id)
    return children


def _organization(org: Organization | None) -> dict[str, Any] | None:
    if org is None:
        return None
    return {
        "name": org.name,
        "root": org.root,
        "people": org.people,
        "values": org.values,
        "metrics": {
            m.id: {"name": m.name, "unit": m.unit, "owner": m.owner, "definition": m.definition}
            for m in org.metrics.values()
        },
    }


def _periods(model: Model) -> list[Period]:
    """Every period declared in org.yaml or used by a file, in date order."""
    ids = {f.period for f in model.files if f.period} | set(model.org.periods if model.org else {})
    found = {p for i in ids if (p := period_of(model, i)) is not None}
    return sorted(found, key=lambda p: (p.start, -p.days, p.id))


def _period(period: Period, as_of: dt.date) -> dict[str, Any]:
    return {
        "id": period.id,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "active": period.contains(as_of),
        "expected": _round(period.elapsed(as_of)),
    }


def _team(org: Organization | None, team_id: str, children: dict[str, list[str]]) -> dict[str, Any]:
    assert org is not None
    team = org.teams[team_id]
    return {
        "id": team.id,
        "name": team.name,
        "parent": team.parent,
        "owners": team.owners,
        "children": children[team.id],
        "description": team.description,
    }


def _objective(org: Organization | None, graph: Graph, status: ObjectiveStatus) -> dict[str, Any]:
    o = status.objective
    head, tail = _own_fields(org, status)
    parent, children, supporters = _linked(graph, o)
    return {
        **head,
        "parent": parent,
        "contributes_to": o.contributes_to,
        "children": children,
        "supporters": supporters,
        "progress": _round(status.own),
        "cascade_progress": _round(status.cascade),
        **tail,
    }


def _own_fields(
    org: Organization | None, status: ObjectiveStatus
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An objective's fields before its parent and after its cascade progress."""
    o = status.objective
    head = {
        "ref": o.ref,
        "id": o.id,
        "team": o.team,
        "period": o.period,
        "path": o.where.file,
        "title": o.title,
        "owner": o.owner,
        "owners": owners_of(org, o),
        "status": o.status.value,
        "reason": o.reason,
        "weight": o.weight,
        "values": o.values,
        "description": o.description,
        "score": o.score,
        "retrospective": o.retrospective,
        "aligns_to": o.aligns_to,
    }
    tail = {
        "flags": [flag.replace(" ", "_") for flag in status.flags],
        "key_results": [_key_result(org, k) for k in status.key_results],
    }
    return head, tail


def _linked(graph: Graph, objective: Objective) -> tuple[str | None, list[str], list[str]]:
    """What other files decide of an objective: its parent, children and supporters."""
    parent = graph.parent.get(objective.ref)
    children = [c.ref for c in graph.children.get(objective.ref, [])]
    supporters = [s.ref for s in graph.supporters.get(objective.ref, [])]
    return parent.ref if parent else None, children, supporters


def _key_result(org: Organization | None, status: KeyResultStatus) -> dict[str, Any]:
    kr = status.key_result
    keep = {"at_least": kr.keep_at_least, "at_most": kr.keep_at_most}
    return {
        "ref": status.ref,
        "id": kr.id,
        "title": kr.title,
        "kind": kr.kind.value,
        "baseline": kr.baseline,
        "target": kr.target,
        "keep": keep if kr.keep_at_least is not None or kr.keep_at_most is not None else None,
        "unit": kr.unit,
        "metric": kr.metric,
        "owner": kr.owner,
        "owners": owners_of(org, status.objective, kr),
        "weight": kr.weight,
        "description": kr.description,
        "progress": _round(status.progress),
        "current": status.current,
        "last_check_in": _date(status.last.date if status.last else None),
        "confidence": status.confidence,
        "stale": status.stale is not None,
        "due": _date(status.stale.due if status.stale else None),
        "behind": status.behind,
        "at_risk": status.at_risk,
        "check_ins": [_check_in(c) for c in kr.check_ins],
    }


def _check_in(check_in: CheckIn) -> dict[str, Any]:
    return {
        "date": check_in.date.isoformat(),
        "value": check_in.value,
        "confidence": check_in.confidence,
        "note": check_in.note,
    }


# CSV

CSV_COLUMNS = (
    "period",
    "team",
    "objective",
    "objective_title",
    "objective_status",
    "parent",
    "key_result",
    "key_result_title",
    "kind",
    "unit",
    "baseline",
    "target",
    "current",
    "progress",
    "confidence",
    "last_check_in",
    "stale",
    "behind",
    "at_risk",
)


def to_csv(loaded: Loaded, as_of: dt.date) -> str:
    """One row per key result, with its objective, team, period, parent and progress."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for status in statuses(loaded, as_of):
        parent = loaded.graph.parent.get(status.objective.ref)
        for kr in status.key_results:
            writer.writerow(_csv_row(status.objective, parent.ref if parent else "", kr))
    return buffer.getvalue()


# What makes a spreadsheet read a cell as a formula (or, for tab and carriage return, may).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        value = round(value, 4)
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    # Text from the files (titles, units) never becomes a formula where the file is opened: a
    # leading apostrophe shows it as text, as spreadsheets themselves mark text.
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _csv_row(objective: Objective, parent: str, status: KeyResultStatus) -> list[str]:
    kr = status.key_result
    values: list[object] = [
        objective.period,
        objective.team,
        objective.ref,
        objective.title,
        objective.status.value,
        parent,
        status.ref,
        kr.title,
        kr.kind.value,
        kr.unit,
        kr.baseline,
        kr.target,
        status.current,
        status.progress,
        status.confidence,
        status.last.date if status.last else None,
        status.stale is not None,
        status.behind,
        status.at_risk,
    ]
    return [_cell(value) for value in values]


FORMATS: dict[str, Callable[[Loaded, dt.date], str]] = {"json": to_json, "csv": to_csv}
