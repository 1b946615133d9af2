"""``okrs history``: the timeline of one objective or key result, read from git.

One ``git log`` pass lists the commits that touched ``okrs/`` with the files each changed, and
one ``git cat-file --batch`` process reads those file versions. Replaying the commits oldest
first keeps the objectives of every file; each commit's change to the named objective is then
described by :mod:`changes`. Identity follows the IDs inside the files, never paths or lines.

The replay is a pure function of the first-parent history, so with a cache it keeps, per commit
hash, the parsed data of the files that commit changed: a second run reads and parses only the
commits made since.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import assemble, gitutil
from .cache import Cache
from .changes import Change, Key, compare_key_results, compare_objectives, objectives_by_key
from .dates import today_utc
from .errors import OkrsError
from .graph import current_period
from .loader import SourceFile, parse_bytes
from .model import Objective
from .refs import RefIndex, lookup, parse_ref
from .repository import OKRS_DIR, ORG_FILE
from .validate import load_repository


@dataclass(frozen=True)
class Step:
    """One commit and what it changed in the objectives of the files it touched."""

    commit: gitutil.Commit
    before: dict[Key, Objective | None]
    after: dict[Key, Objective | None]


@dataclass(frozen=True)
class Entry:
    commit: gitutil.Commit
    changes: list[Change]


def replay(
    root: Path,
    cache: Cache | None = None,
    rev: str = "HEAD",
    check_ins: bool = True,
    paths: list[str] | None = None,
) -> Iterator[Step]:
    """Every commit up to ``rev`` touching the OKR files, oldest first, with the objectives it
    changed. ``cache`` supplies the parsed files of commits already seen and learns the others'.
    Without ``check_ins`` the versions leave them out: the rules about commitments never look
    at them, and they are most of every version. ``paths`` limits the replay to the commits
    that changed those files (a pre-commit run reports on those files alone).
    """
    commits = gitutil.log(root, paths or OKRS_DIR + "/", rev)
    known = cache.history(check_ins) if cache is not None else {}
    learned: dict[str, dict[str, Any]] = {}
    by_file: dict[str, dict[Key, Objective]] = {}
    with gitutil.BlobReader(root) as reader:
        for commit in commits:
            touched = [p for p in commit.changes if p != ORG_FILE and p.endswith((".yaml", ".yml"))]
            data = known.get(commit.hash)
            if isinstance(data, dict) and set(touched) <= set(data):
                data = {path: data[path] for path in touched}
            else:
                data = {path: _data(path, commit.changes[path], reader) for path in touched}
                if not check_ins:
                    data = {path: _without_check_ins(value) for path, value in data.items()}
                learned[commit.hash] = data
            old = [o for p in touched for o in by_file.pop(p, {}).values()]
            for path in touched:
                if data[path] is not None:
                    by_file[path] = _objectives(path, data[path])
            new = [o for p in touched for o in by_file.get(p, {}).values()]
            before, after = objectives_by_key(old), objectives_by_key(new)
            keys = before.keys() | after.keys()
            yield Step(
                commit,
                {k: before.get(k) for k in keys},
                {k: after.get(k) for k in keys},
            )
    if cache is not None and learned:
        cache.store_history({**known, **learned}, check_ins)


def _data(path: str, blob: str | None, reader: gitutil.BlobReader) -> Any:
    """A file version's parsed data; None for a deletion or a file that cannot be read."""
    if blob is None:
        return None
    source = parse_bytes(path, reader.read(blob))
    return source.data if source.ok else None


def _without_check_ins(data: Any) -> Any:
    if not isinstance(data, dict) or not isinstance(data.get("objectives"), list):
        return data
    objectives = [
        {
            **objective,
            "key_results": [
                {k: v for k, v in kr.items() if k != "check_ins"} if isinstance(kr, dict) else kr
                for kr in objective["key_results"]
            ],
        }
        if isinstance(objective, dict) and isinstance(objective.get("key_results"), list)
        else objective
        for objective in data["objectives"]
    ]
    return {**data, "objectives": objectives}


def _objectives(path: str, data: Any) -> dict[Key, Objective]:
    return objectives_by_key(assemble.team_file(SourceFile(path, data=data)).objectives)


def history(root: Path, text: str) -> tuple[str, list[Entry]]:
    """The full reference ``text`` names and the commits that changed it, oldest first."""
    steps = list(replay(root))
    seen: dict[Key, Objective] = {}
    for step in steps:
        seen.update({k: o for k, o in step.after.items() if o is not None})
    key, kr_id = _resolve(root, text, list(seen.values()))
    ref = "/".join(key) + (f"#{kr_id}" if kr_id else "")
    state: Objective | None = None
    entries = []
    for step in steps:
        if key not in step.after:
            continue
        new = step.after[key]
        changes = _changes(ref, kr_id, state, new)
        state = new
        if changes:
            entries.append(Entry(step.commit, changes))
    return ref, entries


def _changes(
    ref: str, kr_id: str | None, old: Objective | None, new: Objective | None
) -> list[Change]:
    if kr_id is None:
        changes = compare_objectives(old, new)
        return [_created(c) for c in changes]
    old_kr = next((k for k in old.key_results if k.id == kr_id), None) if old else None
    new_kr = next((k for k in new.key_results if k.id == kr_id), None) if new else None
    return [_created(c) for c in compare_key_results(ref, old_kr, new_kr)]


def _created(change: Change) -> Change:
    if change.kind != "added":
        return change
    return Change(change.ref, change.title, "created", "created")


def _resolve(root: Path, text: str, seen: list[Objective]) -> tuple[Key, str | None]:
    ref = parse_ref(text)
    if ref is None:
        raise OkrsError(f"'{text}' is not a reference (team/objective[#key-result])")
    index = RefIndex(seen)
    current = None
    if ref.period is None:
        period = current_period(load_repository(root).model, today_utc())
        current = period.id if period else None
    found = lookup(index, text, current)
    if not found:
        raise OkrsError(f"'{text}' names no objective or key result in the history")
    if len(found) > 1:
        names = ", ".join(sorted(target.ref for target in found))
        raise OkrsError(f"'{text}' is ambiguous: {names}")
    objective = found[0].objective
    kr = found[0].key_result
    return (objective.period, objective.team, objective.id), kr.id if kr else None


def render_text(ref: str, entries: list[Entry]) -> str:
    if not entries:
        return f"{ref}: no commits changed it\n"
    lines = [f"History of {ref}:"]
    for entry in entries:
        commit = entry.commit
        lines.append(f"{commit.date[:10]}  {commit.short}  {commit.author}  {commit.subject}")
        for change in entry.changes:
            where = change.ref.removeprefix(ref)
            lines.append(f"  {where + ': ' if where else ''}{change.text}")
    return "\n".join(lines) + "\n"


def render_json(ref: str, entries: list[Entry]) -> str:
    document = {
        "ref": ref,
        "commits": [
            {
                "commit": e.commit.hash,
                "short": e.commit.short,
                "author": e.commit.author,
                "email": e.commit.email,
                "date": e.commit.date,
                "subject": e.commit.subject,
                "changes": [
                    {
                        "ref": c.ref,
                        "kind": c.kind,
                        "text": c.text,
                        "before": c.before,
                        "after": c.after,
                    }
                    for c in e.changes
                ],
            }
            for e in entries
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"text": render_text, "json": render_json}
