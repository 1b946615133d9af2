"""A cache of validation work, keyed by file content, safe to delete and never trusted blindly.

Kept per repository: the outcomes of recent runs, keyed by a digest of every
input (each file's bytes, the as-of date, the files asked about, the toolkit and its schemas),
and a *skeleton* of each team file (what other files' rules need to know of it: objective ids,
status, alignments and key result ids), keyed by the file's digest. A pre-commit run on one
changed file then parses that file alone. For the git history it keeps the list of commits that
changed the OKR files, by the commit it ends at, and what each version of a team file commits
to, by blob hash, so history is read again only for new commits, and recent ``okrs history``
answers by commit and reference. The parsed org.yaml, which every run reads. For the site,
each team file's parsed data and its outline (its data without check-ins), keyed by its digest,
so only changed files are parsed again,
what each file alone decides of the site (its objectives' statuses and their text in
``okrs.json``) and, per output folder, what the last build wrote. A cache file that cannot be
read is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .files import atomic_write

_RESULTS_KEPT = 8
# Per-commit copies of parsed files that earlier versions kept; version facts replace them.
_REPLACED = ("history.marshal", "commitments.marshal")
_OBJECTIVE_KEYS = ("id", "status", "reason", "aligns_to")
Skeletons = dict[str, tuple[str, Any]]  # path -> (digest, skeleton data)
Parsed = dict[str, tuple[str, Any]]  # path -> (digest, the file's data)
# Files' values packed together: their paths, their digests, and the marshal of the list of
# their values (None where there is none), as the processes that parse the files pack them;
# the cache keeps them as they came rather than packing them again.
Chunk = tuple[list[str], list[str], bytes]


def chunk(entries: list[tuple[str, str, Any]]) -> Chunk | None:
    """(path, digest, value) entries as one :data:`Chunk`; None for data nested too deeply
    to marshal."""
    try:
        packed = marshal.dumps([value for _, _, value in entries])
    except ValueError:
        return None
    return [path for path, _, _ in entries], [digest for _, digest, _ in entries], packed


def toolkit_digest(schema_texts: list[str]) -> str:
    """What the cache's contents depend on besides the files: this code and its schemas."""
    digest = hashlib.blake2b(f"{__version__}\0{sys.version}".encode(), digest_size=8)
    for text in schema_texts:
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def skeleton(data: Any) -> Any:
    """The part of a team file that rules about other files look at, as plain values."""
    if not isinstance(data, dict):
        return None
    return {
        "team": _text(data.get("team")),
        "period": data.get("period") if isinstance(data.get("period"), (str, int)) else None,
        "objectives": [_objective(o) for o in _list(data.get("objectives")) if isinstance(o, dict)],
    }


def _objective(objective: dict[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {key: _text(objective.get(key)) for key in _OBJECTIVE_KEYS}
    kept["contributes_to"] = [c for c in _list(objective.get("contributes_to")) if _text(c)]
    kept["key_results"] = [
        {"id": kr.get("id")}
        for kr in _list(objective.get("key_results"))
        if isinstance(kr, dict) and _text(kr.get("id"))
    ]
    return {key: value for key, value in kept.items() if value is not None}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _site_file(out: Path) -> str:
    return "site-" + hashlib.blake2b(str(out.resolve()).encode(), digest_size=8).hexdigest()


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class Cache:
    """The cache folder of one repository, for one version of the toolkit and its schemas."""

    def __init__(self, directory: Path, repository: Path, toolkit: str) -> None:
        key = hashlib.blake2b(str(repository.resolve()).encode(), digest_size=8).hexdigest()
        self.directory = directory / toolkit / key

    def outcome(self, key: str) -> dict[str, Any] | None:
        found = self._results().get(key)
        return found if isinstance(found, dict) else None

    def store_outcome(self, key: str, outcome: dict[str, Any]) -> None:
        results = {k: v for k, v in self._results().items() if k != key}
        kept = dict(list(results.items())[-(_RESULTS_KEPT - 1) :])
        kept[key] = outcome
        self._write("results.json", json.dumps(kept).encode("utf-8"))

    def last_run(self) -> dict[str, Any]:
        """The context, files' digests and outcome of the last run that reported on every
        file (see ``validate``)."""
        return self._mapping("lastrun.marshal")

    def store_last_run(self, run: dict[str, Any]) -> None:
        self._store("lastrun.marshal", run)

    def skeletons(self) -> Skeletons:
        return self._mapping("skeletons.marshal")

    def store_skeletons(self, skeletons: Skeletons) -> None:
        self._store("skeletons.marshal", skeletons)

    def file_statuses(self) -> dict[str, Any]:
        """Each team file's status when it was last hashed, with its digest (see
        ``snapshot``)."""
        return self._mapping("statuses.marshal")

    def store_file_statuses(self, statuses: dict[str, Any]) -> None:
        self._store("statuses.marshal", statuses)

    def parsed_org(self, digest: str) -> tuple[bool, Any]:
        """The data of org.yaml kept by :meth:`store_parsed_org`, if its digest is ``digest``."""
        with contextlib.suppress(Exception):
            kept, data = marshal.loads((self.directory / "org.marshal").read_bytes())
            if kept == digest:
                return True, data
        return False, None

    def store_parsed_org(self, digest: str, data: Any) -> None:
        # org.yaml is read by every run, and on a large organisation it is large.
        self._store("org.marshal", (digest, data))

    def commit_lists(self) -> list[Any]:
        """Lists of the commits that changed the OKR files (see :mod:`commits`)."""
        found = self._marshalled("commits.marshal")
        return found if isinstance(found, list) else []

    def store_commit_lists(self, lists: list[Any]) -> None:
        self._store("commits.marshal", lists)

    def version_facts(self) -> dict[str, Any]:
        """What each version of a team file commits to, by blob hash (see :mod:`versions`)."""
        return self._mapping("versions.marshal")

    def store_version_facts(self, facts: dict[str, Any]) -> None:
        # marshal writes data shared by several versions once, and reads it back shared.
        self._store("versions.marshal", facts)
        for name in _REPLACED:
            with contextlib.suppress(OSError):
                (self.directory / name).unlink(missing_ok=True)

    def history_answer(self, key: str) -> Any:
        """A recent ``okrs history`` answer, by commit and reference (see :mod:`history`)."""
        return self._mapping("answers.marshal").get(key)

    def store_history_answer(self, key: str, answer: Any) -> None:
        answers = {k: v for k, v in self._mapping("answers.marshal").items() if k != key}
        kept = dict(list(answers.items())[-(_RESULTS_KEPT - 1) :])
        kept[key] = answer
        self._store("answers.marshal", kept)

    def site_history(self) -> dict[str, Any]:
        """Each team file's objectives' commits in words, by path (see ``site.changelog``)."""
        return self._mapping("changelog.marshal")

    def store_site_history(self, kept: dict[str, Any]) -> None:
        self._store("changelog.marshal", kept)

    def _marshalled(self, name: str) -> Any:
        with contextlib.suppress(Exception):
            return marshal.loads((self.directory / name).read_bytes())
        return None

    def _mapping(self, name: str) -> dict[str, Any]:
        found = self._marshalled(name)
        return found if isinstance(found, dict) else {}

    def _unpacked(self, name: str) -> Parsed:
        """The values of the chunks kept in ``name``, by path; nothing when any is damaged."""
        found = self._marshalled(name)
        values: Parsed = {}
        try:
            for paths, digests, packed in found:
                for path, digest, value in zip(paths, digests, marshal.loads(packed), strict=True):
                    if value is not None and isinstance(path, str) and isinstance(digest, str):
                        values[path] = (digest, value)
        except Exception:  # of another shape, or cut short: the files are read instead
            return {}
        return values

    def _store(self, name: str, value: Any) -> None:
        with contextlib.suppress(ValueError):  # data nested too deeply to marshal
            self._write(name, marshal.dumps(value))

    def outlines(self) -> Parsed:
        """Each team file's data without its check-ins, by path, with the digest of the bytes
        it came from (the site's rebuilds read check-ins only where they show them)."""
        return self._unpacked("outlines.marshal")

    def store_outlines(self, chunks: list[Chunk]) -> None:
        self._store("outlines.marshal", chunks)

    def parsed(self) -> Parsed:
        """Each team file's parsed data by path, with the digest of the bytes it came from."""
        return self._unpacked("parsed.marshal")

    def store_parsed(self, chunks: list[Chunk]) -> None:
        self._store("parsed.marshal", chunks)

    def file_parts(self, name: str) -> dict[str, Any]:
        """What each team file alone decides of the site, by path (see ``site.parts``)."""
        return self._mapping(f"parts-{name}.marshal")

    def store_file_parts(self, name: str, parts: dict[str, Any]) -> None:
        self._store(f"parts-{name}.marshal", parts)

    def site(self, out: Path) -> dict[str, Any]:
        """What the last build into ``out`` wrote (see ``site.manifest``); empty when unknown."""
        return self._mapping(_site_file(out))

    def store_site(self, out: Path, manifest: dict[str, Any]) -> None:
        self._store(_site_file(out), manifest)

    def _results(self) -> dict[str, Any]:
        with contextlib.suppress(Exception):
            found = json.loads((self.directory / "results.json").read_bytes())
            if isinstance(found, dict):
                return found
        return {}

    def _write(self, name: str, data: bytes) -> None:
        # A cache that cannot be written (read-only home, full disk) only costs speed.
        with contextlib.suppress(OSError):
            self.directory.mkdir(parents=True, exist_ok=True)
            atomic_write(self.directory / name, data)
