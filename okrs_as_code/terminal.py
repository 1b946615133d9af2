"""Progress on a terminal: the command line's ``Tracker``, a bar on standard error.

The bar is for a person waiting at a terminal, so it appears only when standard error is one
(not a pipe, not a CI log, not ``TERM=dumb``) and only once the work has lasted long enough to
be worth watching: ``OKRS_PROGRESS_DELAY`` seconds, 1 unless set (0 shows it at once). Standard
output is never touched, so what a command prints stays the same with or without the bar.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

DEFAULT_DELAY = 1.0


def watched(stream: TextIO) -> bool:
    """Whether a person is likely watching ``stream``: a terminal, outside CI, not dumb."""
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return False


def _delay() -> float:
    with contextlib.suppress(ValueError):
        return max(0.0, float(os.environ.get("OKRS_PROGRESS_DELAY", DEFAULT_DELAY)))
    return DEFAULT_DELAY


class TerminalTracker:
    """Draws each stage as a ``click.progressbar`` once the work has lasted long enough.

    Use it as a context manager, so that the bar ends (and the cursor it hides comes back)
    even when the work fails.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = watched(self.stream)
        self.delay = _delay()
        self.began: float | None = None
        self.label, self.total, self.done = "", 0, 0
        self._bar: ProgressBar[int] | None = None
        self._stack = contextlib.ExitStack()

    def start(self, label: str, total: int) -> None:
        self.finish()
        self.began = time.monotonic() if self.began is None else self.began
        self.label, self.total, self.done = label, total, 0

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        if self._bar is not None:
            self._bar.update(steps)
        elif self._due():
            self._bar = self._stack.enter_context(
                click.progressbar(
                    length=self.total,
                    label=self.label,
                    file=self.stream,
                    update_min_steps=max(1, self.total // 200),  # redraw at most 200 times
                )
            )
            self._bar.update(self.done)

    def finish(self) -> None:
        self._bar = None
        self._stack.close()

    def _due(self) -> bool:
        if not self.enabled or self.began is None or self.total <= 0:
            return False
        return time.monotonic() - self.began >= self.delay

    def __enter__(self) -> TerminalTracker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.finish()
