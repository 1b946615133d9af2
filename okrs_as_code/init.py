"""A new OKR repository from the starter files: valid from its first commit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from string import Template

from . import __version__
from .errors import OkrsError
from .schema import SCHEMA_FILES, schema_text

_STARTER = Path(__file__).resolve().parent / "starter"


def _quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def plan(name: str, owner: str, as_of: dt.date) -> dict[str, str]:
    """The files of a new repository, by relative path."""
    period = _quarter(as_of)
    values = {
        "name": name,
        "owner": owner,
        "period": period,
        "today": as_of.isoformat(),
        "version": __version__,
    }

    def starter(file: str) -> str:
        return Template((_STARTER / file).read_text(encoding="utf-8")).substitute(values)

    files = {
        "okrs/org.yaml": starter("org.yaml"),
        f"okrs/{period}/company.yaml": starter("company.yaml"),
        f"okrs/{period}/product.yaml": starter("product.yaml"),
        ".pre-commit-config.yaml": starter("pre-commit-config.yaml"),
        ".gitignore": starter("gitignore"),
    }
    files.update({f"schema/{file}": schema_text(kind) for kind, file in SCHEMA_FILES.items()})
    return files


def init(directory: Path, name: str, owner: str, as_of: dt.date) -> list[str]:
    """Write the starter repository into ``directory``; refuse if any of its files exists."""
    files = plan(name, owner, as_of)
    existing = sorted(path for path in files if (directory / path).exists())
    if existing:
        raise OkrsError(f"{directory}: would overwrite {', '.join(existing)}; nothing written")
    for path, text in files.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return sorted(files)
