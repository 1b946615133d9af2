"""What each committed version of a team file commits to (its data without check-ins), or,
read whole, all its data.

The history rules compare objectives and key results without their check-ins, and most commits
of a repository only add check-ins. A version that is the version before it with lines added,
each a one-line flow mapping after the last check-in line of a list, written as that line is
(the same indentation and dash), commits to exactly what that version did: it is not parsed in
full. The two texts are compared a part at a time, in C (the parts of the version before, cut
after the last check-in line of each list), rather than line by line. The new lines alone are
checked (against a strict pattern, or else by the parser, together), which proves they read as
check-ins and that the version parses as its predecessor did. Read whole (the site shows every
check-in's commit), such a version is the one before with its new lines parsed and added to
the ends of their lists, sharing everything else with it. One that adds a check-in anywhere
else is parsed in full. Every other version is parsed in full (by the
one-pass reader of the common shape where it can, which says where each check-in line is, else
by libyaml's node tree). A version is named by its blob hash, which is its content's hash, so
what is learned of it can be kept and never goes stale.
"""

from __future__ import annotations

import functools
import marshal
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import gitutil, plainyaml, yamlsafe
from .loader import parse_tree
from .parallel import beside
from .tracker import SILENT, Tracker


class Slot(NamedTuple):
    """A line holding one check-in, written as a one-line flow mapping: the text before its
    "{", and which item of which key result's list it is."""

    dash: str
    objective: int
    key_result: int
    item: int


# By line, its Slot or None.
Slots = list[Slot | None]
# Where check-ins can be added: for each run of check-in lines of one list, the offset in the
# text just after its last line, and that line's Slot as (its dash with the "{" after it,
# objective, key result, item); ascending.
End = tuple[int, str, int, int, int]
Ends = list[End]

# Characters that could give a line an anchor, an alias or a tag, whose meaning reaches beyond
# the line; a line holding one is never taken on trust.
_FAR_REACHING = re.compile("[&*!]")
# Line breaks other than \n shift the parser's line numbers away from str.split's.
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")
_DASH = re.compile(r" *- +")
# A check-in as people and tools write it, which is certain to read as a mapping of distinct
# keys (checked apart) to valid scalars; other lines go to the parser.
_VALUE = (
    r'(?:-?[0-9]+(?:\.[0-9]+)?|true|false|[0-9]{4}-[0-9]{2}-[0-9]{2}|"[ !#-\[\]-~\xa0-\ud7ff]*")'
)
_PLAIN_CHECK_IN = re.compile(rf"- \{{([a-z_]+): {_VALUE}(?:, ([a-z_]+): {_VALUE})*\}}")
_KEY = re.compile(r"(?:\{|, )([a-z_]+): ")
# Lines of check-ins written in the usual order of their keys, which are then distinct: all the
# lines a version adds are matched at once.
_USUAL_CHECK_INS = re.compile(
    rf"(?:- \{{date: {_VALUE}, value: {_VALUE}(?:, confidence: {_VALUE})?(?:, note: {_VALUE})?\}}"
    r"(?:\n|\Z))+"
)


@dataclass
class Version:
    """One version of a file: what it commits to, or all its data when read whole (None: it
    cannot be read), and, for telling whether the next version only adds check-ins, its text
    and where check-ins can be added to it (none: the next version is parsed in full)."""

    data: Any
    text: str = ""
    ends: Ends = field(default_factory=list)


Wanted = list[tuple[str, str | None]]  # (path, blob; None: the commit deleted the file)

# Below this many versions to read, a second process costs more than it saves.
PARALLEL_FROM_VERSIONS = 2000


def learn(
    root: Path, wanted: Wanted, known: dict[str, Any], tracker: Tracker, whole: bool = False
) -> dict[str, Any]:
    """What the versions ``wanted`` (in commit order) commit to that ``known`` lacks, by blob,
    or with ``whole`` all their data.

    Each file's versions are read in order, so one that only adds check-ins is known from the
    one before; with many to read, the files are shared between two processes, each with
    its own ``git cat-file``.
    """
    count = len(missing(wanted, known))
    if not count:
        return {}
    tracker.start("Reading history", count)
    if count < PARALLEL_FROM_VERSIONS or (os.cpu_count() or 1) < 2:
        learned = _learn(root, wanted, known, tracker, whole)
    else:
        mine, theirs = _halves(wanted)
        their_known = {blob: known[blob] for _, blob in theirs if blob in known}
        work = functools.partial(_learn_packed, root, theirs, their_known, whole)
        with beside(work) as result:
            learned = _learn(root, mine, known, tracker, whole)
            found = marshal.loads(result())
        if found is None:
            found = _learn(root, theirs, known, SILENT, whole)
        learned.update(found)
        tracker.advance(count - len(missing(mine, known)))
    tracker.finish()
    return learned


def missing(wanted: Wanted, known: dict[str, Any]) -> list[str]:
    """The blobs not known yet, each once, in the order they are first wanted."""
    return list(dict.fromkeys(b for _, b in wanted if b is not None and b not in known))


def _halves(wanted: Wanted) -> tuple[Wanted, Wanted]:
    """The versions split by file into two shares of about as many versions each."""
    counts = Counter(path for path, _ in wanted)
    sizes = [0, 0]
    share: dict[str, int] = {}
    for path, many in counts.most_common():
        share[path] = sizes.index(min(sizes))
        sizes[share[path]] += many
    return (
        [item for item in wanted if share[item[0]] == 0],
        [item for item in wanted if share[item[0]] == 1],
    )


def _learn_packed(root: Path, wanted: Wanted, known: dict[str, Any], whole: bool) -> bytes:
    try:
        return marshal.dumps(_learn(root, wanted, known, SILENT, whole))
    except ValueError:  # data nested too deeply to marshal: the parent reads them itself
        return marshal.dumps(None)


def _learn(
    root: Path, wanted: Wanted, known: dict[str, Any], tracker: Tracker, whole: bool
) -> dict[str, Any]:
    learned: dict[str, Any] = {}
    latest: dict[str, Version] = {}
    contents = gitutil.blobs(root, missing(wanted, known))
    for path, blob in wanted:
        if blob is None:
            latest.pop(path, None)
        elif blob in known or blob in learned:
            latest[path] = Version(known[blob] if blob in known else learned[blob])
        else:
            latest[path] = read(path, next(contents), latest.get(path), whole)
            learned[blob] = latest[path].data
            tracker.advance()
    return learned


def read(path: str, raw: bytes, before: Version | None, whole: bool = False) -> Version:
    """The version of ``path`` holding ``raw``; ``before`` is the file's previous version read
    the same way (``whole`` or not)."""
    if before is not None and before.ends:
        derived = _derived(raw, before, whole)
        if derived is not None:
            return derived
    fast = _read_plain(raw, whole)
    if fast is not None:
        return fast
    source, tree = parse_tree(path, raw)
    if not source.ok or source.text is None:
        return Version(None)
    data = source.data if whole else without_check_ins(source.data)
    text = source.text
    if "*" in text or _breaks(text):
        return Version(data)  # aliases are bounded by expanded size; odd breaks shift lines
    lines = text.split("\n")
    return Version(data, text, _ends(lines, _slots(tree, lines)))


def _read_plain(raw: bytes, whole: bool) -> Version | None:
    """The version as the one-pass reader of the common shape reads it (the same data as the
    full parser), with its check-ins' lines; None when that reader declines it."""
    try:
        text = raw.decode("utf-8-sig")
        marks: plainyaml.Marks = {}
        data = plainyaml.read(text, marks, keys=False)  # the check-in lists' items only
    except Exception:  # UTF-16 or invalid UTF-8, Declined, or a fault: the full parser reads it
        return None
    kept = data if whole else without_check_ins(data)
    if "*" in text:
        return Version(kept)
    lines = text.split("\n")
    slots: Slots = [None] * len(lines)
    for (i, j), check_ins in _check_in_lists(data):
        placed = marks.get(id(check_ins))
        if not isinstance(placed, list):
            continue  # a flow sequence
        for k, (item, (line, column)) in enumerate(zip(check_ins, placed, strict=True)):
            dash = lines[line][:column]
            # A flow mapping, which this reader reads on one line only.
            if isinstance(item, dict) and lines[line][column] == "{" and _DASH.fullmatch(dash):
                slots[line] = Slot(dash, i, j, k)
    return Version(kept, text, _ends(lines, slots))


def _ends(lines: list[str], slots: Slots) -> Ends:
    """The places after the last line of each run of check-in lines of one list, from each
    line's Slot (the last line of the text, with no line break after it, is never one)."""
    ends: Ends = []
    offset = 0
    for number, line in enumerate(lines[:-1]):
        offset += len(line) + 1
        slot = slots[number]
        if slot is None:
            continue
        following = slots[number + 1]
        if following is None or following[1:3] != slot[1:3]:
            ends.append((offset, slot.dash + "{", slot.objective, slot.key_result, slot.item))
    return ends


def _check_in_lists(data: Any) -> Iterator[tuple[tuple[int, int], list[Any]]]:
    """The check-in lists of the key results of the objectives in ``data``, each with the
    index of its objective and key result."""
    for i, objective in enumerate(_listed(data, "objectives")):
        for j, kr in enumerate(_listed(objective, "key_results")):
            check_ins = _listed(kr, "check_ins")
            if check_ins:
                yield (i, j), check_ins


def _listed(data: Any, key: str) -> list[Any]:
    found = data.get(key) if isinstance(data, dict) else None
    return found if isinstance(found, list) else []


def without_check_ins(data: Any) -> Any:
    """A file's data with the check-ins of its key results left out."""
    if not isinstance(data, dict) or not isinstance(data.get("objectives"), list):
        return data
    objectives = [
        {
            **objective,
            "key_results": [
                {k: v for k, v in kr.items() if k != "check_ins"} if isinstance(kr, dict) else kr
                for kr in objective["key_results"]
            ],
        }
        if isinstance(objective, dict) and isinstance(objective.get("key_results"), list)
        else objective
        for objective in data["objectives"]
    ]
    return {**data, "objectives": objectives}


def _derived(raw: bytes, before: Version, whole: bool) -> Version | None:
    """The version as ``before`` with check-ins added after the last check-in of their lists,
    or None when it is anything else (or, ``whole``, when a list's last check-in line is not
    its last item)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    old = before.text
    if len(text) <= len(old) or _breaks(text):
        return None
    added: list[str] = []
    places: list[Slot] = []  # the added lines'
    ends: Ends = []
    at = was = 0  # the next character of this version and of the one before
    # This version must be the one before cut at its ends, with lines added at some of them:
    # each part of the one before is compared whole, in C, rather than line by line.
    for end, start, objective, key_result, item in before.ends:
        if not text.startswith(old[was:end], at):
            return None
        at += end - was
        was = end
        while text.startswith(start, at):
            stop = text.find("\n", at) + 1
            if not stop:
                return None
            added.append("- " + text[at + len(start) - 1 : stop - 1])
            item += 1
            if whole:
                places.append(Slot(start[:-1], objective, key_result, item))
            at = stop
        ends.append((at, start, objective, key_result, item))
    if len(text) - at != len(old) - was or not text.startswith(old[was:], at):
        return None
    if not added or _FAR_REACHING.search("".join(added)):
        return None
    if not whole:
        return Version(before.data, text, ends) if _one_line_mappings(added) else None
    data = _appended(before.data, places, _read_added(added))
    return Version(data, text, ends) if data is not None else None


def _read_added(lines: list[str]) -> list[Any] | None:
    """The check-ins of added lines (each "- {...}"), read as the whole file reads them; None
    unless each line is one mapping (see :func:`_one_line_mappings`)."""
    try:  # under a key, so that the one-pass reader takes them
        found = yamlsafe.parse("added:\n" + "\n".join(lines) + "\n")
    except (yaml.YAMLError, RecursionError):
        return None
    items = found.get("added") if isinstance(found, dict) else None
    if not isinstance(items, list) or len(items) != len(lines):
        return None
    return items if all(isinstance(item, dict) for item in items) else None


def _appended(data: Any, places: list[Slot], items: list[Any] | None) -> Any:
    """``data`` with ``items`` added at ``places``, sharing what they leave alone; None when a
    place is not the end of its list."""
    if items is None:
        return None
    objectives = list(data["objectives"])
    changed: dict[tuple[int, int], list[Any]] = {}
    for place, item in zip(places, items, strict=True):
        key = (place.objective, place.key_result)
        if key not in changed:
            objective = objectives[place.objective] = dict(objectives[place.objective])
            krs = objective["key_results"] = list(objective["key_results"])
            kr = krs[place.key_result] = dict(krs[place.key_result])
            changed[key] = kr["check_ins"] = list(kr["check_ins"])
        if place.item != len(changed[key]):
            return None  # inserted between check-ins: the file is parsed in full
        changed[key].append(item)
    return {**data, "objectives": objectives}


def _breaks(text: str) -> bool:
    return any(mark in text for mark in _OTHER_BREAKS)


def _one_line_mappings(lines: list[str]) -> bool:
    """Whether each line reads as one sequence entry holding a mapping.

    As many entries as lines means no entry runs on into the next line (an unclosed bracket or
    quote would swallow the next line's dash), so each line means in its file what it means
    here, and the file parses as it did before the lines were added.
    """
    if _USUAL_CHECK_INS.fullmatch("\n".join(lines)):
        return True
    unsure = [line for line in lines if not _plain_check_in(line)]
    if not unsure:
        return True
    try:
        items = yamlsafe.parse("\n".join(unsure) + "\n")
    except (yaml.YAMLError, RecursionError):
        return False
    return (
        isinstance(items, list)
        and len(items) == len(unsure)
        and all(isinstance(item, dict) for item in items)
    )


def _plain_check_in(line: str) -> bool:
    if _PLAIN_CHECK_IN.fullmatch(line) is None:
        return False
    keys = _KEY.findall(line)
    return len(keys) == len(set(keys))


def _slots(root: Node | None, lines: list[str]) -> Slots:
    """The lines that hold one check-in each, written as a one-line flow mapping."""
    slots: Slots = [None] * len(lines)
    for i, objective in enumerate(_items(_value(root, "objectives"))):
        for j, kr in enumerate(_items(_value(objective, "key_results"))):
            check_ins = _value(kr, "check_ins")
            if not isinstance(check_ins, SequenceNode) or check_ins.flow_style:
                continue
            for k, item in enumerate(check_ins.value):
                start, end = item.start_mark, item.end_mark
                if not isinstance(item, MappingNode) or not item.flow_style:
                    continue
                if start.line != end.line:
                    continue
                dash = lines[start.line][: start.column]
                if _DASH.fullmatch(dash):
                    slots[start.line] = Slot(dash, i, j, k)
    return slots if any(slots) else []


def _value(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    for key_node, value in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return value
    return None


def _items(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []
