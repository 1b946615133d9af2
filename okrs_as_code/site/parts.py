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
import functools
from typing import Any

from ..cache import Cache
from ..export import Pieces, compact_json, pieces, statuses
from ..model import Objective
from ..status import ObjectiveStatus, figures
from ..validate import Loaded

ByFile = dict[str, dict[int, Any]]  # path -> the objective's index in its file -> its part


class Parts:
    """One build's view of the parts in the cache: each kind read once, when first needed,
    and only for the files whose digest is the one they were worked out from."""

    def __init__(self, cache: Cache | None, context: str, digests: dict[str, str]) -> None:
        self.cache = cache
        self.context = context
        self.digests = digests

    @functools.cached_property
    def figures(self) -> ByFile:
        """Each unchanged file's objectives' :func:`status.figures`."""
        return self._kept("figures")

    @functools.cached_property
    def json(self) -> ByFile:
        """Each unchanged file's objectives' :data:`export.Pieces`."""
        return self._kept("okrs-json")

    def statuses(self, loaded: Loaded, as_of: dt.date) -> list[ObjectiveStatus]:
        """Every objective's status, as :func:`export.statuses` gives them, from the figures
        kept where there are some; the cache learns the others'."""
        kept = self.figures
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
        fresh: ByFile = {}
        for status in found:
            if id(status.objective) not in known:
                where = fresh.setdefault(status.objective.where.file, {})
                where[_index(status.objective)] = figures(status)
        self._store("figures", kept, fresh)
        return found

    def okrs_json(self, loaded: Loaded, as_of: dt.date, known: list[ObjectiveStatus]) -> str:
        """The site's compact ``okrs.json``, each objective's own text from the pieces kept
        where there are some; the cache learns the others'."""
        kept = self.json
        org = loaded.model.org
        fresh: ByFile = {}

        def pieces_of(status: ObjectiveStatus) -> Pieces:
            path, index = status.objective.where.file, _index(status.objective)
            found = kept.get(path, {}).get(index)
            if not (isinstance(found, tuple) and len(found) == 4):
                found = fresh.setdefault(path, {})[index] = pieces(org, status)
            return found

        text = compact_json(loaded, as_of, known, pieces_of)
        self._store("okrs-json", kept, fresh)
        return text

    def _kept(self, name: str) -> ByFile:
        stored = self.cache.file_parts(name) if self.cache is not None else {}
        files = stored.get("files") if stored.get("context") == self.context else None
        if not isinstance(files, dict):
            return {}
        return {
            path: parts
            for path, entry in files.items()
            if isinstance(entry, tuple)
            and len(entry) == 2
            and entry[0] == self.digests.get(path)
            and isinstance(parts := entry[1], dict)
        }

    def _store(self, name: str, kept: ByFile, fresh: ByFile) -> None:
        if self.cache is None or not fresh:
            return
        digests = self.digests
        files = {path: (digests[path], parts) for path, parts in kept.items() if path in digests}
        for path, parts in fresh.items():
            files[path] = (digests[path], {**kept.get(path, {}), **parts})
        self.cache.store_file_parts(name, {"context": self.context, "files": files})


def _index(objective: Objective) -> int:
    index = objective.where.pointer[1]
    assert isinstance(index, int)  # ("objectives", index), as assembled
    return index
