"""Markdown that user text cannot break: escaped cells, tables, and a size limit.

Everything from YAML goes through ``text``: a title holding ``|``, ``<script>`` or a newline
stays inside its table cell and shows as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_PUNCTUATION = re.compile(r"([\\`*_~\[\]|])")  # emphasis, code, links and table cells
_SAFE_CODE = re.compile(r"^[A-Za-z0-9#/._-]+$")


def text(value: str) -> str:
    """User text for inline Markdown: one line, markup escaped, HTML shown as text."""
    line = " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())
    line = _PUNCTUATION.sub(r"\\\1", line)
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(value: str) -> str:
    """An identifier or reference as inline code, or as escaped text when it is not plain."""
    return f"`{value}`" if _SAFE_CODE.match(value) else text(value)


@dataclass(frozen=True)
class Line:
    text: str
    kind: str = "text"  # text | table (header or delimiter row) | row (a table's data row)


def table(headers: Sequence[str], align: str, rows: Iterable[Sequence[str]]) -> list[Line]:
    """A GitHub-flavoured table; ``align`` has one letter per column, l or r. Cells are ready."""
    delimiter = "|" + "|".join("--:" if a == "r" else "---" for a in align) + "|"
    lines = [Line("| " + " | ".join(headers) + " |", "table"), Line(delimiter, "table")]
    lines.extend(Line("| " + " | ".join(cells) + " |", "row") for cells in rows)
    return lines


def join(lines: list[Line], max_bytes: int) -> str:
    """The document, cut at a line when longer than ``max_bytes``, ending "and N more rows"."""
    whole = "\n".join(line.text for line in lines) + "\n"
    if len(whole.encode("utf-8")) <= max_bytes:
        return whole
    kept = _within(lines, max_bytes - 200)  # room for the closing line
    left = sum(line.kind == "row" for line in lines[len(kept) :])
    while kept and kept[-1].kind == "table":  # never leave a table header without rows
        kept.pop()
    note = f"_and {left} more rows, left out to keep this report under {max_bytes:,} bytes_"
    return "\n".join([*(line.text for line in kept), "", note]) + "\n"


def _within(lines: list[Line], budget: int) -> list[Line]:
    """The leading lines that fit in ``budget`` bytes."""
    used = 0
    for index, line in enumerate(lines):
        used += len(line.text.encode("utf-8")) + 1
        if used > budget:
            return lines[:index]
    return lines
