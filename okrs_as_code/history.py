"""``okrs history``: the timeline of one objective or key result, read from git.

One ``git log`` pass lists the commits that touched ``okrs/`` with the files each changed, and
one ``git cat-file --batch`` process reads those file versions. Replaying the commits oldest
first keeps the objectives of every file; each commit's change to the named objective is then
described by :mod:`changes`. Identity follows the IDs inside the files, never paths or lines.

The replay is a pure function of the first-parent history. The named objective is found in
what each version commits to (:mod:`versions`: most versions only add check-ins and need no
full parse), and only the versions holding it are then read whole. With a cache, the commit
list (:mod:`commits`) and each version's commitments (by blob hash) are kept, so a second run
reads only the commits made since.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import assemble, commits, gitutil, versions
from .cache import Cache
from .changes import Change, Key, compare_key_results, compare_objectives, objectives_by_key
from .dates import today_utc
from .errors import OkrsError
from .graph import current_period
from .loader import SourceFile, parse_bytes
from .model import Objective
from .nogc import without_gc
from .refs import RefIndex, lookup, parse_ref
from .repository import OKRS_DIR, ORG_FILE
from .timeline import Entry
from .tracker import SILENT, Tracker
from .validate import load_repository


@dataclass(frozen=True)
class Step:
    """One commit and what it changed in the objectives of the files it touched."""

    commit: gitutil.Commit
    before: dict[Key, Objective | None]
    after: dict[Key, Objective | None]


def replay(
    root: Path,
    cache: Cache | None = None,
    rev: str = "HEAD",
    check_ins: bool = True,
    paths: list[str] | None = None,
    tracker: Tracker = SILENT,
) -> Steps:
    """Every commit up to ``rev`` touching the OKR files, oldest first, with the objectives it
    changed: the commits and their file versions are read now, the objectives assembled as the
    steps are taken. Without ``check_ins`` the versions leave them out: the rules about
    commitments never look at them, most versions differ from the one before only in them, and
    ``cache`` keeps what each version commits to. ``paths`` limits the replay to the commits
    that changed those files (a pre-commit run reports on those files alone). ``tracker`` hears
    of every file version read.
    """
    listed = _listed(root, cache, rev, paths)
    touched = [[p for p in commit.changes if team_file(p)] for commit in listed]
    read = _read_facts if not check_ins else _read_full
    wanted = [(p, c.changes[p]) for c, ps in zip(listed, touched, strict=True) for p in ps]
    return Steps(listed, touched, read(root, wanted, cache, tracker))


@dataclass(frozen=True)
class Steps:
    """Each commit of ``listed`` with the objectives of the files it ``touched``, assembled
    from the ``contents`` of their versions (by blob) as the replay reaches them; with
    ``owners``, only the objectives of those (period, team) pairs (see :meth:`of_owners`)."""

    listed: list[gitutil.Commit]
    touched: list[list[str]]
    contents: dict[str, Any]
    owners: frozenset[tuple[str, str]] | None = None

    def of_owners(self, owners: frozenset[tuple[str, str]]) -> Steps:
        """The steps with only the objectives of these (period, team) pairs. Every objective
        of a file version has its file's pair, so their versions are exactly as before, and
        the versions of files of other pairs need not be assembled."""
        return replace(self, owners=owners)

    def __len__(self) -> int:
        return len(self.listed)

    def __iter__(self) -> Iterator[Step]:
        listed, touched, contents = self.listed, self.touched, self.contents
        assembled: dict[tuple[str, int], dict[Key, Objective]] = {}
        reuse: assemble.Reuse = {}  # the versions' objects share what their data shares
        by_file: dict[str, dict[Key, Objective]] = {}
        for commit, paths_touched in zip(listed, touched, strict=True):
            old = [o for p in paths_touched for o in by_file.pop(p, {}).values()]
            for path in paths_touched:
                blob = commit.changes[path]
                data = contents.get(blob) if blob is not None else None
                if data is None:
                    continue
                key = (path, id(data))  # versions that commit to the same share their data
                if key not in assembled:
                    wanted = self.owners is None or assemble.owner(data) in self.owners
                    assembled[key] = _objectives(path, data, reuse) if wanted else {}
                by_file[path] = assembled[key]
            new = [o for p in paths_touched for o in by_file.get(p, {}).values()]
            before, after = objectives_by_key(old), objectives_by_key(new)
            keys = before.keys() | after.keys()
            yield Step(commit, {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys})


def team_file(path: str) -> bool:
    """Whether a path of the history listing is a team file (a YAML file other than org.yaml)."""
    return path != ORG_FILE and path.endswith((".yaml", ".yml"))


def _listed(
    root: Path, cache: Cache | None, rev: str, paths: list[str] | None
) -> list[gitutil.Commit]:
    """The commits to replay: all that changed ``okrs/``, or those that changed ``paths``."""
    if paths is not None and not all(_plain_path(p) for p in paths):
        return gitutil.log(root, paths, rev)  # git knows what a pathspec with magic matches
    listed = commits.listed(root, cache, rev)
    if paths is None:
        return listed
    found = []
    for commit in listed:
        changes = {p: b for p, b in commit.changes.items() if any(_under(p, q) for q in paths)}
        if changes:
            found.append(replace(commit, changes=changes))
    return found


def _plain_path(path: str) -> bool:
    """A path inside ``okrs/`` that git matches as itself or as a folder (no glob, no magic)."""
    return path.startswith(OKRS_DIR + "/") and not any(c in path for c in "*?[]:\\")


def _under(path: str, spec: str) -> bool:
    return path == spec or path.startswith(spec.rstrip("/") + "/")


def _read_facts(
    root: Path, wanted: list[tuple[str, str | None]], cache: Cache | None, tracker: Tracker
) -> dict[str, Any]:
    """What each file version commits to, by blob: from the cache, or read from git."""
    known = cache.version_facts() if cache is not None else {}
    learned = versions.learn(root, wanted, known, tracker)
    if not learned:
        return known
    if cache is not None:
        cache.store_version_facts({**known, **learned})
    return {**known, **learned}


def _read_full(
    root: Path, wanted: list[tuple[str, str | None]], cache: Cache | None, tracker: Tracker
) -> dict[str, Any]:
    """Every file version's data, check-ins and all, by blob (see ``versions``: most versions
    are the one before with check-ins added, and share its data)."""
    return versions.learn(root, wanted, {}, tracker, whole=True)


def _objectives(path: str, data: Any, reuse: assemble.Reuse | None = None) -> dict[Key, Objective]:
    return objectives_by_key(assemble.team_file(SourceFile(path, data=data), reuse).objectives)


def history(
    root: Path, text: str, cache: Cache | None = None, tracker: Tracker = SILENT
) -> tuple[str, list[Entry]]:
    """The full reference ``text`` names and the commits that changed it, oldest first.

    The reference is resolved against what every version commits to (no check-ins needed);
    only the versions of the files holding the objective are then read whole. The answer is a
    function of the commit checked out and ``text`` (unless the current period had to settle
    an ambiguity), so the cache keeps it by both.
    """
    head = gitutil.head(root) if cache is not None else ""
    if cache is not None and head:
        with contextlib.suppress(TypeError, ValueError):  # a damaged answer only costs time
            stored = cache.history_answer(f"{head}\0{text}")
            if stored is not None:
                return _unpacked(stored)
    with without_gc():
        ref, entries, settled_by_today = _history(root, text, cache, tracker)
    if cache is not None and head and not settled_by_today:
        cache.store_history_answer(f"{head}\0{text}", _packed(ref, entries))
    return ref, entries


def _history(
    root: Path, text: str, cache: Cache | None, tracker: Tracker
) -> tuple[str, list[Entry], bool]:
    steps = list(replay(root, cache, check_ins=False, tracker=tracker))
    seen: dict[Key, Objective] = {}
    for step in steps:
        seen.update({k: o for k, o in step.after.items() if o is not None})
    key, kr_id, settled_by_today = _resolve(root, text, list(seen.values()))
    ref = "/".join(key) + (f"#{kr_id}" if kr_id else "")
    whole = _whole(root, [s for s in steps if s.after.get(key) is not None], key)
    state: Objective | None = None
    entries = []
    for step in steps:
        if key not in step.after:
            continue
        new = whole.get(step.commit.hash) if step.after[key] is not None else None
        changes = _changes(ref, kr_id, state, new)
        state = new
        if changes:
            entries.append(Entry(step.commit, changes))
    return ref, entries, settled_by_today


def _packed(ref: str, entries: list[Entry]) -> Any:
    return ref, [
        (
            commits.packed(entry.commit),
            [(c.ref, c.title, c.kind, c.text, c.before, c.after) for c in entry.changes],
        )
        for entry in entries
    ]


def _unpacked(stored: Any) -> tuple[str, list[Entry]]:
    ref, entries = stored
    return str(ref), [
        Entry(commits.unpacked(commit), [Change(*change) for change in changes])
        for commit, changes in entries
    ]


def _whole(root: Path, steps: list[Step], key: Key) -> dict[str, Objective]:
    """The objective ``key`` with its check-ins, as each of ``steps`` left it, by commit: the
    version of the file its step took it from (its ``where``) is read whole."""
    holding: list[tuple[str, str, str]] = []  # commit, path, blob
    for step in steps:
        objective = step.after[key]
        assert objective is not None
        blob = step.commit.changes[objective.where.file]
        assert blob is not None
        holding.append((step.commit.hash, objective.where.file, blob))
    blobs = list(dict.fromkeys(blob for _, _, blob in holding))
    contents = dict(zip(blobs, gitutil.blobs(root, blobs), strict=True))
    found: dict[str, Objective] = {}
    for commit, path, blob in holding:
        source = parse_bytes(path, contents[blob])
        objective = _objectives(path, source.data).get(key) if source.ok else None
        if objective is not None:
            found[commit] = objective
    return found


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


def _resolve(root: Path, text: str, seen: list[Objective]) -> tuple[Key, str | None, bool]:
    """The objective and key result ``text`` names, and whether the current period (which
    depends on today and the working tree) settled it."""
    ref = parse_ref(text)
    if ref is None:
        raise OkrsError(f"'{text}' is not a reference (team/objective[#key-result])")
    index = RefIndex(seen)
    found = lookup(index, text, None)
    settled_by_today = ref.period is None and len(found) > 1
    if settled_by_today:
        # Only a reference matching in several periods needs the current one, which takes
        # reading the whole working tree.
        period = current_period(load_repository(root).model, today_utc())
        found = lookup(index, text, period.id if period else None)
    if not found:
        raise OkrsError(f"'{text}' names no objective or key result in the history")
    if len(found) > 1:
        names = ", ".join(sorted(target.ref for target in found))
        raise OkrsError(f"'{text}' is ambiguous: {names}")
    objective = found[0].objective
    kr = found[0].key_result
    key = (objective.period, objective.team, objective.id)
    return key, kr.id if kr else None, settled_by_today


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
