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
        for name in [*files, *dirs]:
            if name.endswith(_SUFFIXES):
                relative = Path(folder, name).relative_to(root).as_posix()
                if relative != ORG_FILE:
                    found.append(relative)
    return sorted(found)
