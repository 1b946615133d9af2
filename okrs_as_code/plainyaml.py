"""A one-pass reader for the common shape of OKR files, several times faster than libyaml.

Nearly every OKR file is block mappings and sequences of one-line values: plain or quoted
scalars, one-line flow collections of scalars (the check-ins) and literal or folded text.
libyaml spends most of its time building a node, with two marks, for every scalar; this reader
cuts every line into indentation, dash, key and rest with one regular expression over the whole
text and builds the data directly. Check-ins are most of the lines of most files: a run of them
in the shape ``okrs check-in`` writes is cut by one more expression over the whole run rather
than line by line, unless the marks of keys are asked for.

It reads a strict subset of YAML, and reads it exactly as :mod:`yamlsafe` does (the YAML 1.2
core schema, dates kept as text). Anything outside that subset, whether unusual or wrong (tags,
anchors, multi-line plain or quoted scalars, tabs, duplicate keys, document markers, keys that
are not plain words...) raises :class:`Declined`, and the full parser reads the file instead,
with its own errors and their positions. ``tests/test_plain_yaml.py`` holds the two readers to
the same result on every document the repository holds and on many thousands of variations.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from typing import Any, NamedTuple

try:  # the same reader in C, built with the toolkit where a C compiler was found
    from . import _plainc
except ImportError:  # pragma: no cover (the Python reader reads alone)
    _plainc = None  # type: ignore[assignment]

__all__ = ["Declined", "read"]


class Declined(Exception):
    """The text is not in the subset this reader knows; the full parser must read it."""


# Characters libyaml reads as something other than plain content: C0 and C1 controls (tab and
# carriage return included), other line breaks, byte-order marks and non-characters.
_UNUSUAL = re.compile(
    "[^\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# Every line: indentation, a sequence dash, a key (a plain word, or double-quoted without
# escapes), and the rest.
_LINE = re.compile(
    r'^( *)(- +)?(?:([A-Za-z_][A-Za-z0-9_-]{0,200}|"[^"\\\n]{1,200}"):(?: +|$))?(.*)$', re.M
)
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_WORDS: dict[str, Any] = {
    "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True,
    "false": False, "False": False, "FALSE": False,
}  # fmt: skip
# Escapes that mean the same in YAML and JSON (so json.loads decodes them), no surrogates; on
# one line.
_DOUBLE_BODY = r'[^"\\\n]*+(?:\\(?:["\\bfnrt]|u(?![dD][89a-fA-F])[0-9a-fA-F]{4})[^"\\\n]*+)*+'
_DOUBLE = re.compile(f'"({_DOUBLE_BODY})"')
_SINGLE_BODY = r"[^']*+(?:''[^']*+)*+"
_SINGLE = re.compile(f"'({_SINGLE_BODY})'")
_AFTER_VALUE = re.compile(r" *(?: #.*)?\Z")
# One-line flow collections of scalars (check-ins are most of the lines of most files) are
# checked whole, then cut into items by findall. A plain scalar in a flow is words without
# flow indicators, quotes or colons, and a word may not start with '#' (a comment would).
_FLOW_WORD = r'[^,\[\]{}:"\' ]*+'
_FLOW_PLAIN = (
    rf'(?:[^-#,\[\]{{}}:"\' ]|-[^ #,\[\]{{}}:"\']){_FLOW_WORD}'
    rf'(?: ++[^#,\[\]{{}}:"\' ]{_FLOW_WORD})*+'
)
_FLOW_SCALAR = f" *+(?:\"({_DOUBLE_BODY})\"|'({_SINGLE_BODY})'|({_FLOW_PLAIN})) *+"
_FLOW_KEY = r" *([A-Za-z_][A-Za-z0-9_-]{0,200}): +"
_FLOW_SEQUENCE = re.compile(rf"\[(?:{_FLOW_SCALAR},)*{_FLOW_SCALAR}\]")
_FLOW_MAPPING = re.compile(rf"{{(?:{_FLOW_KEY}{_FLOW_SCALAR},)*{_FLOW_KEY}{_FLOW_SCALAR}}}")
_FLOW_ITEM = re.compile(rf"{_FLOW_SCALAR}[,\]]")
_FLOW_PAIR = re.compile(rf"{_FLOW_KEY}{_FLOW_SCALAR}[,}}]")
# A flow mapping whose values may be flow sequences of scalars (``owners: ["@ana"]``), read
# pair by pair.
_KEY_AT = re.compile(_FLOW_KEY)
_SCALAR_AT = re.compile(rf"{_FLOW_SCALAR}(?P<end>[,}}])")
_SEQUENCE_AT = re.compile(
    rf" *+(?P<items>\[(?:{_FLOW_SCALAR},)*{_FLOW_SCALAR}\]|\[\]) *+(?P<end>[,}}])"
)
# A check-in as ``okrs check-in`` writes it: its keys in that order, numbers as JSON writes
# them, a note double-quoted on its line. A run of lines that all have this shape is read whole.
_NUMBER = r"-?(?:0|[1-9][0-9]{0,15})(?:\.[0-9]{1,17})?"
_CHECK_IN = re.compile(
    r"^\{date: ([0-9]{4}-[0-9]{2}-[0-9]{2})"
    rf"(?:, value: ({_NUMBER}|true|false))?"
    rf"(?:, confidence: ({_NUMBER}))?"
    rf'(?:, note: ("{_DOUBLE_BODY}"))?}} *$',
    re.M,
)
_PLAIN_START = re.compile(r"[^-?:,\[\]{}#&*!|>'\"%@` ]|-[^ ]")
_NOT_PLAIN = re.compile(r": |:\Z| #|[\[\]{}]")
_BLOCK_HEADERS = ("|", "|-", ">", ">-")
_KNOWN_LIMIT = 100_000  # plain scalars remembered across files: dates and numbers repeat

Mark = tuple[int, int]  # line and column, 0-based
# By the id of a block mapping, {key: (key's mark, value's mark)}; of a block sequence, its
# items' marks; of a flow collection, a Flow.
Marks = dict[int, Any]


class Flow(NamedTuple):
    """A one-line flow collection: its line, the column its ``rest`` of the line starts at,
    and where in ``rest`` it ends."""

    line: int
    start: int
    rest: str
    end: int


def flow_marks(flow: Flow, value: Any) -> Any:
    """The marks of a flow collection's keys and values, or of its items, as of a block
    collection; None for a mapping whose values include sequences (not placed here)."""
    line, start, rest, end = flow
    if isinstance(value, list):
        return [(line, start + _scalar_start(m, 1)) for m in _FLOW_ITEM.finditer(rest, 1, end)]
    if not _FLOW_MAPPING.match(rest):
        return None
    return {
        m.group(1): ((line, start + m.start(1)), (line, start + _scalar_start(m, 2)))
        for m in _FLOW_PAIR.finditer(rest, 1, end)
    }


_known: dict[str, Any] = {}


def read(text: str, marks: Marks | None = None, keys: bool = True) -> dict[str, Any]:
    """The data of a document whose root is a block mapping, or :class:`Declined`.

    ``marks``, when given, learns where each value starts, as libyaml's node for it would: by
    the ``id`` of each mapping, its keys' and values' (line, column), both 0-based, and of each
    sequence, its items'. A mapping of a flow that holds sequences is left out. Unless
    ``keys``, only the items of block sequences are placed.
    """
    if _plainc is not None and (marks is None or not keys):
        placed: Marks | None = {} if marks is not None else None
        data = _plainc.read(text, _known, placed)
        if data is not None:  # else declined: the Python reader says why, or reads it
            if marks is not None and placed:
                marks.update(placed)
            return data
    if _UNUSUAL.search(text):
        raise Declined("unusual character")
    return _Reader(text, marks, keys).document()


def _plain(text: str) -> Any:
    """A plain scalar's value in the core schema."""
    found = _known.get(text, _known)
    if found is not _known:
        return found
    value = _resolve(text)
    if len(_known) < _KNOWN_LIMIT:
        _known[text] = value
    return value


def _resolve(text: str) -> Any:
    if text in _WORDS:
        return _WORDS[text]
    if text[0] in "0123456789+-.":
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text):
            value = float(text)
            if math.isinf(value):
                raise Declined("a number too large")  # the full parser says so, and where
            return value
        lower = text.lower()
        if lower.startswith(("0o", "0x")) or ".inf" in lower or ".nan" in lower:
            raise Declined("number in another notation")
    if not _PLAIN_START.match(text):
        raise Declined("indicator")
    if _NOT_PLAIN.search(text):
        raise Declined("plain scalar")
    return text


def _double(body: str) -> str:
    return json.loads(f'"{body}"') if "\\" in body else body


def _flow(rest: str) -> tuple[list[Any] | dict[str, Any], int]:
    """A one-line flow sequence or mapping of scalars, and where it ends in ``rest``."""
    if rest[0] == "[":
        if rest[1:2] == "]":
            return [], 2
        whole = _FLOW_SEQUENCE.match(rest)
        if whole is None:
            raise Declined("flow sequence")
        end = whole.end()
        return [_flow_scalar(*item) for item in _FLOW_ITEM.findall(rest, 1, end)], end
    if rest[1:2] == "}":
        return {}, 2
    whole = _FLOW_MAPPING.match(rest)
    if whole is None:
        return _flow_mapping_with_lists(rest)
    end = whole.end()
    pairs = _FLOW_PAIR.findall(rest, 1, end)
    mapping = {key: _flow_scalar(double, single, plain) for key, double, single, plain in pairs}
    if len(mapping) != len(pairs) or not _WORDS.keys().isdisjoint(mapping):
        raise Declined("flow mapping key")
    return mapping, end


def _flow_mapping_with_lists(rest: str) -> tuple[dict[str, Any], int]:
    mapping: dict[str, Any] = {}
    position = 1
    while True:
        key = _KEY_AT.match(rest, position)
        if key is None or key.group(1) in mapping or key.group(1) in _WORDS:
            raise Declined("flow mapping")
        value: Any
        if sequence := _SEQUENCE_AT.match(rest, key.end()):
            value, _ = _flow(sequence.group("items"))
            found = sequence
        elif scalar := _SCALAR_AT.match(rest, key.end()):
            value = _flow_scalar(*scalar.groups("")[:3])
            found = scalar
        else:
            raise Declined("flow mapping")
        mapping[key.group(1)] = value
        position = found.end()
        if found.group("end") == "}":
            return mapping, position


def _scalar_start(found: re.Match[str], group: int) -> int:
    """Where the scalar of a :data:`_FLOW_SCALAR` match starts whose first group is
    ``group``: at its opening quote, or its first character."""
    double, single, plain = group, group + 1, group + 2
    if found.start(plain) >= 0:
        return found.start(plain)
    return (found.start(double) if found.start(double) >= 0 else found.start(single)) - 1


def _flow_scalar(double: str, single: str, plain: str) -> Any:
    """One scalar of a flow collection, from the groups of :data:`_FLOW_SCALAR` (an empty
    group is one that did not take part: a plain scalar is never empty)."""
    if plain:
        return _plain(plain)
    if double:
        return _double(double)
    return single.replace("''", "'")


class _Reader:
    """Recursive descent over the lines that hold content (blank and comment lines are left
    out first); each method returns its value and the index of the next line."""

    def __init__(self, text: str, marks: Marks | None = None, keys: bool = True) -> None:
        self.text = text
        self.marks = marks
        self.mark_keys = marks is not None and keys
        self.texts = text.split("\n") if marks is not None else []
        every: list[tuple[str, str, str, str]] = _LINE.findall(text)
        self.numbers = [
            number
            for number, (_, dash, key, rest) in enumerate(every)
            if dash or key or (rest and rest[0] != "#")
        ]
        self.lines = [every[number] for number in self.numbers]
        self.count = len(self.lines)
        self.total = len(every)
        # Runs of check-ins are read whole unless the marks of keys are asked for; a run that is
        # not all in the shape is read line by line, up to this line.
        self.by_line = self.count if self.mark_keys else 0

    def document(self) -> dict[str, Any]:
        if not self.count:
            raise Declined("empty document")
        indent, dash, key, rest = self.lines[0]
        if dash or not key:
            raise Declined("the root is not a block mapping")
        data, end = self.mapping(0, len(indent), key, rest)
        if end < self.count:
            raise Declined("content after the root mapping")
        return data

    def mapping(self, index: int, column: int, key: str, rest: str) -> tuple[Any, int]:
        """A block mapping with keys at ``column``; line ``index`` holds its first key.

        A line indented deeper than ``column`` after a complete value would continue it (a
        multi-line scalar) and is declined here, as in :meth:`sequence`.
        """
        pairs: dict[str, Any] = {}
        lines, count = self.lines, self.count
        while True:
            if key[0] == '"':
                key = key[1:-1]
            elif key in _WORDS:
                raise Declined("key")
            if key in pairs:
                raise Declined("duplicate key")
            if self.mark_keys:
                self.mark_pair(pairs, key, index, column, rest)
            if not rest or rest[0] == "#":
                pairs[key], index = self.below(index + 1, column)
            else:
                pairs[key], index = self.value(index, column, rest)
            if index >= count:
                return pairs, index
            indent, dash, key, rest = lines[index]
            at = len(indent)
            if at < column or (at == column and dash):
                return pairs, index
            if at > column or not key or dash:
                raise Declined("mapping")

    def sequence(self, index: int, column: int) -> tuple[Any, int]:
        """A block sequence with dashes at ``column``; line ``index`` holds its first item."""
        items: list[Any] = []
        lines, count = self.lines, self.count
        while True:
            _, dash, key, rest = lines[index]
            if index >= self.by_line and rest[:7] == "{date: " and not key:
                after = self.check_ins(index, items)
                if after == index:
                    continue  # not all in the shape: read line by line
                index = after
            else:
                if self.marks is not None:
                    start = column + len(dash) if key else self.column_of(index, rest)
                    self.marks.setdefault(id(items), []).append((self.numbers[index], start))
                if key:
                    item, index = self.mapping(index, column + len(dash), key, rest)
                elif not rest or rest[0] in "#|>":
                    raise Declined("sequence item")
                else:
                    item, index = self.value(index, column, rest)
                items.append(item)
            if index >= count:
                return items, index
            indent, dash, _, _ = lines[index]
            at = len(indent)
            if at < column or (at == column and not dash):
                return items, index
            if at > column:
                raise Declined("sequence")

    def check_ins(self, index: int, items: list[Any]) -> int:
        """The items of a run of check-in lines starting at content line ``index``, appended to
        ``items``, with their places when marks are asked for; the index of the line after the
        run. A run not all in :data:`_CHECK_IN`'s shape is left to be read line by line:
        ``index`` then."""
        lines, count = self.lines, self.count
        indent, dash, _, _ = lines[index]
        end = index + 1
        while end < count:
            line = lines[end]
            if line[0] != indent or line[1] != dash or line[3][:7] != "{date: ":
                break
            end += 1
        rows = _CHECK_IN.findall("\n".join([line[3] for line in lines[index:end]]))
        if len(rows) != end - index:
            self.by_line = end
            return index
        if self.marks is not None:  # as line by line, but for the flow mappings' own marks
            start = len(indent) + len(dash)
            placed = [(number, start) for number in self.numbers[index:end]]
            self.marks.setdefault(id(items), []).extend(placed)
        append = items.append
        for day, value, confidence, note in rows:
            item = {"date": day}
            if value:
                item["value"] = _plain(value)
            if confidence:
                item["confidence"] = _plain(confidence)
            if note:
                item["note"] = _double(note[1:-1])
            append(item)
        return end

    # Marks: where libyaml's node for each value would start.

    def column_of(self, index: int, rest: str) -> int:
        """The column at which ``rest``, the end of content line ``index``, starts."""
        return len(self.texts[self.numbers[index]]) - len(rest)

    def mark_pair(
        self, pairs: dict[str, Any], key: str, index: int, column: int, rest: str
    ) -> None:
        """The marks of a mapping's key and value; the key is on content line ``index``."""
        assert self.marks is not None
        line = self.numbers[index]
        if rest and rest[0] != "#":
            value = (line, self.column_of(index, rest))
        elif index + 1 < self.count and self._below(index + 1, column):
            value = (self.numbers[index + 1], len(self.lines[index + 1][0]))
        else:  # nothing: libyaml places the empty value right after the colon
            value = (line, column + len(self.lines[index][2]) + 1)
        self.marks.setdefault(id(pairs), {})[key] = ((line, column), value)

    def _below(self, index: int, column: int) -> bool:
        """Whether content line ``index`` holds the value of a key at ``column`` above it."""
        indent, dash, _, _ = self.lines[index]
        return len(indent) > column or (len(indent) == column and bool(dash))

    def mark_flow(self, value: Any, line: int, start: int, rest: str, end: int) -> None:
        """Where a one-line flow collection is, for :func:`flow_marks` to place its keys and
        items when asked (a large file has hundreds of them, and few are asked about)."""
        assert self.marks is not None
        if value:
            self.marks[id(value)] = Flow(line, start, rest, end)

    def value(self, index: int, column: int, rest: str) -> tuple[Any, int]:
        """The value that starts with ``rest`` on line ``index``, in a collection at
        ``column``."""
        first = rest[0]
        value: Any
        if first == '"':
            found = _DOUBLE.match(rest)
            if found is None or not _AFTER_VALUE.match(rest, found.end()):
                raise Declined("double-quoted scalar")
            value = _double(found.group(1))
        elif first == "'":
            found = _SINGLE.match(rest)
            if found is None or not _AFTER_VALUE.match(rest, found.end()):
                raise Declined("single-quoted scalar")
            value = found.group(1).replace("''", "'")
        elif first == "[" or first == "{":
            value, end = _flow(rest)
            if not _AFTER_VALUE.match(rest, end):
                raise Declined("flow collection")
            if self.marks is not None:
                self.mark_flow(value, self.numbers[index], self.column_of(index, rest), rest, end)
        elif first == "|" or first == ">":
            return self.block_scalar(index, column, rest)
        else:
            cut = rest.find(" #")
            value = _plain((rest if cut < 0 else rest[:cut]).rstrip(" "))
        return value, index + 1

    def below(self, index: int, column: int) -> tuple[Any, int]:
        """The value of a key at ``column`` whose line ends after the colon."""
        if index >= self.count:
            return None, index
        indent, dash, key, rest = self.lines[index]
        at = len(indent)
        if at < column or (at == column and not dash):
            return None, index
        if dash:
            return self.sequence(index, at)
        if key:
            return self.mapping(index, at, key, rest)
        raise Declined("a scalar on the line below its key")

    def block_scalar(self, index: int, column: int, rest: str) -> tuple[str, int]:
        """Literal (``|``) or folded (``>``) text, clipped or stripped, with no blank lines
        before it, no lines of spaces and, when folded, no lines indented further."""
        header = rest.rstrip(" ")
        if header not in _BLOCK_HEADERS:
            raise Declined("block scalar header")
        raw = self.text.split("\n")
        if len(raw) != self.total:
            raise Declined("line breaks")
        line = self.numbers[index] + 1
        first = raw[line] if line < len(raw) else ""
        indent = len(first) - len(first.lstrip(" "))
        if not first.strip(" ") or indent <= column:
            raise Declined("block scalar start")
        body: list[str] = []
        while line < len(raw):
            text = raw[line]
            if text and not text.strip(" "):
                raise Declined("a line of spaces in a block scalar")
            if text[:indent].strip(" "):
                break  # a line indented less ends the text (a comment line too)
            body.append(text[indent:])
            line += 1
        if line == len(raw):
            if not self.text.endswith("\n"):
                raise Declined("block scalar at the end of the input")
            body.pop()  # the empty string after the final line break
        while body and not body[-1]:
            body.pop()
        value = "\n".join(body) if header[0] == "|" else _folded(body)
        if len(header) == 1:
            value += "\n"
        return value, bisect.bisect_left(self.numbers, line)


def _folded(body: list[str]) -> str:
    """Folded text: a line break between two lines of text becomes a space, and each blank
    line a line break."""
    parts: list[str] = []
    for number, line in enumerate(body):
        if line[:1] == " " or line[-1:] == " ":
            raise Declined("folded text with indented lines or trailing spaces")
        if number and line and body[number - 1]:
            parts.append(" ")
        elif number and not line:
            parts.append("\n")
        parts.append(line)
    return "".join(parts)
