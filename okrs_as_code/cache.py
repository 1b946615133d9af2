"""A cache of validation work, keyed by file content, safe to delete and never trusted blindly.

Two things are kept per repository: the outcomes of recent runs, keyed by a digest of every
input (each file's bytes, the as-of date, the files asked about, the toolkit and its schemas),
and a *skeleton* of each team file (what other files' rules need to know of it: objective ids,
status, alignments and key result ids), keyed by the file's digest. A pre-commit run on one
changed file then parses that file alone. A third file keeps, per commit hash, the parsed data of
the OKR files that commit changed, so the git history is read again only for new commits; a
fourth the parsed org.yaml, which every run reads. For the site, each team file's parsed data
(keyed by its digest, so only changed files are parsed again) and, per output folder, what the
last build wrote. A cache file that cannot be read is ignored.
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
_OBJECTIVE_KEYS = ("id", "status", "reason", "aligns_to")
Skeletons = dict[str, tuple[str, Any]]  # path -> (digest, skeleton data)
Parsed = dict[str, tuple[str, Any]]  # path -> (digest, the file's data)


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


def _history_file(check_ins: bool) -> str:
    # Check-ins are most of every version, and the history rules never read them.
    return "history.marshal" if check_ins else "commitments.marshal"


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

    def skeletons(self) -> Skeletons:
        return self._marshalled("skeletons.marshal")

    def store_skeletons(self, skeletons: Skeletons) -> None:
        self._write("skeletons.marshal", marshal.dumps(skeletons))

    def parsed_org(self, digest: str) -> tuple[bool, Any]:
        """The data of org.yaml kept by :meth:`store_parsed_org`, if its digest is ``digest``."""
        with contextlib.suppress(Exception):
            kept, data = marshal.loads((self.directory / "org.marshal").read_bytes())
            if kept == digest:
                return True, data
        return False, None

    def store_parsed_org(self, digest: str, data: Any) -> None:
        # org.yaml is read by every run, and on a large organisation it is large.
        with contextlib.suppress(ValueError):
            self._write("org.marshal", marshal.dumps((digest, data)))

    def history(self, check_ins: bool = True) -> dict[str, Any]:
        """The parsed files each commit changed, by commit hash (see :func:`history.replay`);
        without ``check_ins``, the smaller copy the history rules read."""
        return self._marshalled(_history_file(check_ins))

    def store_history(self, commits: dict[str, Any], check_ins: bool = True) -> None:
        # marshal, like the skeletons: several times faster to read back than JSON.
        with contextlib.suppress(ValueError):
            self._write(_history_file(check_ins), marshal.dumps(commits))

    def parsed(self) -> Parsed:
        """Each team file's parsed data by path, with the digest of the bytes it came from."""
        return self._marshalled("parsed.marshal")

    def store_parsed(self, parsed: Parsed) -> None:
        with contextlib.suppress(ValueError):  # data nested too deeply to marshal
            self._write("parsed.marshal", marshal.dumps(parsed))

    def site(self, out: Path) -> dict[str, Any]:
        """What the last build into ``out`` wrote (see ``site.manifest``); empty when unknown."""
        return self._marshalled(_site_file(out))

    def store_site(self, out: Path, manifest: dict[str, Any]) -> None:
        self._write(_site_file(out), marshal.dumps(manifest))

    def _marshalled(self, name: str) -> dict[str, Any]:
        with contextlib.suppress(Exception):
            found = marshal.loads((self.directory / name).read_bytes())
            if isinstance(found, dict):
                return found
        return {}

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
