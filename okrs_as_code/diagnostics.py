"""Findings, diagnostics and severities: what every stage of the pipeline produces."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal

Pointer = tuple[str | int, ...]


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class Where:
    """A place in one YAML file: a JSON-pointer-like path, resolved to line and column on demand.

    Positions are looked up only for files that have something to report, so the hot path
    (clean files) never pays for them.
    """

    file: str
    pointer: Pointer = ()
    at: Literal["key", "value"] = "value"

    def child(self, *parts: str | int) -> Where:
        return Where(self.file, self.pointer + parts)

    def key(self, name: str) -> Where:
        return Where(self.file, (*self.pointer, name), "key")


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule says, before its severity is known and its position is looked up.

    ``line`` is set when the producer already knows the position (a parse error does).
    """

    code: str
    where: Where
    message: str
    hint: str | None = None
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    hint: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)
