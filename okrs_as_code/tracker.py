"""How long work tells how far it has got, without printing anything itself.

The core takes a ``Tracker`` and calls it as it goes; the command line decides whether a person
is watching (a terminal) and how to show it. Work nobody watches gets ``SILENT``.
"""

from __future__ import annotations

from typing import Protocol


class Tracker(Protocol):
    def start(self, label: str, total: int) -> None:
        """A stage of ``total`` steps begins (a new stage ends the previous one)."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps of the current stage are done."""

    def finish(self) -> None:
        """The current stage is over."""


class _Silent:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass


SILENT: Tracker = _Silent()
