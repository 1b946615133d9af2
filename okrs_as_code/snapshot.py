"""The repository's files as bytes, read once, each with a digest of its content.

Digests key the cache: a file whose bytes did not change needs no parsing to be known. With a
cache, a file whose status (size, modification and change times, inode) is the one it had when
it was last hashed, and that had then been left alone for a while, keeps that digest and is
read only when its bytes are asked for, as git trusts its index: a run that answers from the
cache reads no file but org.yaml.
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import assemble
from .cache import Cache
from .errors import OkrsError
from .loader import DEFAULT_MAX_FILE_BYTES, SourceFile, parse_bytes, read, read_found, status
from .model import Organization
from .repository import ORG_FILE, team_file_paths

# A file's status is trusted only when its last change was this long before it was hashed: a
# change within the same tick of a coarse file system clock (two seconds on FAT) after hashing
# would otherwise leave its status as it was.
_SETTLED_NS = 3_000_000_000

# On Windows st_ctime is when the file was created, not when it last changed, so an edit
# that puts the modification time back would go unseen there: every file is read.
_CHANGE_TIMES = os.name != "nt"

Content = bytes | SourceFile  # the bytes, or the unreadable file's OKR001


class RawFile:
    """A file's path and content, with a digest of the content."""

    def __init__(self, path: str, content: Content) -> None:
        self.path = path
        self._content: Content | None = content
        self._digest: str | None = None
        self._read: Callable[[], Content] | None = None

    @classmethod
    def unread(
        cls, path: str, digest: str, read: Callable[[], Content], forget: Callable[[], None]
    ) -> RawFile:
        """A file known by its digest, read when its content is first asked for; should the
        content not be what the digest says, ``forget`` drops what told it."""
        raw = cls(path, b"")
        raw._content, raw._digest = None, digest
        raw._read = functools.partial(_checked, path, digest, read, forget)
        return raw

    @property
    def content(self) -> Content:
        if self._content is None:
            assert self._read is not None
            self._content = self._read()
        return self._content

    @property
    def unreadable(self) -> bool:
        """Whether the content is the unreadable file's OKR001, told without reading a file
        known by its digest (it was readable when hashed; if it is not now, reading it says
        so)."""
        return isinstance(self._content, SourceFile)

    @property
    def digest(self) -> str:
        if self._digest is None:
            self._digest = _digest(self.content)
        return self._digest

    def parse(self) -> SourceFile:
        content = self.content
        return content if isinstance(content, SourceFile) else parse_bytes(self.path, content)


def _checked(
    path: str, digest: str, read: Callable[[], Content], forget: Callable[[], None]
) -> Content:
    content = read()
    if _digest(content) != digest:  # edited since the run began, or a damaged cache
        forget()
        raise OkrsError(f"{path} changed while okrs was reading it: run okrs again")
    return content


def _digest(content: Content) -> str:
    if isinstance(content, SourceFile):
        assert content.error is not None
        return "unreadable:" + content.error.message
    return hashlib.blake2b(content, digest_size=16).hexdigest()


@dataclass
class Snapshot:
    root: Path
    org_source: SourceFile
    org: Organization | None
    files: list[RawFile]  # org.yaml first, then the team files in path order

    @property
    def team_files(self) -> list[RawFile]:
        return self.files[1:]

    def with_text(self, path: str, text: str) -> Snapshot:
        """The snapshot as it would be with one team file's text replaced."""
        files = [RawFile(f.path, text.encode("utf-8")) if f.path == path else f for f in self.files]
        return Snapshot(self.root, self.org_source, self.org, files)

    def digest(self, *context: str) -> str:
        """One digest of every file's path and content, and of ``context``."""
        summary = hashlib.blake2b(digest_size=16)
        for part in [*context, *(f"{f.path}\0{f.digest}" for f in self.files)]:
            summary.update(part.encode("utf-8") + b"\n")
        return summary.hexdigest()


def take(
    root: Path,
    overrides: dict[str, str] | None = None,
    paths: list[str] | None = None,
    cache: Cache | None = None,
) -> Snapshot:
    """Read every file, or org.yaml and the team files in ``paths``.

    ``overrides`` gives some files' text as it would be after an edit; ``cache`` may hold
    org.yaml already parsed.
    """
    overrides = overrides or {}
    org_raw = _raw(root, ORG_FILE, DEFAULT_MAX_FILE_BYTES, overrides)
    org_source = _parsed(org_raw, cache)
    org = assemble.organization(org_source) if org_source.ok else None
    max_bytes = org.policy.limits.max_file_bytes if org else DEFAULT_MAX_FILE_BYTES
    listed = team_file_paths(root) if paths is None else sorted(paths)
    if cache is None or not _CHANGE_TIMES:
        teams = [_raw(root, path, max_bytes, overrides) for path in listed]
    else:
        statuses = _Statuses(cache)
        teams = [statuses.raw(root, path, max_bytes, overrides) for path in listed]
        statuses.store(every=paths is None)
    return Snapshot(root, org_source, org, [org_raw, *teams])


def _raw(root: Path, path: str, max_bytes: int, overrides: dict[str, str]) -> RawFile:
    if path in overrides:
        return RawFile(path, overrides[path].encode("utf-8"))
    return RawFile(path, read(root, path, max_bytes))


class _Statuses:
    """The files' statuses as they were when they were last hashed, with their digests, kept
    in the cache by path."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.kept = cache.file_statuses()
        self.now: dict[str, list[Any]] = {}

    def raw(self, root: Path, path: str, max_bytes: int, overrides: dict[str, str]) -> RawFile:
        if path in overrides:
            return _raw(root, path, max_bytes, overrides)
        started = time.time_ns()
        info = status(root, path, max_bytes)
        if isinstance(info, SourceFile):
            return RawFile(path, info)
        key = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]
        record = self.kept.get(path)
        if isinstance(record, list) and len(record) == 6 and record[:5] == key:
            digest = record[5]
            if isinstance(digest, str):
                self.now[path] = record
                again = functools.partial(read, root, path, max_bytes)
                return RawFile.unread(path, digest, again, self.forget)
        raw = RawFile(path, read_found(root, path))
        if max(info.st_mtime_ns, info.st_ctime_ns) < started - _SETTLED_NS and isinstance(
            raw.content, bytes
        ):
            self.now[path] = [*key, raw.digest]
        return raw

    def forget(self) -> None:
        self.cache.store_file_statuses({})

    def store(self, every: bool) -> None:
        """Keep the statuses known now: of every file there is, or with ``every`` false (some
        files were read), those and the others kept before."""
        statuses = self.now if every else {**self.kept, **self.now}
        if statuses != self.kept:
            self.cache.store_file_statuses(statuses)


def _parsed(raw: RawFile, cache: Cache | None) -> SourceFile:
    if cache is None or not isinstance(raw.content, bytes):
        return raw.parse()
    known, data = cache.parsed_org(raw.digest)
    if known:
        return SourceFile(raw.path, text=raw.content.decode("utf-8-sig"), data=data)
    source = raw.parse()
    if source.ok:
        cache.store_parsed_org(raw.digest, source.data)
    return source
