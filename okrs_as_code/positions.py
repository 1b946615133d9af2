"""Line and column of a place in a YAML file, looked up only when something is reported there.

A file in the common shape is read again by the one-pass reader, which notes where each value
starts as libyaml's node for it would (``tests/test_plain_yaml.py`` holds the two to the same
places); any other file has its node tree composed by libyaml, about five times slower and ten
times larger. Only the last few files' positions are kept: callers that locate many places go
file by file, and a run with a diagnostic in every file of a large organisation would
otherwise hold them all.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from . import plainyaml, yamlsafe
from .diagnostics import Where

_KEPT_FILES = 16


@dataclass
class _Positions:
    """One file's: as the one-pass reader marked them (data None: it declined the file), and
    libyaml's node tree once needed."""

    data: Any = None
    marks: plainyaml.Marks = field(default_factory=dict)
    tree: Node | None = None
    composed: bool = False


class PositionIndex:
    """Reads a file's positions on first use and walks pointers through them."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._texts = texts
        self._kept: OrderedDict[str, _Positions] = OrderedDict()

    def locate(self, where: Where) -> tuple[int, int]:
        positions = self._positions(where.file)
        if positions.data is not None:
            found = by_marks(positions.data, positions.marks, where)
            if found is not None:
                return found
        if not positions.composed:
            positions.tree, positions.composed = _compose(self._texts.get(where.file)), True
        return in_tree(positions.tree, where)

    def _positions(self, file: str) -> _Positions:
        if file in self._kept:
            self._kept.move_to_end(file)
            return self._kept[file]
        positions = _Positions()
        text = self._texts.get(file)
        if text is not None:
            try:
                positions.data = plainyaml.read(text, positions.marks)
            except Exception:  # Declined, or a fault: libyaml's tree says where things are
                positions.data, positions.marks = None, {}
        self._kept[file] = positions
        if len(self._kept) > _KEPT_FILES:
            self._kept.popitem(last=False)
        return positions


def by_marks(data: Any, marks: plainyaml.Marks, where: Where) -> tuple[int, int] | None:
    """:func:`in_tree`'s answer from the one-pass reader's data and marks, or None where
    they do not say (a flow mapping holding sequences is not marked)."""
    mark = next(iter(marks[id(data)].values()))[0]  # a mapping starts at its first key
    node = data
    for part in where.pointer:
        if isinstance(node, dict):
            key = str(part)
            if key not in node:
                break
            placed = _placed(marks, node)
            if placed is None:
                return None
            key_mark, value_mark = placed[key]
            if where.at == "key" and part == where.pointer[-1]:
                mark = key_mark
                break
            node, mark = node[key], value_mark
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            placed = _placed(marks, node)
            if placed is None:
                return None
            node, mark = node[part], placed[part]
        else:
            break
    return mark[0] + 1, mark[1] + 1


def _placed(marks: plainyaml.Marks, node: dict[str, Any] | list[Any]) -> Any:
    found = marks.get(id(node))
    if isinstance(found, plainyaml.Flow):
        found = marks[id(node)] = plainyaml.flow_marks(found, node)
    return found


def in_tree(tree: Node | None, where: Where) -> tuple[int, int]:
    """The line and column (1-based) where the node at ``where`` starts, or its key; as far
    down the pointer as the document goes."""
    node = tree
    if node is None:
        return 1, 1
    for part in where.pointer:
        child, key_node = _step(node, part)
        if child is None:
            break
        if where.at == "key" and key_node is not None and part == where.pointer[-1]:
            node = key_node
            break
        node = child
    return node.start_mark.line + 1, node.start_mark.column + 1


def _compose(text: str | None) -> Node | None:
    if text is None:
        return None
    try:
        return yamlsafe.compose(text)
    except (yaml.YAMLError, RecursionError):
        return None


def _step(node: Node, part: str | int) -> tuple[Node | None, Node | None]:
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if str(key_node.value) == str(part):
                return value_node, key_node
    elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part], None
    return None, None
