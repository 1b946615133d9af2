"""``okrs validate --base REV``: which diagnostics a change introduces, and which it inherits.

A diagnostic's identity is its code, its message and what it concerns: the objective or key
result (by period/team/id, as the file declares them) whose entry holds its line, or the file
itself for a line above the first objective. Lines are not part of it, so an edit above a
stale key result does not make that key result's old diagnostic look new.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from . import gitutil, revisions, snapshot
from .cache import Cache
from .diagnostics import Diagnostic
from .repository import ORG_FILE
from .tracker import SILENT, Tracker
from .validate import Loaded, Outcome, check, history_for, load_focused, outcome

Identity = tuple[str, str, str]  # code, what it concerns, message


@dataclass
class Compared:
    """The run's outcome, with each diagnostic marked new or present at the base too."""

    outcome: Outcome
    new: list[bool]  # one per diagnostic of ``outcome``
    base: str

    @property
    def only_new(self) -> Outcome:
        kept = [d for d, is_new in zip(self.outcome.diagnostics, self.new, strict=True) if is_new]
        return Outcome(kept, self.outcome.files, self.outcome.as_of, self.outcome.notices)

    def marked(self) -> Outcome:
        """The outcome with " (also at REV)" after each inherited diagnostic's text."""
        suffix = f" (also at {self.base})"
        diagnostics = [
            d if is_new else _suffixed(d, suffix)
            for d, is_new in zip(self.outcome.diagnostics, self.new, strict=True)
        ]
        return Outcome(diagnostics, self.outcome.files, self.outcome.as_of, self.outcome.notices)


def _suffixed(diagnostic: Diagnostic, suffix: str) -> Diagnostic:
    if diagnostic.hint:
        return replace(diagnostic, hint=diagnostic.hint + suffix)
    return replace(diagnostic, message=diagnostic.message + suffix)


def compare(
    root: Path,
    as_of: dt.date,
    only: Iterable[str] | None,
    base: str,
    cache: Cache | None = None,
    tracker: Tracker = SILENT,
) -> Compared:
    """Validate the working tree and ``base``; a diagnostic is new when ``base`` lacks it.

    ``base`` is validated only when the working tree has diagnostics, and its findings are
    located only where their code and message match one of those (the rest cannot match).
    ``cache`` serves the working tree's outcome and keeps the history's commit lists and
    version facts; ``tracker`` hears how far a first reading of the history has got."""
    wanted = None if only is None or ORG_FILE in set(only) else set(only)
    base_commit = gitutil.commit_of(root, base)  # an unknown revision fails before any work
    snap = snapshot.take(root, cache=cache)  # files left alone since they were hashed: not read
    if wanted is None and cache is not None:
        current, loaded = check(snap, as_of, None, cache, tracker), None
    else:
        loaded = load_focused(snap, None, None)
        history = history_for(loaded, cache, tracker=tracker)
        current = outcome(loaded, as_of, wanted, len(snap.files), history)
    if not current.diagnostics:
        return Compared(current, [], base)
    loaded = loaded or load_focused(snap, None, None)
    matching = {(d.code, d.message) for d in current.diagnostics}
    base_snap = revisions.snapshot_at(root, base)
    base_loaded = load_focused(base_snap, None, None)
    base_history = history_for(base_loaded, cache, base_commit, tracker=tracker)
    before = outcome(
        base_loaded, as_of, None, len(base_snap.files), base_history,
        keep=lambda finding: (finding.code, finding.message) in matching,
    )  # fmt: skip
    inherited = Counter(_identities(base_loaded, before.diagnostics))
    new = []
    for identity in _identities(loaded, current.diagnostics):
        new.append(inherited[identity] == 0)
        inherited[identity] -= 1
    return Compared(current, new, base)


def _identities(loaded: Loaded, diagnostics: list[Diagnostic]) -> list[Identity]:
    owners = _Owners(loaded)
    return [(d.code, owners.at(d.path, d.line), d.message) for d in diagnostics]


class _Owners:
    """For a line of a file, the objective or key result whose entry holds it; a file's entries
    are located only when a diagnostic asks about it."""

    def __init__(self, loaded: Loaded) -> None:
        self._positions = loaded.positions
        self._files = {file.path: file for file in loaded.model.files}
        self._starts: dict[str, tuple[list[int], list[str]]] = {}

    def at(self, path: str, line: int) -> str:
        if path not in self._starts:
            self._starts[path] = self._entries(path)
        lines, refs = self._starts[path]
        index = bisect.bisect_right(lines, line) - 1
        if index >= 0:
            return refs[index]
        file = self._files.get(path)
        return "file " + (f"{file.period}/{file.team}" if file else path)

    def _entries(self, path: str) -> tuple[list[int], list[str]]:
        file = self._files.get(path)
        entries = []
        for objective in file.objectives if file else []:
            entries.append((self._positions.locate(objective.where)[0], objective.ref))
            entries.extend(
                (self._positions.locate(kr.where)[0], f"{objective.ref}#{kr.id}")
                for kr in objective.key_results
            )
        entries.sort()
        return [line for line, _ in entries], [ref for _, ref in entries]
