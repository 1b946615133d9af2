"""Parsing many files on every core: a large organisation's YAML is parsed in two halves at once.

The parser holds the interpreter for the whole of a file, so threads would not help; a worker
process parses part of the files and hands back their data through marshal, the fastest way
to move plain data between Python processes. Files come back one by one, this process's half
first, so the caller can assemble them while the worker is still parsing.
"""

from __future__ import annotations

import contextlib
import functools
import marshal
import multiprocessing
import os
import sys
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from .diagnostics import Finding, Where
from .loader import SourceFile, parse_bytes

# Below this many bytes a second process costs more than it saves.
PARALLEL_FROM_BYTES = 4 * 1024 * 1024


def parse_many(items: list[tuple[str, bytes]]) -> Generator[SourceFile, None, None]:
    """Parse each (path, bytes), in order, using a second process when it pays."""
    total = sum(len(raw) for _, raw in items)
    if total < PARALLEL_FROM_BYTES or (os.cpu_count() or 1) < 2:
        yield from (parse_bytes(path, raw) for path, raw in items)
        return
    cut, running = 0, 0
    while cut < len(items) and running < total / 2:
        running += len(items[cut][1])
        cut += 1
    with other_process(functools.partial(_parse_packed, items[cut:])) as theirs:
        yield from (parse_bytes(path, raw) for path, raw in items[:cut])
        yield from _unpack(theirs(), items[cut:])


@contextlib.contextmanager
def other_process(work: Callable[[], bytes]) -> Iterator[Callable[[], bytes]]:
    """``work`` started in a second process; the caller works meanwhile, then asks for its
    result (plain data packed with marshal, the fastest way between Python processes)."""
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(work)
        yield future.result


def _parse_packed(items: list[tuple[str, bytes]]) -> bytes:
    packed: list[Any] = []
    for path, raw in items:
        source = parse_bytes(path, raw)
        error = source.error
        fields = (error.message, error.line, error.column) if error is not None else None
        # The text is decoded again from the bytes the parent holds: cheaper than sending it.
        packed.append((source.text is not None, source.data, fields))
    try:
        return marshal.dumps(packed)
    except ValueError:  # data nested too deeply to marshal: the parent parses them again
        return marshal.dumps(None)


def _unpack(packed: bytes, items: list[tuple[str, bytes]]) -> list[SourceFile]:
    entries = marshal.loads(packed)
    if entries is None:
        return [parse_bytes(path, raw) for path, raw in items]
    return [
        SourceFile(path, raw.decode("utf-8-sig") if has_text else None, data, _error(path, fields))
        for (path, raw), (has_text, data, fields) in zip(items, entries, strict=True)
    ]


def _error(path: str, fields: tuple[str, int | None, int | None] | None) -> Finding | None:
    if fields is None:
        return None
    message, line, column = fields
    return Finding("OKR001", Where(path), message, line=line, column=column)
