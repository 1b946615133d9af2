"""The OKR files as they were at a git revision, read into the same Snapshot the working tree
gives, so every part of the pipeline (loading, rules, comparisons) works on either."""

from __future__ import annotations

from pathlib import Path

from . import assemble, gitutil
from .diagnostics import Finding, Where
from .loader import SourceFile
from .repository import OKRS_DIR, ORG_FILE
from .snapshot import RawFile, Snapshot

_SUFFIXES = (".yaml", ".yml")


def snapshot_at(root: Path, rev: str) -> Snapshot:
    """Every OKR file at ``rev``, read with one ``git cat-file --batch`` process."""
    commit = gitutil.commit_of(root, rev)
    blobs = gitutil.tree_blobs(root, commit, OKRS_DIR + "/")
    paths = sorted(path for path in blobs if path.endswith(_SUFFIXES) and path != ORG_FILE)
    wanted = [path for path in [ORG_FILE, *paths] if path in blobs]
    contents = dict(zip(wanted, gitutil.blobs(root, [blobs[p] for p in wanted]), strict=True))
    org_raw = RawFile(ORG_FILE, contents[ORG_FILE] if ORG_FILE in contents else _missing(rev))
    teams = [RawFile(path, contents[path]) for path in paths]
    org_source = org_raw.parse()
    org = assemble.organization(org_source) if org_source.ok else None
    return Snapshot(root, org_source, org, [org_raw, *teams])


def _missing(rev: str) -> SourceFile:
    finding = Finding("OKR001", Where(ORG_FILE), f"no {ORG_FILE} at {rev}", line=1, column=1)
    return SourceFile(ORG_FILE, error=finding)
