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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cache import Cache
from ..graph import Graph
from ..model import Objective
from ..validate import Loaded
from .views import SiteView
from .write import Stamps, page_paths, stamp


@dataclass
class Written:
    """What a build wrote: each objective's and team's page key (see :func:`page_keys`), and
    every file (relative to the output folder) with its stamp, taken as it was written or,
    for a page left as it was, found by :func:`reusable`."""

    keys: dict[str, str]
    stamps: Stamps


def files_digest(files: list[Path]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in files:
        digest.update(f"{path}\0".encode())
        digest.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return digest.hexdigest()


def page_keys(
    common: str, site: SiteView, loaded: Loaded, digests: dict[str, str]
) -> dict[str, str]:
    """A digest of the inputs of each objective's and team's page, by the page's path; empty
    when an input cannot be told this way, and then every page is rendered.

    A page is worked out from files, not from what it shows, so that a rebuild need not work
    out every page's view to know which pages to render (see :class:`_Inputs`). An
    objective's page shows its own file, the files of the objectives aligned beneath it at any
    depth (the cascade's figures, the links beneath), of its chain of parents (the
    breadcrumb), of what it names and what names it in ``contributes_to``, and its history in
    words. A team's page shows its objectives' figures and flags.
    """
    inputs = _Inputs(loaded.graph, digests)
    if not inputs.untangled():
        return {}
    keys = {}
    for view in site.objectives:
        if view.url is None:
            continue
        named = inputs.named(view.ref)
        words = (view.history, sorted(view.kr_changes.items()))
        text = f"{common}\0{view.url}\0{inputs.tree(view.ref)}\0{named}\0{words!r}"
        keys[view.url] = _digest(text)
    for team in site.teams:
        if team.url is None:
            continue
        shown = [(link, [inputs.tree(v.ref) for v in views]) for link, views in team.periods]
        keys[team.url] = _digest(f"{common}\0{team.url}\0{shown!r}")
    return keys


class _Inputs:
    """Which files each objective's figures and links come from, as digests.

    An objective's *tree* is its own file with the trees of the objectives aligned beneath it
    and the files of its chain of parents, each parent's reference included, so that a parent
    that appears or goes away counts too. Duplicated references (OKR103) and alignment cycles
    have no such tree: then no page is reused.
    """

    def __init__(self, graph: Graph, digests: dict[str, str]) -> None:
        self.graph = graph
        self.digests = digests
        self.by_ref: dict[str, Objective] = {}
        self.duplicated = False
        for objective in graph.model.objectives():
            self.duplicated |= self.by_ref.setdefault(objective.ref, objective) is not objective
        self.below: dict[str, str] = {}
        self.above: dict[str, str] = {}

    def untangled(self) -> bool:
        """Work out every tree; False on duplicated references or a cycle."""
        if self.duplicated:
            return False
        done = self.below
        for ref in self.by_ref:
            # Depth first without recursion: an alignment chain may be as long as it likes.
            stack, entered = [ref], set()
            while stack:
                top = stack[-1]
                if top in done:
                    stack.pop()
                    continue
                kids = [c.ref for c in self.graph.children.get(top, [])]
                if top not in entered:
                    entered.add(top)
                    if any(k in entered and k not in done for k in kids):
                        return False  # an alignment cycle
                    stack.extend(k for k in kids if k not in done)
                    continue
                stack.pop()
                done[top] = _digest(f"{self._file(top)}\0{[done[k] for k in kids]}")
        for ref in self.by_ref:
            chain = []
            at: str | None = ref
            while at is not None and at not in self.above:
                chain.append(at)
                target = self.graph.parent.get(at)
                at = target.objective.ref if target is not None else None
            for here in reversed(chain):
                target = self.graph.parent.get(here)
                if target is None:
                    self.above[here] = ""
                    continue
                there = target.objective.ref
                kr = target.key_result.id if target.key_result is not None else ""
                parent = f"{there}#{kr}\0{self._file(there)}\0{self.above[there]}"
                self.above[here] = _digest(parent)
        return True

    def tree(self, ref: str) -> str:
        return f"{self.below[ref]}\0{self.above[ref]}"

    def named(self, ref: str) -> list[tuple[str, str]]:
        """What the objective names in contributes_to, resolved or not, and who names it."""
        objective = self.by_ref[ref]
        found = []
        for text in objective.contributes_to:
            target = self.graph.index.resolve(text, objective.period)
            there = target.objective.ref if target is not None else ""
            found.append((text, there and self._file(there)))
        found += [(s.ref, self._file(s.ref)) for s in self.graph.supporters.get(ref, [])]
        return found

    def _file(self, ref: str) -> str:
        path = self.by_ref[ref].where.file
        return f"{path}\0{self.digests.get(path)}"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def reusable(manifest: dict[str, Any], out: Path, keys: dict[str, str]) -> Stamps:
    """The pages that the last build into ``out`` (its ``manifest``) wrote from the same
    inputs (``keys``) and that are still as it left them, with their size and time."""
    before, files = manifest.get("pages"), manifest.get("files")
    if not isinstance(before, dict) or not isinstance(files, dict):
        return {}
    return {
        path: files[path]
        for path, page_key in keys.items()
        if before.get(path) == page_key and path in files and stamp(out / path) == files[path]
    }


def unchanged(manifest: dict[str, Any], out: Path, site_key: str) -> dict[str, Any] | None:
    """The summary the last build into ``out`` (its ``manifest``) recorded, if it had this
    key and ``out`` still holds exactly what it wrote; otherwise None."""
    files = manifest.get("files")
    if manifest.get("key") != site_key or not isinstance(files, dict):
        return None
    if any(stamp(out / relative) != kept for relative, kept in files.items()):
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
    manifest = {"key": site_key, "files": written.stamps, "pages": written.keys}
    manifest["summary"] = summary
    cache.store_site(out, manifest)
