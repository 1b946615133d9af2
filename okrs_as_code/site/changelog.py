"""Each objective's commits in words, as its page shows them ("last changed", the history list).

The words come from the timeline: every committed version of every objective, read whole. An
objective's words depend only on the versions of the file holding it, so the cache keeps them
by file, with a digest of that file's versions (each commit that changed it and the blob it
left). A build after new commits then reads only the files those commits changed, and takes
every other file's words from the cache; the publish workflow keeps the cache from one merge
to the next. An objective found in two files over the history (a file renamed, a duplicate) is
worked out from the versions of both, so when the files to read share an objective with a file
taken from the cache, the whole history is read.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .. import commits, gitutil
from ..cache import Cache
from ..changes import Change, Key
from ..errors import OkrsError
from ..history import team_file
from ..timeline import Timeline, Version, entries
from ..timeline import read as read_timeline
from ..tracker import SILENT, Tracker

Line = tuple[str, str, str, str]  # author, day, short commit hash, what it changed
# Newest first, and each key result's last change by its id.
Record = tuple[list[Line], dict[str, Line]]
Words = dict[Key, Record]
Kept = tuple[str, dict[Key, Record]]  # a file's words in the cache, with its versions' digest


@dataclass
class Told:
    """Every objective's words, and the timeline when it was read whole (the history rules
    then use it too; otherwise they read their own, which the cache makes cheap)."""

    words: Words
    timeline: Timeline | None


def read(root: Path, cache: Cache | None, tracker: Tracker = SILENT) -> Told | str:
    """Every objective's words at the commit checked out, or why there is no history."""
    chains = _chains(root, cache) if cache is not None else None
    if cache is None or chains is None:
        return _whole(root, cache, chains, tracker)
    kept = cache.site_history()
    fresh = {path: kept[path] for path, digest in chains.items() if _same(kept.get(path), digest)}
    stale = sorted(chains.keys() - fresh.keys())
    if not fresh or len(stale) > len(chains) // 2:
        return _whole(root, cache, chains, tracker)
    found = read_timeline(root, cache, paths=stale, tracker=tracker) if stale else Timeline()
    if isinstance(found, str):
        return found
    words = {key: record for _, held in fresh.values() for key, record in held.items()}
    if words.keys() & found.versions.keys():
        return _whole(root, cache, chains, tracker)
    mine = _words(found)
    _store(cache, {path: chains[path] for path in stale}, found, mine, fresh)
    return Told({**words, **mine}, None)


def _whole(
    root: Path, cache: Cache | None, chains: dict[str, str] | None, tracker: Tracker
) -> Told | str:
    found = read_timeline(root, cache, tracker=tracker)
    if isinstance(found, str):
        return found
    words = _words(found)
    if cache is not None and chains is not None:
        _store(cache, chains, found, words, {})
    return Told(words, found)


def _chains(root: Path, cache: Cache | None) -> dict[str, str] | None:
    """A digest of each team file's versions (the commits that changed it and the blobs they
    left), or None when there is no history to list."""
    try:
        if gitutil.is_shallow(root) or not gitutil.has_commits(root):
            return None
        listed = commits.listed(root, cache)
    except OkrsError:
        return None
    digests: dict[str, hashlib.blake2b] = defaultdict(lambda: hashlib.blake2b(digest_size=16))
    for commit in listed:
        for path, blob in commit.changes.items():
            if team_file(path):
                digests[path].update(f"{commit.hash}\0{blob}\0".encode())
    return {path: digest.hexdigest() for path, digest in digests.items()}


def _same(kept: object, digest: str) -> bool:
    return (
        isinstance(kept, tuple)
        and len(kept) == 2
        and kept[0] == digest
        and isinstance(kept[1], dict)
    )


def _store(
    cache: Cache, read: dict[str, str], found: Timeline, words: Words, kept: dict[str, Kept]
) -> None:
    """Keep the ``words`` of every objective ``found`` holds, by each file that held it, for
    each file ``read`` (by the digest of its versions), and the ``kept`` files' as they were."""
    by_file: dict[str, dict[Key, Record]] = defaultdict(dict)
    for key, versions in found.versions.items():
        for path in {v.objective.where.file for v in versions if v.objective is not None}:
            by_file[path][key] = words[key]
    stored = {path: (digest, by_file.get(path, {})) for path, digest in read.items()}
    cache.store_site_history({**kept, **stored})


def _words(found: Timeline) -> Words:
    return {key: _record(key, versions) for key, versions in found.versions.items()}


def _record(key: Key, versions: list[Version]) -> Record:
    """The objective's commits, newest first, and each key result's last change."""
    ref = "/".join(key)
    history: list[Line] = []
    last: dict[str, Line] = {}
    for entry in entries(versions):
        commit = entry.commit
        created = any(c.kind == "created" and c.ref == ref for c in entry.changes)
        said = ["created"] if created else [_said(ref, c) for c in entry.changes]
        history.append((commit.author, commit.date[:10], commit.short, "; ".join(said)))
        for kr_id in dict.fromkeys(c.ref.partition("#")[2] for c in entry.changes):
            mine = [c.text for c in entry.changes if c.ref == f"{ref}#{kr_id}"]
            if kr_id and mine:
                last[kr_id] = (commit.author, commit.date[:10], commit.short, "; ".join(mine))
    return history[::-1], last


def _said(ref: str, change: Change) -> str:
    kr_id = change.ref.removeprefix(ref).removeprefix("#")
    return f"{kr_id}: {change.text}" if kr_id else change.text
