"""Text for a terminal: one clean line of user text, measured and cut in display columns."""

from __future__ import annotations

import math
import unicodedata

ELLIPSIS = "…"


def one_line(text: str) -> str:
    """User text as one printable line: newlines, tabs and control characters become spaces.

    A title could otherwise carry an escape sequence that repaints the user's terminal.
    """
    if text.isprintable():  # nearly always, and a tree prints thousands of lines
        return " ".join(text.split())
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(printable.split())


def _columns(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def width(text: str) -> int:
    """Columns the text takes in a terminal: wide East Asian characters take two."""
    if text.isascii():  # one column each, and the common case
        return len(text)
    return sum(_columns(ch) for ch in text)


def fit(text: str, columns: int) -> str:
    """The text cut to at most ``columns`` columns, ending with an ellipsis when cut."""
    if width(text) <= columns:
        return text
    if columns <= 0:
        return ""
    kept, used = [], 0
    for ch in text:
        if used + _columns(ch) > columns - 1:
            break
        kept.append(ch)
        used += _columns(ch)
    return "".join(kept).rstrip() + ELLIPSIS


def pad(text: str, columns: int) -> str:
    """The text padded with spaces to ``columns`` columns."""
    return text + " " * max(0, columns - width(text))


def percent(fraction: float) -> str:
    """A fraction as a whole percentage, rounded half up (0.545 is 55%, not 54%)."""
    # Rounded to 6 places first, so 0.285 (28.499999...) is 29%.
    return f"{math.floor(round(fraction * 100, 6) + 0.5)}%"
