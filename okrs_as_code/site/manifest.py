"""What the last build wrote, so that a build with nothing changed neither parses nor writes.

The key covers every input of the site: each OKR file's digest, the as-of date, the commit
checked out (whose history the pages show), every template and static file (the user's and the
packaged ones) and the toolkit's version. The output folder is trusted to hold what that build
wrote when every file it wrote still has the size and modification time recorded then, and no
page of another build is there: the check git's index makes for a working tree. Anything else
(another key, a file touched, a cache deleted) means an ordinary build.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from ..cache import Cache
from ..snapshot import Snapshot
from .write import PAGE_FOLDERS


def key(snap: Snapshot, context: list[str], files: list[Path]) -> str:
    """The digest of the OKR files in ``snap``, of ``context`` and of ``files`` (by path)."""
    digest = hashlib.blake2b(digest_size=16)
    for path in files:
        digest.update(f"{path}\0".encode())
        digest.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return snap.digest(*context, digest.hexdigest())


def unchanged(cache: Cache, out: Path, site_key: str) -> dict[str, Any] | None:
    """The summary the last build into ``out`` recorded, if it had this key and ``out`` still
    holds exactly what it wrote; otherwise None."""
    manifest = cache.site(out)
    files = manifest.get("files")
    if manifest.get("key") != site_key or not isinstance(files, dict):
        return None
    if any(_stamp(out / relative) != stamp for relative, stamp in files.items()):
        return None
    pages = {p.relative_to(out).as_posix() for f in PAGE_FOLDERS for p in (out / f).rglob("*.html")}
    if not pages <= files.keys():
        return None
    summary = manifest.get("summary")
    return summary if isinstance(summary, dict) else None


def record(
    cache: Cache, out: Path, site_key: str, written: list[str], summary: dict[str, Any]
) -> None:
    """Remember what this build wrote into ``out``, for :func:`unchanged`."""
    files = {relative: _stamp(out / relative) for relative in written}
    cache.store_site(out, {"key": site_key, "files": files, "summary": summary})


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)
