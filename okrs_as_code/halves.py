"""A full validation of a large organisation on both cores: each process checks half the files.

Loading every file and running every rule in one process leaves the second core idle for most
of the run. Here a forked process takes the second half of the team files and this one the
first: each parses its own half, and the two swap their files' skeletons (the part of a file
that rules about other files look at; see ``cache.skeleton``). Each then assembles its own
half whole and the other half from those skeletons, and runs every rule, reporting its own
half (this process reports ``org.yaml`` too). This is how a pre-commit run checks one file
with the others' skeletons, and it rests on the same ground: a rule's findings lie in the file
of the thing they are about, and about other files it looks only at their skeletons. The
history, when a history rule needs it, is read once before the split, and both processes
inherit it.

Should the other process fail, :func:`check` returns None and the caller checks everything
in this process, so that any error is raised as usual.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import multiprocessing
import os
import pickle
import sys
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from .cache import skeleton
from .diagnostics import Diagnostic
from .loader import SourceFile, parse_bytes
from .nogc import without_gc
from .parallel import in_worker
from .repository import ORG_FILE
from .snapshot import RawFile, Snapshot

if TYPE_CHECKING:
    from .timeline import Timeline
    from .validate import Loaded, Outcome

# By path, whether the file parsed, and its skeleton.
Skeletons = dict[str, tuple[bool, Any]]

# Below this many bytes of team files a second process costs more than it saves.
SPLIT_FROM_BYTES = 4 * 1024 * 1024


def worth_it(snap: Snapshot) -> bool:
    """Whether the files are many enough for a second process to pay, and one can be forked."""
    if (os.cpu_count() or 1) < 2 or sys.platform != "linux" or in_worker():
        return False
    return sum(len(content) for content in _readable(snap.team_files)) >= SPLIT_FROM_BYTES


def check(
    snap: Snapshot, as_of: dt.date, history: Timeline | str | None
) -> tuple[Outcome, Loaded, Skeletons] | None:
    """Every rule over every file, the files shared with a forked process: the outcome, what
    this process loaded (its half whole, the other half from skeletons) and every file's
    skeleton; None when the other process failed."""
    mine, theirs = _halves(snap.team_files)
    context = multiprocessing.get_context("fork")  # the other process inherits the bytes
    here, there = context.Pipe(duplex=True)
    process = context.Process(
        target=_other, args=(snap, theirs, as_of, history, there), daemon=True
    )
    process.start()
    there.close()
    try:
        with here:
            parsed = _parsed(mine)
            known = _skeletons(parsed)
            try:
                # Received before sending: either message fills the pipe's buffer many times.
                theirs_known = marshal.loads(here.recv_bytes())
                here.send_bytes(marshal.dumps(known))
                known.update(theirs_known)
                loaded = _loaded(snap, parsed, known)
                result = _outcome(loaded, as_of, {*parsed, ORG_FILE}, history, len(snap.files))
                found: list[Diagnostic] = pickle.loads(here.recv_bytes())
            except (EOFError, OSError):  # the other process failed
                return None
    finally:
        with contextlib.suppress(Exception):
            process.kill()
        process.join()
    result.diagnostics = sorted(result.diagnostics + found, key=Diagnostic.sort_key)
    return result, loaded, known


def _other(
    snap: Snapshot,
    theirs: list[RawFile],
    as_of: dt.date,
    history: Timeline | str | None,
    connection: Connection,
) -> None:
    # os._exit: no traceback printed from this process (the parent checks everything again and
    # raises the error), and no output buffers inherited from the parent flushed a second time.
    try:
        with connection:
            parsed = _parsed(theirs)
            known = _skeletons(parsed)
            connection.send_bytes(marshal.dumps(known))
            known.update(marshal.loads(connection.recv_bytes()))
            loaded = _loaded(snap, parsed, known)
            result = _outcome(loaded, as_of, set(parsed), history, len(snap.files))
            connection.send_bytes(pickle.dumps(result.diagnostics))
    except BaseException:
        os._exit(1)
    os._exit(0)


def _halves(files: list[RawFile]) -> tuple[list[RawFile], list[RawFile]]:
    """The team files cut where half their bytes lie before: the first half and the second."""
    total = sum(len(content) for content in _readable(files))
    so_far = 0
    for index, raw in enumerate(files):
        if so_far * 2 >= total:
            return files[:index], files[index:]
        if isinstance(raw.content, bytes):
            so_far += len(raw.content)
    return files, []


def _readable(files: list[RawFile]) -> Iterator[bytes]:
    return (raw.content for raw in files if isinstance(raw.content, bytes))


def _parsed(files: list[RawFile]) -> dict[str, SourceFile]:
    with without_gc(keep=True):  # what parsing builds lives for the rest of the run
        return {
            raw.path: parse_bytes(raw.path, raw.content)
            if isinstance(raw.content, bytes)
            else raw.parse()
            for raw in files
        }


def _skeletons(parsed: dict[str, SourceFile]) -> Skeletons:
    return {path: (source.ok, skeleton(source.data)) for path, source in parsed.items()}


def _loaded(snap: Snapshot, parsed: dict[str, SourceFile], known: Skeletons) -> Loaded:
    """This process's half whole and the other half from skeletons; a file of the other half
    that did not parse is left out, as it is left out of the model when parsed here."""
    from .validate import _load

    others = {path: shape for path, (ok, shape) in known.items() if ok and path not in parsed}
    kept = [raw for raw in snap.team_files if raw.path in parsed or raw.path in others]
    half = Snapshot(snap.root, snap.org_source, snap.org, [snap.files[0], *kept])
    return _load(half, others, parsed)


def _outcome(
    loaded: Loaded,
    as_of: dt.date,
    reported: set[str],
    history: Timeline | str | None,
    files: int,
) -> Outcome:
    from .timeline import Timeline
    from .validate import outcome

    if isinstance(history, Timeline):
        # This half's objectives are judged against their own versions alone.
        mine = [file for file in loaded.model.files if file.path in reported]
        history = history.of_owners(frozenset((f.period or "", f.team or "") for f in mine))
    return outcome(loaded, as_of, reported, files, history)
