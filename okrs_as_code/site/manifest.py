"""What the last build wrote, so that a build with nothing changed neither parses nor writes.

The key covers every input of the site: each OKR file's digest, the as-of date, the commit
checked out (whose history the pages show), every template and static file (the user's and the
packaged ones) and the toolkit's version. The output folder is trusted to hold what that build
wrote when every file it wrote still has the size and modification time recorded then, and no
page of another build is there: the check git's index makes for a working tree. Anything else
(another key, a file touched, a cache deleted) means an ordinary build, in which an
objective's or team's page is rendered again only when a digest of what it shows has changed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..cache import Cache
from ..graph import Graph
from ..snapshot import Snapshot
from ..validate import Loaded
from .views import SiteView
from .write import page_paths


@dataclass
class Written:
    """What a build wrote: every file (relative to the output folder) and each objective's
    and team's page key (see :func:`page_keys`)."""

    files: list[str]
    keys: dict[str, str]


def key(snap: Snapshot, context: list[str], files: list[Path]) -> str:
    """The digest of the OKR files in ``snap``, of ``context`` and of ``files`` (by path)."""
    return snap.digest(*context, files_digest(files))


def files_digest(files: list[Path]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in files:
        digest.update(f"{path}\0".encode())
        digest.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return digest.hexdigest()


def page_keys(
    common: str, site: SiteView, loaded: Loaded, digests: dict[str, str]
) -> dict[str, str]:
    """A digest of everything each objective's and team's page shows, by the page's path.

    An objective's page shows its view (figures, links, history), its key results, which come
    from its own file and the organisation (both in ``common`` or ``digests``), and which of
    the objectives aligned beneath it align to which key result. A team's page shows its view,
    which holds its objectives' views.
    """
    keys = {}
    shown = {}  # each objective view's text, written once for its page and its team's
    for view in site.objectives:
        shown[id(view)] = repr(view)
        if view.url is None:
            continue
        beneath = [
            (c.ref, _key_result_of(loaded.graph, c.ref))
            for c in loaded.graph.children.get(view.ref, [])
        ]
        text = f"{common}\0{view.url}\0{digests.get(view.path)}\0{shown[id(view)]}\0{beneath!r}"
        keys[view.url] = _digest(text)
    for team in site.teams:
        if team.url is None:
            continue
        periods = [(link, [shown[id(v)] for v in views]) for link, views in team.periods]
        text = f"{common}\0{team.url}\0{replace(team, periods=[])!r}\0{periods!r}"
        keys[team.url] = _digest(text)
    return keys


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _key_result_of(graph: Graph, ref: str) -> str | None:
    target = graph.parent.get(ref)
    return target.key_result.id if target is not None and target.key_result is not None else None


def reusable(cache: Cache, out: Path, keys: dict[str, str]) -> set[str]:
    """The pages that the last build into ``out`` wrote from the same inputs (``keys``) and
    that are still as it left them."""
    manifest = cache.site(out)
    before, files = manifest.get("pages"), manifest.get("files")
    if not isinstance(before, dict) or not isinstance(files, dict):
        return set()
    return {
        path
        for path, page_key in keys.items()
        if before.get(path) == page_key and path in files and _stamp(out / path) == files[path]
    }


def unchanged(cache: Cache, out: Path, site_key: str) -> dict[str, Any] | None:
    """The summary the last build into ``out`` recorded, if it had this key and ``out`` still
    holds exactly what it wrote; otherwise None."""
    manifest = cache.site(out)
    files = manifest.get("files")
    if manifest.get("key") != site_key or not isinstance(files, dict):
        return None
    if any(_stamp(out / relative) != stamp for relative, stamp in files.items()):
        return None
    if not set(page_paths(out)) <= files.keys():
        return None
    summary = manifest.get("summary")
    return summary if isinstance(summary, dict) else None


def record(
    cache: Cache,
    out: Path,
    site_key: str,
    written: Written,
    summary: dict[str, Any],
) -> None:
    """Remember what this build wrote into ``out``, for :func:`unchanged` and :func:`reusable`."""
    files = {relative: _stamp(out / relative) for relative in written.files}
    manifest = {"key": site_key, "files": files, "pages": written.keys, "summary": summary}
    cache.store_site(out, manifest)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)
