"""Where the files shipped with the toolkit live: inside the wheel, or beside a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """A data folder (``schema``, ``site_templates``) the wheel places inside the package.

    An editable install runs from the source tree, where the folder sits at the repository
    root (the layout the contract gives), so that copy is used instead.
    """
    packaged = _PACKAGE / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name
