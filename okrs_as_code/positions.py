"""Line and column of a place in a YAML file, looked up only when something is reported there."""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from . import yamlsafe
from .diagnostics import Where


class PositionIndex:
    """Composes each file's node tree once, on first use, and walks pointers through it."""

    def __init__(self, texts: dict[str, str]) -> None:
        self._texts = texts
        self._trees: dict[str, Node | None] = {}

    def locate(self, where: Where) -> tuple[int, int]:
        node = self._tree(where.file)
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

    def _tree(self, file: str) -> Node | None:
        if file not in self._trees:
            text = self._texts.get(file)
            try:
                self._trees[file] = yamlsafe.compose(text) if text is not None else None
            except (yaml.YAMLError, RecursionError):
                self._trees[file] = None
        return self._trees[file]


def _step(node: Node, part: str | int) -> tuple[Node | None, Node | None]:
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if str(key_node.value) == str(part):
                return value_node, key_node
    elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part], None
    return None, None
