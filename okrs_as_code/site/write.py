"""Rendering and writing the pages: on every core for a large site, rewriting only what changed.

Rendering holds the interpreter, so threads would not help. Worker processes are forked after
the views are built and inherit them (and the compiled templates) instead of receiving a
pickled copy, which would cost about as much as rendering; each renders and writes its chunks
of pages and hands back nothing but completion. Where fork is not available the pages are
rendered in this process, with the same bytes.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..parallel import beside
from ..tracker import Tracker
from .views import SiteView

TEMPLATES = (
    "index.html",
    "period.html",
    "team.html",
    "objective.html",
    "health.html",
    "search.html",
)
LIST_TEMPLATES = ("index.html", "period.html", "health.html")  # pages that list every objective
PAGE_FOLDERS = ("periods", "teams", "objectives")
Page = tuple[str, str, dict[str, Any]]  # output path, template, context
Stamp = tuple[int, int]  # a file's size and modification time in nanoseconds
Stamps = dict[str, Stamp | None]  # by path relative to the output folder

# Below this many pages starting worker processes costs more than it saves.
PARALLEL_FROM_PAGES = 400
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_CHUNK = 100  # pages per task: small enough for an even split and a moving progress bar


@dataclass
class _Job:
    templates: dict[str, jinja2.Template]
    site: SiteView
    pages: list[Page]
    out: Path


_FORKED: _Job | None = None  # what forked workers inherit; set only while they run


def pages_of(site: SiteView) -> list[Page]:
    """Every page of the site, each path from validated ids only."""
    pages: list[Page] = [("index.html", "index.html", {"period": site.current})]
    pages += [(p.url, "period.html", {"period": p}) for p in site.periods if p.url]
    pages += [("health.html", "health.html", {}), ("search.html", "search.html", {})]
    pages += [(t.url, "team.html", {"team": t}) for t in site.teams if t.url]
    pages += [(o.url, "objective.html", {"objective": o}) for o in site.objectives if o.url]
    return pages


def write_pages(
    env: jinja2.Environment,
    site: SiteView,
    out: Path,
    tracker: Tracker,
    meanwhile: Callable[[], None] = lambda: None,
    skip: Collection[str] = (),
) -> tuple[list[str], Stamps]:
    """Render every page into ``out`` but those in ``skip`` (already there, as they would be
    written); the paths of all pages, relative to ``out``, and the stamps of those written.

    ``meanwhile`` is other work for this process, done while the workers render.
    """
    templates = {name: env.get_template(name) for name in TEMPLATES}  # compiled once
    every = pages_of(site)
    job = _Job(templates, site, [page for page in every if page[0] not in skip], out)
    pages = job.pages
    # The pages that list every objective come first: on a large site each is as much work as
    # a hundred objectives' pages, and after an edit they are most of what is left to render.
    lists = next((i for i, page in enumerate(pages) if page[1] not in LIST_TEMPLATES), len(pages))
    tracker.start("Writing pages", len(pages))
    stamps: Stamps = {}
    theirs = range(1, lists, 2)
    if not parallel(len(every)) or not theirs:
        meanwhile()
        for chunk in _chunks(0, len(pages)):
            stamps.update(_write_chunk(job, chunk))
            tracker.advance(len(chunk))
    elif len(pages) < PARALLEL_FROM_PAGES:
        # A few pages, after an edit: one other process takes every other list page. Forked
        # workers pay for each object they touch (its memory is copied), so this process,
        # which does not, keeps the rest.
        with beside(functools.partial(_write_chunk, job, theirs)) as written:
            meanwhile()
            stamps.update(_write_chunk(job, [i for i in range(len(pages)) if i not in theirs]))
            stamps.update(written())
        tracker.advance(len(pages))
    else:
        stamps = _write_pooled(job, lists, meanwhile, tracker)
    tracker.finish()
    return [path for path, _, _ in every], stamps


def _write_pooled(job: _Job, lists: int, meanwhile: Callable[[], None], tracker: Tracker) -> Stamps:
    """Every page by two worker processes, the list pages each a task of its own."""
    global _FORKED
    total = len(job.pages)
    chunks = [range(i, i + 1) for i in range(lists)] + _chunks(lists, total)
    stamps: Stamps = {}
    _FORKED = job
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(2, context, initializer=gc.disable) as pool:
            futures = {pool.submit(_write_forked, c.start, c.stop): len(c) for c in chunks}
            meanwhile()
            for done in as_completed(futures):
                stamps.update(done.result())  # taken as each page was written, on its core
                tracker.advance(futures[done])
    finally:
        _FORKED = None
    return stamps


def _chunks(start: int, stop: int) -> list[range]:
    return [range(i, min(i + _CHUNK, stop)) for i in range(start, stop, _CHUNK)]


def parallel(pages: int) -> bool:
    """Whether a site of this many pages is worth working on with other processes."""
    return pages >= PARALLEL_FROM_PAGES and (os.cpu_count() or 1) >= 2 and sys.platform == "linux"


def _write_forked(start: int, stop: int) -> Stamps:
    assert _FORKED is not None
    return _write_chunk(_FORKED, range(start, stop))


def _write_chunk(job: _Job, chunk: Sequence[int]) -> Stamps:
    stamps = {}
    for index in chunk:
        path, name, extra = job.pages[index]
        context = {"site": job.site, "root": "../" * path.count("/"), "page": path, **extra}
        content = job.templates[name].render(context).encode("utf-8")
        stamps[path] = write_file(job.out / path, content)
    return stamps


def write_file(target: Path, content: bytes) -> Stamp | None:
    """Write a file unless it holds these bytes already (its time stamp then stays); its
    :func:`stamp` as it is left."""
    # A new file is created in one call, which fails when it is there already or its folder
    # is not: a first build writes ten thousand pages, and looking first took twice the time.
    try:
        descriptor = os.open(target, _NEW_FILE, 0o666)
    except FileExistsError:
        if not target.is_file() or target.read_bytes() != content:
            target.write_bytes(content)
        return stamp(target)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(target, _NEW_FILE, 0o666)
    with open(descriptor, "wb") as handle:
        handle.write(content)
        handle.flush()
        info = os.fstat(descriptor)
    return (info.st_size, info.st_mtime_ns)


def stamp(path: Path) -> Stamp | None:
    """A file's size and modification time, by which a later build knows it is as it was
    left (None when it is not there)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


def remove_stale(out: Path, kept: set[str]) -> None:
    """Remove the pages of an earlier build that this one no longer has, and the folders that
    leaves empty (a team's or a period's that is gone)."""
    for page in page_paths(out):
        if page not in kept:
            (out / page).unlink()
            folder = (out / page).parent
            while folder != out and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent


def page_paths(out: Path) -> list[str]:
    """The pages in the output folder's page folders, relative to it."""
    found: list[str] = []
    for folder in PAGE_FOLDERS:
        # os.walk rather than Path.rglob: a large site has tens of thousands of pages.
        for directory, _, names in sorted(os.walk(out / folder)):
            relative = Path(directory).relative_to(out).as_posix()
            found.extend(f"{relative}/{name}" for name in sorted(names) if name.endswith(".html"))
    return found
