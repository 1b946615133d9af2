"""Writing the site: one Jinja environment, every page rendered from the views, static assets.

Nothing is printed; :func:`build` returns a summary for the command line to report. Paths are
built only from validated ids, links are relative to each page, and the output depends only on
the files and the as-of date, so two builds of the same input are byte-identical, and a build
that reuses the cache (``manifest``) writes the bytes a build without it would. Long stages
report to a ``Tracker``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .. import __version__, gitutil, snapshot, timeline
from ..cache import Cache
from ..diagnostics import Diagnostic
from ..nogc import without_gc
from ..parallel import beside
from ..resources import shipped_dir
from ..status import ObjectiveStatus
from ..tracker import SILENT, Tracker
from ..validate import Loaded, answered, check_loaded, history_for, load_outline, load_whole
from . import changelog, escaping, manifest
from .collect import Collector, search_entries
from .parts import Parts
from .views import SiteView
from .write import Stamps, parallel, remove_stale, write_file, write_pages

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

    Autoescaping is on for every template (through :mod:`escaping`), and an undefined name is
    an error, not blank text.
    """
    folders = [user_dir] if user_dir is not None and user_dir.is_dir() else []
    folders.append(shipped_dir("site_templates"))
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(f)) for f in folders])
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.template_class = escaping.Template
    return env


def build(
    root: Path,
    out: Path,
    as_of: dt.date,
    strict: bool = False,
    tracker: Tracker = SILENT,
    cache: Cache | None = None,
    keep: list[object] | None = None,
) -> Summary:
    """Validate, then write the site for the repository at ``root`` into ``out``.

    The site is written even when the model has errors (the health page lists them); with
    ``strict`` it is not, and the summary says so. With a ``cache``, files parsed before are
    not parsed again, and a build whose inputs are those of the last build into ``out``, which
    still holds what it wrote, writes nothing. ``keep`` receives what the build made, for a
    caller about to exit, which need not spend the time freeing it object by object.
    """
    snap = snapshot.take(root, cache=cache)
    code = manifest.files_digest(_inputs(root)) if cache is not None else ""
    site_key = snap.digest(*_context(root, as_of), code) if cache is not None else ""
    before = cache.site(out) if cache is not None else {}  # what the last build into out wrote
    last = manifest.unchanged(before, out, site_key) if cache is not None else None
    if last is not None and not (strict and last["errors"]):
        return Summary(
            out, True, last["files"], last["errors"], last["warnings"], [], last["notices"]
        )
    common = f"{as_of}\0{snap.files[0].digest}\0{code}"
    # An objective's or team's page is reused only when nothing it can show changed; a template
    # of the repository's own may show anything, so then every page is rendered.
    reuse = cache is not None and not any((root / USER_TEMPLATES).rglob("*.html"))
    digests = {raw.path: raw.digest for raw in snap.files}
    parts = Parts(cache, common, digests)
    tracker.start("Reading files", len(snap.files))
    # Read once, for the checks and the pages alike; from the outlines when most pages are
    # there to be reused (a page rendered reads its file's check-ins again).
    outlines = reuse and bool(before.get("pages"))
    loaded = _outlined(snap, as_of, cache, parts) if outlines else None
    if loaded is None:
        loaded = load_whole(snap, cache)
    tracker.advance(len(snap.files))
    plan = Build(root, out, as_of, snap, loaded, common, reuse, digests, cache, before, parts)
    # Working out the views builds millions of objects and no cycles: the collector would only
    # rescan them, and in forked workers touch, and so copy, every page of memory holding them.
    with without_gc():
        summary, written = _check_and_write(plan, strict, tracker)
    if cache is not None and written is not None:
        counts = {"files": summary.files, "notices": summary.notices}
        counts.update(errors=summary.errors, warnings=summary.warnings)
        manifest.record(cache, out, site_key, written, counts)
    if keep is not None:
        keep.append(plan)
    return summary


def _outlined(
    snap: snapshot.Snapshot, as_of: dt.date, cache: Cache | None, parts: Parts
) -> Loaded | None:
    """Every file, the unchanged ones from their outlines, when the cache holds their figures
    and the checks' outcome can be told without them (after an edit, on the same day); else
    None."""
    if cache is not None and parts.figures and answered(snap, as_of, cache):
        return load_outline(snap, cache)
    return None


def _check_and_write(
    plan: Build, strict: bool, tracker: Tracker
) -> tuple[Summary, manifest.Written | None]:
    """Validate, then write the site unless ``strict`` and there are errors."""
    told = changelog.read(plan.root, plan.cache, tracker)  # each objective's commits, in words
    history: timeline.Timeline | str | None = told if isinstance(told, str) else told.timeline
    if history is None:  # the words came mostly from the cache: the history rules read their own
        history = history_for(plan.loaded, plan.cache, tracker=tracker)
    check = functools.partial(check_loaded, plan.snap, plan.loaded, plan.as_of, plan.cache, history)
    big = parallel(sum(len(f.objectives) for f in plan.loaded.model.files))
    words = None if isinstance(told, str) else told.words
    written = None
    with beside(check, worth_it=big) as checking:  # the rules on the other core, meanwhile:
        # Once for the pages and okrs.json alike; each file's from the cache if it has them.
        known = plan.parts.statuses(plan.loaded, plan.as_of)
        # Writing starts before the rules are done, unless their errors would stop it.
        if not (strict and checking().errors):
            written = _write(plan, words, known, lambda: checking().diagnostics, tracker)
        outcome = checking()
    summary = Summary(plan.out, False, 0, outcome.errors, outcome.warnings, outcome.diagnostics)
    summary.notices = outcome.notices
    if written is not None:
        summary.written, summary.files = True, len(written.stamps)
    return summary, written


@dataclass
class Build:
    """What checking and writing the site needs: where, as of when, the loaded repository, the
    digest of what every page shows alike (the as-of date, org.yaml, templates and toolkit),
    and whether pages may be reused."""

    root: Path
    out: Path
    as_of: dt.date
    snap: snapshot.Snapshot
    loaded: Loaded
    common: str
    reuse: bool
    digests: dict[str, str]  # each OKR file's digest, by path
    cache: Cache | None
    before: dict[str, Any]  # what the last build into out wrote (see manifest)
    parts: Parts  # what each file alone decides, from the cache where it has it
    made: list[object] = field(default_factory=list)  # the views, kept for build's ``keep``


def _write(
    plan: Build,
    words: changelog.Words | None,
    known: list[ObjectiveStatus],
    diagnostics: Callable[[], list[Diagnostic]],
    tracker: Tracker,
) -> manifest.Written:
    """Write every file of the site; ``diagnostics`` is asked for once the objectives' views
    are made (the rules may still be at work until then)."""
    loaded, out, as_of = plan.loaded, plan.out, plan.as_of

    def write_data() -> Stamps:
        text = plan.parts.okrs_json(loaded, as_of, known)
        search = search_index(search_entries(loaded, as_of, known))
        return {
            "okrs.json": write_file(out / "okrs.json", text.encode("utf-8")),
            "search-index.js": write_file(out / "search-index.js", search),
        }

    # okrs.json and the search index need no view: they are written on the other core while
    # the views are built.
    with beside(write_data, worth_it=parallel(len(known))) as data:
        site = Collector(loaded, as_of, words, known, tracker).site(diagnostics())
        static = static_files(plan.root / USER_TEMPLATES / "static")
        stamps: Stamps = {}

        def write_the_rest() -> None:
            for relative, content in sorted(static.items()):
                stamps[relative] = write_file(out / relative, content)

        keys, left = _reusable(plan, site)
        env = environment(plan.root / USER_TEMPLATES)
        pages, rendered = write_pages(env, site, out, tracker, meanwhile=write_the_rest, skip=left)
        plan.made.append(site)
        stamps.update(data())
    remove_stale(out, set(pages))
    return manifest.Written(keys, {**stamps, **left, **rendered})


def _reusable(plan: Build, site: SiteView) -> tuple[dict[str, str], Stamps]:
    """Each objective's and team's page key, and the pages already in the output folder as
    they would be."""
    if not plan.reuse or plan.cache is None:
        return {}, {}
    keys = manifest.page_keys(plan.common, site, plan.loaded, plan.digests)
    return keys, manifest.reusable(plan.before, plan.out, keys)


def _inputs(root: Path) -> list[Path]:
    """The files the site's bytes depend on besides the OKR files: templates, static files and
    the toolkit's code (so that an edited toolkit counts too)."""
    folders = [root / USER_TEMPLATES, shipped_dir("site_templates")]
    found = [p for f in folders if f.is_dir() for p in sorted(f.rglob("*")) if p.is_file()]
    return found + sorted(Path(__file__).resolve().parent.parent.rglob("*.py"))


def _context(root: Path, as_of: dt.date) -> list[str]:
    return [as_of.isoformat(), "HEAD " + gitutil.head(root), __version__]


def search_index(entries: list[dict[str, Any]]) -> bytes:
    """The search index as a script (a page opened from file:// cannot fetch JSON)."""
    # Compact, so that the JSON encoder written in C does the work (11 MB on L).
    data = json.dumps(entries, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
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
