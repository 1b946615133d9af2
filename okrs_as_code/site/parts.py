"""What each team file alone decides on the site, kept in the cache by the file's digest.

An objective's status (its own progress, each key result's figures and flags) and its text in
``okrs.json``, but for what the alignment graph adds (parent, children, supporters, cascade
progress), depend only on its own file, org.yaml, the as-of date and the toolkit: the
*context* a build passes. A build after an edit works them out again for the files whose
digest changed, and the other files' check-ins are not gone through for them. A cache that
does not hold what is expected only costs the time of working them out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..cache import Cache
from ..export import Pieces, compact_json, pieces, statuses
from ..model import Objective
from ..status import ObjectiveStatus, figures
from ..validate import Loaded

_FIGURES = "figures"
_JSON = "okrs-json"

ByFile = dict[str, dict[int, Any]]  # path -> the objective's index in its file -> its part


def site_statuses(
    loaded: Loaded, as_of: dt.date, cache: Cache | None, context: str, digests: dict[str, str]
) -> list[ObjectiveStatus]:
    """Every objective's status, as :func:`export.statuses` gives them, each file's figures
    taken from the cache when its digest is the one they were worked out from."""
    kept = _kept(cache, _FIGURES, context, digests)
    known = {
        id(o): found
        for file in loaded.model.files
        for o in file.objectives
        if (found := kept.get(file.path, {}).get(_index(o))) is not None
    }
    try:
        found = statuses(loaded, as_of, known)
    except (TypeError, ValueError, IndexError):  # figures of another shape: work them out
        known, found = {}, statuses(loaded, as_of)
    if cache is not None and len(known) < len(found):
        fresh: ByFile = {}
        for status in found:
            if id(status.objective) not in known:
                fresh.setdefault(status.objective.where.file, {})[_index(status.objective)] = (
                    figures(status)
                )
        _store(cache, _FIGURES, context, digests, kept, fresh)
    return found


def okrs_json(
    loaded: Loaded,
    as_of: dt.date,
    known: list[ObjectiveStatus],
    cache: Cache | None,
    context: str,
    digests: dict[str, str],
) -> str:
    """The site's compact ``okrs.json``, each objective's own text taken from the cache when
    its file's digest is the one it was written from."""
    kept = _kept(cache, _JSON, context, digests)
    org = loaded.model.org
    fresh: ByFile = {}

    def pieces_of(status: ObjectiveStatus) -> Pieces:
        path, index = status.objective.where.file, _index(status.objective)
        found = kept.get(path, {}).get(index)
        if not (isinstance(found, tuple) and len(found) == 4):
            found = fresh.setdefault(path, {})[index] = pieces(org, status)
        return found

    text = compact_json(loaded, as_of, known, pieces_of)
    if cache is not None and fresh:
        _store(cache, _JSON, context, digests, kept, fresh)
    return text


def kept_for(cache: Cache, context: str) -> bool:
    """Whether the cache holds figures worked out in this context (of some files at least)."""
    return bool(cache.file_parts(_FIGURES).get("context") == context)


def _index(objective: Objective) -> int:
    index = objective.where.pointer[1]
    assert isinstance(index, int)  # ("objectives", index), as assembled
    return index


def _kept(cache: Cache | None, name: str, context: str, digests: dict[str, str]) -> ByFile:
    """The parts the cache holds for this context, of the files whose digest is unchanged."""
    stored = cache.file_parts(name) if cache is not None else {}
    files = stored.get("files") if stored.get("context") == context else None
    if not isinstance(files, dict):
        return {}
    return {
        path: parts
        for path, entry in files.items()
        if isinstance(entry, tuple)
        and len(entry) == 2
        and entry[0] == digests.get(path)
        and isinstance(parts := entry[1], dict)
    }


def _store(
    cache: Cache, name: str, context: str, digests: dict[str, str], kept: ByFile, fresh: ByFile
) -> None:
    files = {path: (digests[path], parts) for path, parts in kept.items() if path in digests}
    for path, parts in fresh.items():
        files[path] = (digests[path], {**kept.get(path, {}), **parts})
    cache.store_file_parts(name, {"context": context, "files": files})
