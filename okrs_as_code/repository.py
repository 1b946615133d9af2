"""Finding the OKR repository and its files."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import OkrsError

OKRS_DIR = "okrs"
ORG_FILE = "okrs/org.yaml"
_SUFFIXES = (".yaml", ".yml")


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding ``okrs/org.yaml``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ORG_FILE).exists():
            return folder
    raise OkrsError(f"no {ORG_FILE} found in {start} or any parent folder (use --root DIR)")


def team_file_paths(root: Path) -> list[str]:
    """Every YAML file under ``okrs/`` but org.yaml, as sorted repository-relative paths.

    Symbolic links to folders are not followed, so a link cannot pull files from outside the
    repository into the model; linked files are listed and the loader judges them.
    """
    found = []
    for folder, dirs, files in os.walk(root / OKRS_DIR):
        dirs.sort()
        # Made relative once a folder, not once a file: a large folder holds thousands.
        inside = Path(folder).relative_to(root).as_posix()
        for name in [*files, *dirs]:
            if name.endswith(_SUFFIXES):
                relative = f"{inside}/{name}"
                if relative != ORG_FILE:
                    found.append(relative)
    return sorted(found)


def period_folders(root: Path) -> dict[str, list[str]]:
    """The folders directly under ``okrs/`` that hold team files, each with its files' names:
    where ``okrs/<period>/<team>.yaml`` puts a period's files, without reading any of them."""
    found: dict[str, list[str]] = {}
    with os.scandir(root / OKRS_DIR) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                with os.scandir(entry.path) as inner:
                    names = sorted(e.name for e in inner if e.name.endswith(_SUFFIXES))
                if names:
                    found[entry.name] = names
    return found
