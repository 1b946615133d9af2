"""Text for the site: Markdown descriptions made safe, numbers as people write them, safe paths.

Descriptions are CommonMark with raw HTML off; a link keeps its target only when it is relative,
``http(s):`` or ``mailto:`` (anything else, ``javascript:`` included, stays text), and images
are off, since a picture from elsewhere would be a request leaving the page.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from markdown_it import MarkdownIt
from markupsafe import Markup

from ..model import KeyResult, Kind

_SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
PERIOD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")
_SPECIAL = re.compile("[&<>\"']")  # what HTML escaping replaces


def safe_link(url: str) -> bool:
    """Relative links and http(s):, mailto: ones; never javascript:, data: and the like."""
    text = url.strip()
    if any(ord(c) < 32 for c in text) or text.startswith("//") or text.startswith("\\"):
        return False
    if not _SCHEME.match(text):
        return True
    return text.lower().startswith(_SAFE_SCHEMES)


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.disable("image")
    md.validateLink = safe_link  # type: ignore[method-assign]
    return md


_MD = _markdown()
# A one-line paragraph of words, digits and punctuation that means nothing in Markdown is its
# own HTML, and markdown-it would only wrap it; most descriptions are such a sentence, and
# skipping the parser for them halves the cost of a large site's descriptions.
# tests/test_markdown.py holds the two to the same output.
_PLAIN = re.compile(r"[^\W\d_](?:[^\W_]|[ ,.;:'?%/()+=!-])*(?<! )\n?")
# The same for one line of a longer text: such lines make paragraphs and, after "- ", the items
# of a tight bullet list, the other common shape of a description.
_LINE = re.compile(r"[^\W\d_](?:[^\W_]|[ ,.;:'?%/()+=!-])*(?<! )")
_BLANK_LINES = re.compile(r"\n\n+")


@functools.lru_cache(maxsize=1 << 12)  # key results measured the same way share a sentence
def to_html(text: str) -> str:
    """CommonMark as safe HTML, as the site renders descriptions."""
    if _PLAIN.fullmatch(text):
        return "<p>" + text.removesuffix("\n") + "</p>\n"
    plain = _plain_blocks(text)
    return plain if plain is not None else _MD.render(text)


def _plain_blocks(text: str) -> str | None:
    """Paragraphs of plain lines and tight "- " lists of plain items, separated by blank lines,
    as markdown-it writes them; None for anything else."""
    if text.startswith("\n") or text.endswith("\n\n"):
        return None
    parts: list[str] = []
    listed = False  # two lists with only blank lines between are one loose list
    for block in _BLANK_LINES.split(text.removesuffix("\n")):
        lines = block.split("\n")
        if all(line.startswith("- ") and _LINE.fullmatch(line, 2) for line in lines):
            if listed:
                return None
            parts.append("<ul>\n" + "".join(f"<li>{line[2:]}</li>\n" for line in lines) + "</ul>\n")
            listed = True
        elif all(_LINE.fullmatch(line) for line in lines):
            parts.append("<p>" + block + "</p>\n")
            listed = False
        else:
            return None
    return "".join(parts)


class Markdown:
    """A description, rendered to safe HTML when a page shows it (templates call ``__html__``).

    Rendering is most of the cost of an objective's view and only its own page shows the
    description, so it happens in whichever process renders that page, and only once.
    """

    __slots__ = ("_html", "text")

    def __init__(self, text: str | None) -> None:
        self.text = text or ""
        self._html: Markup | None = None

    def __html__(self) -> Markup:
        if self._html is None:
            self._html = Markup(to_html(self.text)) if self.text else Markup("")
        return self._html

    def __str__(self) -> str:
        return str(self.__html__())

    def __bool__(self) -> bool:
        return bool(self.text) and bool(self.__html__())

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:  # what a page's key digests: the text, not the HTML
        return f"Markdown({self.text!r})"


def markdown(text: str | None) -> Markdown:
    """A description as safe HTML (empty when there is none), rendered when first shown."""
    return Markdown(text)


@functools.lru_cache(maxsize=1 << 16)  # a site shows the same few values (0.77, 100) often
def number(value: float | None) -> str:
    """A value as written in YAML: 3420, 4.69, 99.95 (never 3.42e+03); a dash when absent."""
    if value is None:
        return "—"
    text = f"{round(value, 4):f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def has_special(texts: Iterable[str]) -> bool:
    """Whether any of the texts needs escaping in HTML: one look at them all, since the dates,
    numbers and notes of a chart or a check-in list seldom do."""
    return _SPECIAL.search("".join(texts)) is not None


def with_unit(text: str, unit: str | None) -> str:
    if not unit or text == "—":
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def percent(fraction: float) -> str:
    """A clamped fraction as a whole percentage: 0.523 -> "52%"."""
    return f"{round(min(1.0, max(0.0, fraction)) * 100)}%"


def goal(kr: KeyResult) -> str:
    """What the key result aims at, in words: "30 min", "keep ≥ 99.9%", "done"."""
    if kr.kind is Kind.METRIC:
        return with_unit(number(kr.target), kr.unit)
    if kr.kind is Kind.KEEP:
        if kr.keep_at_least is not None:
            return "keep ≥ " + with_unit(number(kr.keep_at_least), kr.unit)
        return "keep ≤ " + with_unit(number(kr.keep_at_most), kr.unit)
    if kr.kind is Kind.MILESTONE:
        return "done"
    return "—"


@functools.lru_cache(maxsize=1 << 16)  # every link to a page asks again
def safe_ids(*parts: str) -> bool:
    """Whether an output path may be built from these ids: the first a period, the rest ids."""
    first, *rest = parts
    # fullmatch: with match, `$` also matches before a final newline ("goal\n" is no id).
    return bool(PERIOD_ID.fullmatch(first)) and all(ID.fullmatch(part) for part in rest)
