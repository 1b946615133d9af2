"""Work on both cores: parsing many files in two processes, and other work beside this one.

The parser holds the interpreter for the whole of a file, so threads would not help; a forked
worker process parses chunks of the files and hands back their data through marshal, the
fastest way to move plain data between Python processes. The worker takes chunks from the
front and this process from the back, each the next one nobody has taken, so both finish
together however the work divides: this process also assembles every file, its own and the
worker's, as each comes. Files therefore come back out of order, each with its index. When a
cache is to be filled, each process packs the chunks it parsed for it as it goes, and the
worker's chunks are kept as they came.

``beside`` does one piece of work (the site's rules, its ``okrs.json``, half of the history's
versions) in a forked process while this one goes on, and hands back its result.
"""

from __future__ import annotations

import contextlib
import marshal
import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable, Generator, Iterator
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, SpawnContext
from typing import Any, NamedTuple, TypeVar

from .diagnostics import Finding, Where
from .loader import SourceFile, parse_bytes

# Below this many bytes a second process costs more than it saves.
PARALLEL_FROM_BYTES = 4 * 1024 * 1024
# A chunk is small enough for the two processes to finish within one chunk of each other, and
# large enough that handing it over costs little beside parsing it.
_CHUNK_BYTES = 1024 * 1024

Item = tuple[str, bytes]  # a file's path and bytes
T = TypeVar("T")


class Packed(NamedTuple):
    """A chunk of parsed files packed with marshal: their paths, the list of their data (None
    for a file that did not parse) and the list of their outlines (their data without
    check-ins), which a cache can keep as they are."""

    paths: list[str]
    data: bytes
    outlines: bytes


def parse_many(
    items: list[Item], packed: list[Packed] | None = None
) -> Generator[tuple[int, SourceFile], None, None]:
    """Parse each (path, bytes), using a second process when it pays: (index, parsed file)
    pairs, in no particular order.

    With ``packed``, each chunk is also packed with its outlines, by the process that parsed
    it, and added to ``packed``: filling a cache then takes no time once the parsing is done.
    """
    total = sum(len(raw) for _, raw in items)
    if total < PARALLEL_FROM_BYTES or (os.cpu_count() or 1) < 2 or in_worker():
        yield from ((i, parse_bytes(path, raw)) for i, (path, raw) in enumerate(items))
        return
    chunks = _chunks(items)
    context = _context()
    # The chunks not yet taken: the worker takes the first, this process the last.
    left = context.Array("i", [0, len(chunks)])
    receiver, sender = context.Pipe(duplex=False)
    outlined = packed is not None
    worker = context.Process(
        target=_work, args=(items, chunks, left, sender, outlined), daemon=True
    )
    worker.start()
    sender.close()
    done: set[int] = set()

    def received() -> list[tuple[int, SourceFile]]:
        """The next chunk the worker sent, or nothing once it has closed its end."""
        try:
            taken, data, metas, outlines = receiver.recv()
        except EOFError:
            return []
        done.add(taken)
        chunk = chunks[taken]
        files = items[chunk.start : chunk.stop]
        if packed is not None and outlines is not None:
            packed.append(Packed([path for path, _ in files], data, outlines))
        return list(zip(chunk, _unpack((data, metas), files), strict=True))

    try:
        while (taken := _take(left, last=True)) is not None:
            done.add(taken)
            chunk = chunks[taken]
            sources = []
            for index in chunk:
                sources.append(parse_bytes(*items[index]))
                yield index, sources[-1]
                while receiver.poll() and (theirs := received()):  # between files, as they come
                    yield from theirs
            if packed is not None:  # packed while the worker still parses, rather than after
                with contextlib.suppress(ValueError):  # data nested too deeply to marshal
                    packed.append(pack(sources))
        while theirs := received():
            yield from theirs
        # Should the worker have failed, what it took and did not send is parsed here.
        for taken in sorted(set(range(len(chunks))) - done):
            yield from ((i, parse_bytes(*items[i])) for i in chunks[taken])
    finally:
        receiver.close()
        worker.join()


def in_worker() -> bool:
    """Whether this process is a worker of this module's (the rules beside the site's
    statuses, say). It does its work itself: multiprocessing lets no worker start another,
    and the failure would have the parent do the whole of the worker's work again."""
    return multiprocessing.current_process().daemon


def _context() -> ForkContext | SpawnContext:
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")  # the worker inherits the bytes
    return multiprocessing.get_context("spawn")


def _take(left: Any, last: bool) -> int | None:
    """The index of the next chunk nobody has taken, from the back or the front."""
    with left.get_lock():
        if left[0] >= left[1]:
            return None
        if last:
            left[1] -= 1
            return int(left[1])
        left[0] += 1
        return int(left[0] - 1)


def _work(
    items: list[Item], chunks: list[range], left: Any, sender: Connection, outlined: bool
) -> None:
    # A fault here stops the worker quietly: this process parses what it took and did not send,
    # and so raises any error itself, where it is reported like any other.
    with contextlib.suppress(Exception), sender:
        while (taken := _take(left, last=False)) is not None:
            chunk = chunks[taken]
            data, metas, outlines = _parse_packed(items[chunk.start : chunk.stop], outlined)
            sender.send((taken, data, metas, outlines))


def _chunks(items: list[Item]) -> list[range]:
    chunks, start, size = [], 0, 0
    for index, (_, raw) in enumerate(items):
        size += len(raw)
        if size >= _CHUNK_BYTES:
            chunks.append(range(start, index + 1))
            start, size = index + 1, 0
    if start < len(items):
        chunks.append(range(start, len(items)))
    return chunks


@contextlib.contextmanager
def beside(work: Callable[[], T], worth_it: bool = True) -> Iterator[Callable[[], T]]:
    """``work`` done in a forked process while the body of the ``with`` runs in this one; the
    body asks for its result (pickled back) when it needs it, and the end of the body waits.

    When it is not ``worth_it``, where fork is not available, or in a worker, the work is
    simply done first. Should the process fail, the work is done again here, so that its
    error is raised as usual.
    """
    if not worth_it or (os.cpu_count() or 1) < 2 or sys.platform != "linux" or in_worker():
        value = work()
        yield lambda: value
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_send, args=(work, sender), daemon=True)
    process.start()
    sender.close()
    got: list[T] = []

    def result() -> T:
        if not got:
            try:
                packed = receiver.recv_bytes()
            except EOFError:
                packed = b""
            process.join()
            got.append(pickle.loads(packed) if packed else work())
        return got[0]

    try:
        yield result
    except BaseException:
        process.kill()
        process.join()
        raise
    result()
    receiver.close()


def _send(work: Callable[[], Any], sender: Connection) -> None:
    # os._exit: no traceback printed from the child (the parent does the work again and raises
    # its error), and no output buffers inherited from the parent flushed a second time.
    try:
        sender.send_bytes(pickle.dumps(work()))
    except BaseException:
        os._exit(1)
    os._exit(0)


# Parsed files as the worker sends them: the marshal of the list of their data, and for each
# whether it was text and its error's message, line and column.
Sent = tuple[bytes, list[tuple[bool, tuple[str, int | None, int | None] | None]]]


def _parse_packed(
    items: list[tuple[str, bytes]], outlined: bool = False
) -> tuple[bytes, Any, bytes | None]:
    sources = [parse_bytes(path, raw) for path, raw in items]
    # The text is decoded again from the bytes the parent holds: cheaper than sending it.
    metas = [(s.text is not None, _fields(s.error)) for s in sources]
    try:
        if outlined:
            packed = pack(sources)
            return packed.data, metas, packed.outlines
        return marshal.dumps([s.data for s in sources]), metas, None
    except ValueError:  # data nested too deeply to marshal: the parent parses them again
        return marshal.dumps(None), None, None


def pack(sources: list[SourceFile]) -> Packed:
    """The files' data and outlines packed for a cache; ValueError for data nested too deeply
    to marshal."""
    # Imported here: its expressions take 10 ms to compile, which only a cache's filling pays.
    from .versions import without_check_ins

    data = marshal.dumps([s.data for s in sources])
    outlines = [without_check_ins(s.data) if s.ok else None for s in sources]
    return Packed([s.path for s in sources], data, marshal.dumps(outlines))


def _fields(error: Finding | None) -> tuple[str, int | None, int | None] | None:
    return (error.message, error.line, error.column) if error is not None else None


def _unpack(sent: Sent, items: list[tuple[str, bytes]]) -> list[SourceFile]:
    packed, metas = sent
    data = marshal.loads(packed)
    if data is None:
        return [parse_bytes(path, raw) for path, raw in items]
    return [
        SourceFile(path, raw.decode("utf-8-sig") if has_text else None, value, _error(path, fields))
        for (path, raw), value, (has_text, fields) in zip(items, data, metas, strict=True)
    ]


def _error(path: str, fields: tuple[str, int | None, int | None] | None) -> Finding | None:
    if fields is None:
        return None
    message, line, column = fields
    return Finding("OKR001", Where(path), message, line=line, column=column)
