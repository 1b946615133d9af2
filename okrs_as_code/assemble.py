"""Plain YAML data to the model, tolerant of anything the schema already reports.

A file that fails the schema still becomes as much model as can be read from it, so that every
other rule can run on it: wrong-typed values are read as absent, never guessed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
from collections.abc import Callable
from typing import Any

from .dates import parse_date, parse_duration
from .diagnostics import Where
from .loader import SourceFile
from .model import (
    Cadence,
    CheckIn,
    KeyResult,
    Kind,
    LaterCheckIns,
    Limits,
    Metric,
    Objective,
    Organization,
    Policy,
    Status,
    Team,
    TeamFile,
)
from .periods import Period, period_id_text


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _num(value: Any) -> float | None:
    # Exact types first: absent values and plain numbers are nearly all there is, and this
    # runs several times for each of a large organisation's tens of thousands of key results.
    if value is None:
        return None
    kind = type(value)
    if kind is float:
        return value
    if kind is int:
        return float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _weight(value: Any) -> float:
    number = _num(value)
    return number if number is not None and number >= 0 else 1.0


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strs(value: Any) -> list[str]:
    return [item for item in _list(value) if isinstance(item, str)]


def _cadence(data: Any) -> Cadence:
    data = _dict(data)
    return Cadence(parse_duration(data.get("check_in_every")), parse_duration(data.get("grace")))


def organization(source: SourceFile) -> Organization:
    data = _dict(source.data)
    where = Where(source.path)
    teams = {
        team_id: _team(team_id, _dict(raw), where.child("teams", team_id))
        for team_id, raw in _dict(data.get("teams")).items()
    }
    people = data.get("people")
    values = data.get("values")
    return Organization(
        name=_str(data.get("organization")) or "",
        teams=teams,
        people=None
        if people is None
        else {
            handle: _str(_dict(raw).get("name")) or handle for handle, raw in _dict(people).items()
        },
        values=None
        if values is None
        else {key: _str(label) or key for key, label in _dict(values).items()},
        metrics={
            metric_id: _metric(metric_id, _dict(raw), where.child("metrics", metric_id))
            for metric_id, raw in _dict(data.get("metrics")).items()
        },
        periods=_custom_periods(_dict(data.get("periods"))),
        policy=_policy(_dict(data.get("policy"))),
        site={key: str(value) for key, value in _dict(data.get("site")).items()},
        path=source.path,
    )


def _team(team_id: str, raw: dict[str, Any], where: Where) -> Team:
    return Team(
        id=team_id,
        name=_str(raw.get("name")) or team_id,
        parent=_str(raw.get("parent")),
        owners=_strs(raw.get("owners")),
        cadence=_cadence(raw.get("cadence")),
        where=where,
        description=_str(raw.get("description")),
    )


def _metric(metric_id: str, raw: dict[str, Any], where: Where) -> Metric:
    return Metric(
        id=metric_id,
        name=_str(raw.get("name")) or metric_id,
        unit=_str(raw.get("unit")),
        owner=_str(raw.get("owner")),
        definition=_str(raw.get("definition")),
        where=where,
    )


def _custom_periods(raw: dict[str, Any]) -> dict[str, Period]:
    periods = {}
    for period_id, spec in raw.items():
        start, end = parse_date(_dict(spec).get("start")), parse_date(_dict(spec).get("end"))
        if start and end and start <= end:
            periods[period_id] = Period(period_id, start, end)
    return periods


def _policy(raw: dict[str, Any]) -> Policy:
    cadence = _cadence(raw.get("cadence"))
    limits_raw = _dict(raw.get("limits"))
    defaults = Limits()
    kr_range = _list(limits_raw.get("key_results_per_objective"))
    low, high = [*kr_range, None, None][:2] if len(kr_range) == 2 else (None, None)
    limits = Limits(
        root_objectives=_int(limits_raw.get("root_objectives"), defaults.root_objectives),
        objectives_per_team=_int(
            limits_raw.get("objectives_per_team"), defaults.objectives_per_team
        ),
        key_results_min=_int(low, defaults.key_results_min),
        key_results_max=_int(high, defaults.key_results_max),
        max_file_bytes=_int(limits_raw.get("max_file_bytes"), defaults.max_file_bytes),
    )
    return Policy(cadence=Cadence(cadence.every_days or 7, cadence.grace_days), limits=limits)


# Objects assembled before, by the identity of the data they came from and where it is: the
# versions of a file read from git share the data they leave unchanged (see ``versions``), and
# so can share its objects. The data must outlive the mapping, or an id could be reused.
Reuse = dict[tuple[Any, ...], Any]
# A file's check-ins by the objective's and the key result's index in its data, for a file
# assembled from its outline (its data without check-ins): read when first asked for.
Later = Callable[[int, int], list[CheckIn]]


def owner(data: Any) -> tuple[str, str]:
    """The period and team that key every objective of a team file's data ("" for none)."""
    data = _dict(data)
    return period_id_text(data.get("period")) or "", _str(data.get("team")) or ""


def team_file(
    source: SourceFile, reuse: Reuse | None = None, later: Later | None = None
) -> TeamFile:
    data = _dict(source.data)
    team = _str(data.get("team"))
    period = period_id_text(data.get("period"))
    where = Where(source.path)
    objectives = [
        _objective(
            _dict(raw), team or "", period or "", where.child("objectives", index), reuse, later
        )
        for index, raw in enumerate(_list(data.get("objectives")))
        if isinstance(raw, dict) and isinstance(raw.get("id"), str)
    ]
    return TeamFile(source.path, team, period, objectives)


def check_ins_at(data: Any, objective: int, key_result: int) -> list[CheckIn]:
    """The check-ins of a key result, by its objective's and its own index in a file's data."""
    objectives = _list(_dict(data).get("objectives"))
    krs = _list(_dict(objectives[objective]).get("key_results"))
    return _check_ins(_list(_dict(krs[key_result]).get("check_ins")))


def _status(value: Any) -> Status:
    try:
        return Status(value)
    except ValueError:
        return Status.ACTIVE


def _objective(
    raw: dict[str, Any],
    team: str,
    period: str,
    where: Where,
    reuse: Reuse | None,
    later: Later | None = None,
) -> Objective:
    key = (id(raw), where.pointer, team, period) if reuse is not None else ()
    if reuse is not None and key in reuse:
        return reuse[key]
    objective = Objective(
        id=raw["id"],
        title=_str(raw.get("title")) or raw["id"],
        team=team,
        period=period,
        where=where,
        owner=_str(raw.get("owner")),
        aligns_to=_str(raw.get("aligns_to")),
        contributes_to=_strs(raw.get("contributes_to")),
        values=_strs(raw.get("values")),
        status=_status(raw.get("status", "active")),
        reason=_str(raw.get("reason")),
        weight=_weight(raw.get("weight")),
        description=_str(raw.get("description")),
        score=_num(raw.get("score")),
        retrospective=_str(raw.get("retrospective")),
        key_results=[
            _key_result(_dict(kr), where.child("key_results", index), reuse, later)
            for index, kr in enumerate(_list(raw.get("key_results")))
            if isinstance(kr, dict) and isinstance(kr.get("id"), str)
        ],
    )
    if reuse is not None:
        reuse[key] = objective
    return objective


def _key_result(
    raw: dict[str, Any], where: Where, reuse: Reuse | None = None, later: Later | None = None
) -> KeyResult:
    if reuse is not None:
        return _key_result_again(raw, where, reuse)
    if len(raw) == 1:
        # Only an id: most often a cached skeleton of a file not being reported on.
        return KeyResult(id=raw["id"], title=raw["id"], kind=Kind.UNMEASURABLE, where=where)
    keep = _dict(raw.get("keep"))
    kr = KeyResult(
        id=raw["id"],
        title=_str(raw.get("title")) or raw["id"],
        kind=Kind.UNMEASURABLE,
        where=where,
        baseline=_num(raw.get("baseline")),
        target=_num(raw.get("target")),
        keep_at_least=_num(keep.get("at_least")),
        keep_at_most=_num(keep.get("at_most")),
        unit=_str(raw.get("unit")),
        metric=_str(raw.get("metric")),
        owner=_str(raw.get("owner")),
        weight=_weight(raw.get("weight")),
        cadence=Cadence(
            parse_duration(raw.get("check_in_every")), parse_duration(raw.get("grace"))
        ),
        description=_str(raw.get("description")),
    )
    kr.kind = _kind(raw, kr)
    if later is None:
        kr.check_ins = _check_ins(_list(raw.get("check_ins")))
    else:
        kr.check_ins = _later(later, where)
    return kr


def _later(later: Later, where: Where) -> LaterCheckIns:
    _, objective, _, key_result = where.pointer  # ("objectives", i, "key_results", j)
    assert isinstance(objective, int) and isinstance(key_result, int)
    return LaterCheckIns(functools.partial(later, objective, key_result))


def _check_ins(items: list[Any], start: int = 0) -> list[CheckIn]:
    """The check-ins of ``items``, the list's items from index ``start`` on."""
    return [
        check_in
        for index, item in enumerate(items, start)
        if (check_in := _check_in(_dict(item), index)) is not None
    ]


_KEY_RESULT_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(KeyResult)))


def _key_result_again(raw: dict[str, Any], where: Where, reuse: Reuse) -> KeyResult:
    """A key result whose other fields are the very values of one assembled before at the
    same place (a later version of it) is that one with its check-ins; those of its list's
    items that are the very items of that one's are not assembled again."""
    key = (where.file, where.pointer, *[(k, id(v)) for k, v in raw.items() if k != "check_ins"])
    items = _list(raw.get("check_ins"))
    found = reuse.get(key)
    if found is None:
        kr = _key_result(raw, where)
    else:
        before, items_before = found
        kept = len(items_before)
        if len(items) >= kept and all(map(operator.is_, items_before, items)):
            check_ins = [*before.check_ins, *_check_ins(items[kept:], kept)]
        else:
            check_ins = _check_ins(items)
        kr = KeyResult(*_KEY_RESULT_FIELDS(before))  # a copy, in a fraction of replace()'s time
        kr.check_ins = check_ins
    reuse[key] = (kr, items)
    return kr


def _kind(raw: dict[str, Any], kr: KeyResult) -> Kind:
    if raw.get("milestone") is True:
        return Kind.MILESTONE
    if kr.keep_at_least is not None or kr.keep_at_most is not None:
        return Kind.KEEP
    if kr.baseline is not None and kr.target is not None:
        return Kind.METRIC
    return Kind.UNMEASURABLE


def _check_in(raw: dict[str, Any], index: int) -> CheckIn | None:
    # The hottest function of assembly (a large organisation has hundreds of thousands of
    # check-ins): exact types rather than isinstance, dates parsed once per distinct text, and
    # the place kept as the item's index, since few check-ins are ever reported on.
    text = raw.get("date")
    value: Any = raw.get("value")
    day = _day(text) if type(text) is str else parse_date(text)
    if day is None or type(value) not in (int, float, bool):
        return None
    confidence: Any = raw.get("confidence")
    note = raw.get("note")
    return CheckIn(
        day,
        float(value),
        float(confidence) if type(confidence) in (int, float) else None,
        note if type(note) is str else None,
        index,
    )


@functools.lru_cache(maxsize=4096)
def _day(text: str) -> dt.date | None:
    return parse_date(text)
