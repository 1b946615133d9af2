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
def without_gc() -> Iterator[None]:
    """No cyclic collection inside the block (reference counting still frees everything)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
