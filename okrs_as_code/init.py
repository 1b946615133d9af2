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


CI_SYSTEMS = ("github", "gitlab")

# CI files are shipped as they are written, valid workflows in their own right; the one thing
# filled in is the toolkit's version, so a repository's checks do not change under it.
_CI_FILES = {
    "github": {
        ".github/workflows/validate.yml": "github/validate.yml",
        ".github/workflows/publish.yml": "github/publish.yml",
        ".github/workflows/weekly.yml": "github/weekly.yml",
    },
    "gitlab": {".gitlab-ci.yml": "gitlab-ci.yml"},
}
VERSION_MARK = "__version__"


def ci_file(file: str) -> str:
    """A packaged CI or pre-commit file with the toolkit's version filled in."""
    return (_STARTER / file).read_text(encoding="utf-8").replace(VERSION_MARK, __version__)


def plan(name: str, owner: str, as_of: dt.date, ci: str = "github") -> dict[str, str]:
    """The files of a new repository, by relative path."""
    if ci not in _CI_FILES:
        raise OkrsError(f"unknown CI system {ci!r}: choose one of {', '.join(CI_SYSTEMS)}")
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
        ".pre-commit-config.yaml": ci_file("pre-commit-config.yaml"),
        ".gitignore": starter("gitignore"),
    }
    files.update({path: ci_file(file) for path, file in _CI_FILES[ci].items()})
    files.update({f"schema/{file}": schema_text(kind) for kind, file in SCHEMA_FILES.items()})
    return files


def init(directory: Path, name: str, owner: str, as_of: dt.date, ci: str = "github") -> list[str]:
    """Write the starter repository into ``directory``; refuse if any of its files exists."""
    files = plan(name, owner, as_of, ci)
    existing = sorted(path for path in files if (directory / path).exists())
    if existing:
        raise OkrsError(f"{directory}: would overwrite {', '.join(existing)}; nothing written")
    for path, text in files.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return sorted(files)
