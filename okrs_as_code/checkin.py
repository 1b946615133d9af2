"""Recording a check-in: find the key result, check the values, append, validate, write."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import snapshot, splice, yamlsafe
from .cache import Cache
from .diagnostics import Severity
from .errors import OkrsError
from .files import atomic_write, folder_lock
from .graph import current_period
from .model import CheckIn, KeyResult, Kind, Objective
from .progress import clamp, key_result_progress
from .refs import Target, lookup, parse_ref
from .repository import OKRS_DIR, period_folders
from .snapshot import Snapshot
from .validate import Loaded, load_focused, outcome, with_file

_NUMBER = re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_BOM = b"\xef\xbb\xbf"


_NO_HISTORY = "not read for a check-in"


class Refused(Exception):
    """The check-in was not recorded; the message says why. The file is untouched."""


@dataclass(frozen=True)
class Request:
    ref: str
    value: str
    as_of: dt.date
    day: dt.date | None = None
    confidence: float | None = None
    note: str | None = None


@dataclass(frozen=True)
class Recorded:
    path: str
    ref: str
    fields: dict[str, object]
    progress: float


def check_in(root: Path, request: Request, cache: Cache | None = None) -> Recorded:
    """Append a check-in to a key result's file, or raise :class:`Refused` leaving it untouched."""
    # One writer at a time per repository: two check-ins started together both land.
    with folder_lock(root / OKRS_DIR):
        snap, loaded, target = _locate(root, request, cache)
        path = target.objective.where.file
        assert target.key_result is not None
        fields = _fields(target.objective, target.key_result, request)
        new_text = _appended(loaded, target, fields)
        _refuse_new_errors(loaded, path, new_text, request.as_of, len(snap.files))
        _write(root / path, snap, path, new_text)
    progress = key_result_progress(_with(target.key_result, fields), request.as_of)
    return Recorded(path, target.ref, fields, clamp(progress))


def _locate(root: Path, request: Request, cache: Cache | None) -> tuple[Snapshot, Loaded, Target]:
    """The key result, with its file read in full.

    A check-in changes nothing that the rules of other files look at, so only org.yaml and the
    team's own files (``okrs/<period>/<team>.yaml``) are read. When they do not settle the
    reference, the whole organisation is read, for the answer and the hints validate would give.
    """
    folders = period_folders(root)
    ref = parse_ref(request.ref)
    if ref is not None:
        periods = [ref.period] if ref.period else sorted(folders)
        paths = [
            f"{OKRS_DIR}/{period}/{name}"
            for period in periods
            for name in folders.get(period, [])
            if name.rpartition(".")[0] == ref.team
        ]
        if paths:
            snap = snapshot.take(root, paths=paths, cache=cache)
            loaded = load_focused(snap, None, None)
            with contextlib.suppress(Refused):
                return snap, loaded, _find(loaded, request, set(folders))
    snap = snapshot.take(root, cache=cache)
    overview = load_focused(snap, set(), cache)  # other files from their skeletons
    path = _find(overview, request).objective.where.file
    loaded = with_file(overview, path, _text(snap, path))
    return snap, loaded, _find(loaded, request)


def _text(snap: Snapshot, path: str) -> str:
    raw = next(f.content for f in snap.files if f.path == path)
    if not isinstance(raw, bytes):
        raise Refused(f"{path} cannot be read")
    return raw.decode("utf-8-sig")


def _write(full: Path, snap: Snapshot, path: str, new_text: str) -> None:
    raw = next(f.content for f in snap.files if f.path == path)
    assert isinstance(raw, bytes)
    if full.read_bytes() != raw:
        raise Refused(f"{path} changed while checking in; try again")
    data = (_BOM if raw.startswith(_BOM) else b"") + new_text.encode("utf-8")
    try:
        atomic_write(full, data)
    except OSError as error:
        raise OkrsError(f"cannot write {path}: {error.strerror or error}") from error


def _find(loaded: Loaded, request: Request, with_files: set[str] | None = None) -> Target:
    current = current_period(loaded.model, request.as_of, with_files)
    found = lookup(loaded.graph.index, request.ref, current.id if current else None)
    if not found:
        hint = loaded.graph.index.suggest(request.ref, current.id if current else "")
        raise Refused(f"no key result '{request.ref}'" + (f"; {hint}" if hint else ""))
    if len(found) > 1:
        names = ", ".join(target.ref for target in found)
        raise Refused(f"'{request.ref}' is ambiguous: {names}; add the period")
    target = found[0]
    if target.key_result is None:
        ids = ", ".join(f"#{kr.id}" for kr in target.objective.key_results) or "none"
        raise Refused(f"'{request.ref}' is an objective; name one of its key results: {ids}")
    return target


def _fields(objective: Objective, kr: KeyResult, request: Request) -> dict[str, object]:
    day = request.day or request.as_of
    last = max((c.date for c in kr.check_ins), default=None)
    if last is not None and day <= last:
        word = "already has one on" if day == last else "has a later one, on"
        raise Refused(f"{day}: the key result {word} {last}; check-ins are kept oldest first")
    if request.confidence is not None and not 0 <= request.confidence <= 1:
        raise Refused(f"confidence {request.confidence:g} is not between 0 and 1")
    fields: dict[str, object] = {"date": day.isoformat(), "value": _value(kr, request.value)}
    if request.confidence is not None:
        fields["confidence"] = request.confidence
    if request.note:
        fields["note"] = request.note
    return fields


def _value(kr: KeyResult, text: str) -> object:
    text = text.strip()
    if kr.kind is Kind.MILESTONE:
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        number = _number(text, "a milestone takes true, false or the fraction done from 0 to 1")
        if not 0 <= number <= 1:
            raise Refused(f"{text} is not between 0 and 1: a milestone takes the fraction done")
        return number
    return _number(text, "the value must be a number")


def _number(text: str, why: str) -> int | float:
    if not _NUMBER.match(text):
        raise Refused(f"'{text}' is not a number: {why}")
    number = float(text)
    if number.is_integer() and re.fullmatch(r"[-+]?[0-9]+", text):
        return int(text)
    return number


def _appended(loaded: Loaded, target: Target, fields: dict[str, object]) -> str:
    assert target.key_result is not None
    source = next(s for s in loaded.sources if s.path == target.objective.where.file)
    assert source.text is not None
    try:
        new_text = splice.add_check_in(source.text, target.key_result.where.pointer, fields)
        if yamlsafe.parse(new_text) != _expected(source.data, target, fields):
            raise ValueError("the result would not read back as the old file plus the check-in")
    except yaml.YAMLError as error:
        raise Refused(f"cannot add a check-in to {source.path} safely: {error}") from error
    except ValueError as error:
        raise Refused(f"cannot add a check-in to {source.path} safely: {error}") from error
    return new_text


def _expected(data: Any, target: Target, fields: dict[str, object]) -> Any:
    """The old document with the check-in appended: what the new text must read back as."""
    assert target.key_result is not None
    expected = _unshared(data)
    node = expected
    for part in target.key_result.where.pointer:
        node = node[part]
    if node.get("check_ins") is None:
        node["check_ins"] = []
    node["check_ins"].append(dict(fields))
    return expected


def _unshared(data: Any) -> Any:
    """A copy in which no list or mapping is shared. An alias (`check_ins: *done`) reads as
    the anchored object itself, and ``copy.deepcopy`` keeps that sharing, so the expected
    document would gain the check-in in every place the alias points to, and a check-in on one
    key result could silently land on another too."""
    if isinstance(data, dict):
        return {key: _unshared(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_unshared(item) for item in data]
    return data


def _refuse_new_errors(
    loaded: Loaded, path: str, new_text: str, as_of: dt.date, files: int
) -> None:
    """Refuse when the change adds an error to the file; errors already there do not count."""

    def errors(state: Loaded) -> Counter[tuple[str, str]]:
        # A check-in never changes what the history rules (OKR4xx) look at, so they are left
        # out rather than reading every commit twice.
        found = outcome(state, as_of, {path}, files, history=_NO_HISTORY)
        return Counter(
            (d.code, d.message) for d in found.diagnostics if d.severity is Severity.ERROR
        )

    added = errors(with_file(loaded, path, new_text)) - errors(loaded)
    if added:
        problems = "; ".join(f"{code} {message}" for code, message in sorted(added))
        raise Refused(f"the check-in would add an error to {path}: {problems}")


def _with(kr: KeyResult, fields: dict[str, object]) -> KeyResult:
    """The key result as it is after the check-in, for reporting its new progress."""
    value = fields["value"]
    number = float(value) if isinstance(value, (bool, int, float)) else 0.0
    day = dt.date.fromisoformat(str(fields["date"]))
    check_in = CheckIn(day, number, None, None, len(kr.check_ins))
    return dataclasses.replace(kr, check_ins=[*kr.check_ins, check_in])
