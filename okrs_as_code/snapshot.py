"""The repository's files as bytes, read once, each with a digest of its content.

Digests key the cache: a file whose bytes did not change needs no parsing to be known.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import assemble
from .cache import Cache
from .loader import DEFAULT_MAX_FILE_BYTES, SourceFile, parse_bytes, read
from .model import Organization
from .repository import ORG_FILE, team_file_paths


@dataclass(frozen=True)
class RawFile:
    path: str
    content: bytes | SourceFile  # the bytes, or the unreadable file's OKR001

    @functools.cached_property
    def digest(self) -> str:
        if isinstance(self.content, SourceFile):
            assert self.content.error is not None
            return "unreadable:" + self.content.error.message
        return hashlib.blake2b(self.content, digest_size=16).hexdigest()

    def parse(self) -> SourceFile:
        return (
            self.content
            if isinstance(self.content, SourceFile)
            else parse_bytes(self.path, self.content)
        )


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

    def raw(path: str, max_bytes: int) -> RawFile:
        if path in overrides:
            return RawFile(path, overrides[path].encode("utf-8"))
        return RawFile(path, read(root, path, max_bytes))

    org_raw = raw(ORG_FILE, DEFAULT_MAX_FILE_BYTES)
    org_source = _parsed(org_raw, cache)
    org = assemble.organization(org_source) if org_source.ok else None
    max_bytes = org.policy.limits.max_file_bytes if org else DEFAULT_MAX_FILE_BYTES
    listed = team_file_paths(root) if paths is None else sorted(paths)
    teams = [raw(path, max_bytes) for path in listed]
    return Snapshot(root, org_source, org, [org_raw, *teams])


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
