"""Every committed version of every objective, for the rules that judge changes made after a
period started (OKR401, OKR402) and for the site's "last changed by" and commit history.

The versions come from :func:`history.replay` (one ``git log`` pass, one ``git cat-file``
process, the cache for commits already seen). Without history (not a git repository, a shallow
clone) :func:`read` returns the one-line notice to show instead, never a diagnostic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import gitutil
from .cache import Cache
from .changes import Change, Key, compare_objectives
from .errors import OkrsError
from .model import Objective
from .nogc import without_gc
from .tracker import SILENT, Tracker

if TYPE_CHECKING:
    from .history import Steps


@dataclass(frozen=True)
class Version:
    """An objective as one commit left it (None: that commit removed it)."""

    commit: gitutil.Commit
    objective: Objective | None

    @property
    def day(self) -> dt.date:
        """The commit's date, as its author's clock read it."""
        return dt.date.fromisoformat(self.commit.date[:10])


class Timeline:
    """Committed versions of each objective, oldest first, by (period, team, id).

    The versions are made from the replay's steps when first looked at: the history rules
    run beside the other rules (see ``validate``), and making them is most of their time.
    """

    def __init__(self, steps: Steps | None = None) -> None:
        self._steps = steps
        self._versions: dict[Key, list[Version]] = {}

    @property
    def versions(self) -> dict[Key, list[Version]]:
        if self._steps is not None:
            with without_gc():
                for step in self._steps:
                    for key, objective in step.after.items():
                        self._versions.setdefault(key, []).append(Version(step.commit, objective))
            self._steps = None
        return self._versions

    def of_owners(self, owners: frozenset[tuple[str, str]]) -> Timeline:
        """The timeline of the objectives of these (period, team) pairs alone, made sooner
        (a process checking some files needs the versions of their objectives alone)."""
        if self._steps is None:
            return self
        return Timeline(self._steps.of_owners(owners))

    @property
    def to_make(self) -> int:
        """How many commits' versions are still to be made."""
        return len(self._steps) if self._steps is not None else 0

    def of(self, objective: Objective) -> list[Version]:
        return self.versions.get((objective.period, objective.team, objective.id), [])


@dataclass(frozen=True)
class Entry:
    """One commit's changes to one objective and its key results, in words."""

    commit: gitutil.Commit
    changes: list[Change]


def read(
    root: Path,
    cache: Cache | None = None,
    rev: str = "HEAD",
    check_ins: bool = True,
    paths: list[str] | None = None,
    tracker: Tracker = SILENT,
) -> Timeline | str:
    """The timeline of the repository at ``root`` up to ``rev``, or why there is none.

    Without ``check_ins`` the versions leave them out (the history rules never read them);
    ``paths`` limits it to the commits that changed those files; ``tracker`` hears how far
    the reading of file versions has got.
    """
    try:
        gitutil.prefix(root)
    except OkrsError:
        return "not a git repository"
    if gitutil.is_shallow(root):
        return "a shallow clone (fetch the full history: git fetch --unshallow)"
    if rev == "HEAD" and not gitutil.has_commits(root):
        return Timeline()
    # Imported here: history imports validate, which imports this lazily, and a run with no
    # history to read need not pay for importing its readers.
    from .history import replay

    with without_gc():
        steps = replay(root, cache, rev, check_ins, paths, tracker)
    return Timeline(steps)


def entries(versions: list[Version]) -> list[Entry]:
    """What each commit changed in the objective, oldest first (no-change commits left out)."""
    found = []
    state: Objective | None = None
    for version in versions:
        changes = compare_objectives(state, version.objective)
        state = version.objective
        if changes:
            found.append(Entry(version.commit, [_created(c) for c in changes]))
    return found


def _created(change: Change) -> Change:
    if change.kind != "added":
        return change
    return Change(change.ref, change.title, "created", "created")
