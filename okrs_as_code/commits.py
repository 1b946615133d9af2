"""The first-parent list of commits that changed the OKR files, kept per commit it ends at.

Listing them walks the whole history (``git log`` over 20,000 commits takes seconds), so the
list is kept in the cache with the commit it ends at. A later run at a descendant on the same
first-parent line lists only the commits made since and appends them, and one at an ancestor on
that line (``--base``) drops the commits after it; any other commit (a rebase, another branch)
lists them all again. Commit hashes name their whole history, so a kept
list is never stale.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import gitutil
from .cache import Cache
from .repository import OKRS_DIR

_KEPT = 4  # lists kept: the branch, its base and a few more, for --base and branch switches


def listed(root: Path, cache: Cache | None, rev: str = "HEAD") -> list[gitutil.Commit]:
    """Every commit up to ``rev`` that changed ``okrs/``, oldest first (see gitutil.log)."""
    if cache is None:
        return gitutil.log(root, OKRS_DIR + "/", rev)
    head = gitutil.commit_of(root, rev)
    base = gitutil.prefix(root)
    kept = {
        entry["head"]: entry
        for entry in cache.commit_lists()
        if isinstance(entry, dict) and entry.get("prefix") == base
    }
    try:
        if head in kept:
            return _unpacked(kept[head])
        commits = _extended(root, head, kept)
    except (TypeError, ValueError, KeyError):  # a damaged cache only costs time
        kept, commits = {}, None
    if commits is None:
        commits = gitutil.log(root, OKRS_DIR + "/", head)
    entry = {"head": head, "prefix": base, "commits": [packed(c) for c in commits]}
    others = [e for e in kept.values() if e["head"] != head][-(_KEPT - 1) :]
    cache.store_commit_lists([*others, entry])
    return commits


def _extended(root: Path, head: str, kept: dict[str, Any]) -> list[gitutil.Commit] | None:
    """The list at ``head`` from a kept list of a commit on the same first-parent line: the
    kept list with the commits made since appended, or cut back to ``head``."""
    for old, entry in reversed(kept.items()):
        since = _line(root, old, head)
        if since is not None:
            return _unpacked(entry) + gitutil.log(root, OKRS_DIR + "/", f"{old}..{head}")
        undone = _line(root, head, old)
        if undone is not None:
            return [c for c in _unpacked(entry) if c.hash not in undone]
    return None


def _line(root: Path, old: str, new: str) -> set[str] | None:
    """The commits after ``old`` on ``new``'s first-parent line, or None when ``old`` is not
    on it."""
    listing = gitutil.git(root, "rev-list", "--first-parent", "--parents", f"{old}..{new}")
    lines = listing.split("\n")[:-1]
    if not lines or lines[-1].split()[1:2] != [old]:
        return None
    return {line.split()[0] for line in lines}


def packed(commit: gitutil.Commit) -> tuple[Any, ...]:
    """A commit as plain data, for the cache."""
    return (
        commit.hash,
        commit.short,
        commit.author,
        commit.email,
        commit.date,
        commit.subject,
        commit.changes,
    )


def _unpacked(entry: dict[str, Any]) -> list[gitutil.Commit]:
    return [unpacked(item) for item in entry["commits"]]


def unpacked(item: Any) -> gitutil.Commit:
    """A commit from :func:`packed`'s plain data."""
    full, short, author, email, date, subject, changes = item
    return gitutil.Commit(full, short, author, email, date, subject, dict(changes))
