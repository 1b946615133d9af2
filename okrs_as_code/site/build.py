"""Writing the site: one Jinja environment, every page rendered from the views, static assets.

Nothing is printed; :func:`build` returns a summary for the command line to report. Paths are
built only from validated ids, links are relative to each page, and the output depends only on
the files and the as-of date, so two builds of the same input are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .. import snapshot, timeline
from ..diagnostics import Diagnostic
from ..export import to_json
from ..resources import shipped_dir
from ..validate import load_focused
from ..validate import outcome as checked
from .collect import Collector
from .views import SiteView

TEMPLATES = (
    "index.html",
    "period.html",
    "team.html",
    "objective.html",
    "health.html",
    "search.html",
)
PAGE_FOLDERS = ("periods", "teams", "objectives")
USER_TEMPLATES = "site_templates"
_STATIC_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class Summary:
    """What a build did: where, how many files, and the model's errors and warnings."""

    out: Path
    written: bool
    files: int
    errors: int
    warnings: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # one-line notes for standard error


def environment(user_dir: Path | None) -> jinja2.Environment:
    """The one Jinja environment: the user's ``site_templates/`` first, then the packaged ones.

    Autoescaping is on for every template, and an undefined name is an error, not blank text.
    """
    folders = [user_dir] if user_dir is not None and user_dir.is_dir() else []
    folders.append(shipped_dir("site_templates"))
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(f)) for f in folders])
    return jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


def build(root: Path, out: Path, as_of: dt.date, strict: bool = False) -> Summary:
    """Validate, then write the site for the repository at ``root`` into ``out``.

    The site is written even when the model has errors (the health page lists them); with
    ``strict`` it is not, and the summary says so.
    """
    snap = snapshot.take(root)
    loaded = load_focused(snap, None, None)  # read once, for the checks and the pages alike
    history = timeline.read(root)  # for the history rules and the pages' "last changed"
    outcome = checked(loaded, as_of, None, len(snap.files), history)
    summary = Summary(out, False, 0, outcome.errors, outcome.warnings, outcome.diagnostics)
    summary.notices = outcome.notices
    if strict and outcome.errors:
        return summary
    found = history if isinstance(history, timeline.Timeline) else None
    site = Collector(loaded, as_of, found).site(outcome.diagnostics)
    files = render_pages(environment(root / USER_TEMPLATES), site)
    files["okrs.json"] = to_json(loaded, as_of).encode("utf-8")
    files["search-index.js"] = search_index(site.search)
    files.update(static_files(root / USER_TEMPLATES / "static"))
    write_all(out, files)
    summary.written, summary.files = True, len(files)
    return summary


def _pages(site: SiteView) -> list[tuple[str, str, dict[str, Any]]]:
    """(output path, template, context) of every page, each path from validated ids only."""
    pages: list[tuple[str, str, dict[str, Any]]] = [
        ("index.html", "index.html", {"period": site.current}),
        ("health.html", "health.html", {}),
        ("search.html", "search.html", {}),
    ]
    pages += [(p.url, "period.html", {"period": p}) for p in site.periods if p.url]
    pages += [(t.url, "team.html", {"team": t}) for t in site.teams if t.url]
    pages += [(o.url, "objective.html", {"objective": o}) for o in site.objectives if o.url]
    return pages


def render_pages(env: jinja2.Environment, site: SiteView) -> dict[str, bytes]:
    templates = {name: env.get_template(name) for name in TEMPLATES}  # loaded once
    rendered: dict[str, bytes] = {}
    for path, name, extra in _pages(site):
        root = "../" * path.count("/")
        context = {"site": site, "root": root, "page": path, **extra}
        rendered[path] = templates[name].render(context).encode("utf-8")
    return rendered


def search_index(entries: list[dict[str, Any]]) -> bytes:
    """The search index as a script (a page opened from file:// cannot fetch JSON)."""
    data = json.dumps(entries, ensure_ascii=True, sort_keys=True, indent=0)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e")
    return f"window.OKRS_SEARCH_INDEX = {data};\n".encode("ascii")


def static_files(user_static: Path) -> dict[str, bytes]:
    """The packaged static assets, each replaced by the user's file of the same name."""
    found: dict[str, bytes] = {}
    for folder in (shipped_dir("site_templates") / "static", user_static):
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.is_file() and _STATIC_NAME.match(path.name):
                    found[f"static/{path.name}"] = path.read_bytes()
    return found


def write_all(out: Path, files: dict[str, bytes]) -> None:
    """Write every file, then remove pages of an earlier build that this one no longer has."""
    for relative, content in sorted(files.items()):
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != content:
            target.write_bytes(content)
    for folder in PAGE_FOLDERS:
        for old in sorted((out / folder).rglob("*.html")) if (out / folder).is_dir() else []:
            if old.relative_to(out).as_posix() not in files:
                old.unlink()
