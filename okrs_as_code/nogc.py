"""Bulk reading without the cyclic garbage collector.

Loading files and replaying history build millions of objects and no cycles: the collector would
only rescan them again and again (a third of the loading time on a large organisation, and most
of the time a warm history read spends loading its cache beside a loaded organisation).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def without_gc(keep: bool = False) -> Iterator[None]:
    """No cyclic collection inside the block (reference counting still frees everything).

    With ``keep``, what the block built lives for the rest of the run (a loaded organisation),
    so it is frozen out of the collector's sight: otherwise the next full collection scans it
    all, which takes seconds on a large organisation.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if enabled:
            gc.enable()
