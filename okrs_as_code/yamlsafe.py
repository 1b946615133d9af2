"""The YAML dialect of OKR files: YAML 1.2 core schema, safe plain data, dates kept as text.

This is the one place that knows the parsers: PyYAML over libyaml reads every document (and
says where it is wrong); the common shape of OKR files is read first by :mod:`plainyaml`,
several times faster and to the same data.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from . import plainyaml

try:
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - PyYAML built without libyaml is slower but equivalent
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


# Expanded size of a document whose aliases are followed: beyond this it is an alias bomb.
MAX_EXPANDED_NODES = 200_000

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_DIGITS = list("0123456789")


class _Resolver(Resolver):
    """The YAML 1.2 core schema, as editors read YAML: ``on``, ``off``, ``yes`` and ``no`` are
    text (``rules: {OKR116: off}`` means what it says), timestamps are text (dates stay as
    written), and ``1e6`` is a number."""


_Resolver.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    (_NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    (_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", ["-", "+", *_DIGITS]),
    (
        _FLOAT,
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        ["-", "+", ".", *_DIGITS],
    ),
):
    _Resolver.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def _scalar(node: ScalarNode) -> Any:
    """A scalar's value, from the tag the resolver (or the author) gave it."""
    tag, text = node.tag, str(node.value)
    try:
        if tag == _STR:
            return text
        if tag == _INT:
            if text.startswith(("0o", "0x")):
                return int(text[2:], 8 if text[1] == "o" else 16)
            return int(text)  # decimal even with leading zeros, as in YAML 1.2
        if tag == _FLOAT:
            value = float(text) if "n" not in text.lower() else math.inf
            if not math.isfinite(value):
                raise _error(f"'{text}' is not a finite number", node)
            return value
        if tag == _BOOL and text.lower() in ("true", "false"):
            return text.lower() == "true"
        if tag == _NULL:
            return None
    except ValueError:
        raise _error(f"'{text}' is not a valid {tag.rsplit(':', 1)[-1]}", node) from None
    raise _error(f"could not determine a constructor for the tag '{tag}'", node)


def _error(problem: str, node: Node, context: str | None = None) -> ConstructorError:
    return ConstructorError(context, node.start_mark if context else None, problem, node.start_mark)


def _build(node: Node) -> Any:
    """Plain data from a node tree: mappings, lists and scalars of the core schema only.

    This replaces PyYAML's general constructor, which spends most of its time on machinery
    (object graphs, deferred construction) that plain data does not need.
    """
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode) and node.tag == _SEQ:
        return [_build(item) for item in node.value]
    if isinstance(node, MappingNode) and node.tag == _MAP:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _key_text(_build(key_node), key_node)
            if key in mapping:
                error = _error(f"duplicate key '{key}'", key_node, "while reading a mapping")
                error.context_mark = node.start_mark
                raise error
            mapping[key] = _build(value_node)
        return mapping
    raise _error(f"could not determine a constructor for the tag '{node.tag}'", node)


def _key_text(key: Any, node: Node) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, (list, dict)):
        raise _error("a mapping key must be a plain scalar", node)
    return str(key)


class _Loader(_Parser, _Resolver):
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _Resolver.__init__(self)


class AliasBombError(yaml.YAMLError):
    def __init__(self, node: Node, problem: str) -> None:
        super().__init__(problem)
        self.problem_mark = node.start_mark


def _check_expansion(root: Node) -> None:
    """Reject documents whose aliases multiply their size (the "billion laughs") or that
    contain themselves (an alias inside its own anchor)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if not done:
            if id(node) in sizes:
                continue
            if id(node) in open_nodes:
                raise AliasBombError(node, "an alias refers to a node that contains it")
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))
            continue
        open_nodes.discard(id(node))
        sizes[id(node)] = 1 + sum(sizes[id(child)] for child in _children(node))
        if sizes[id(node)] > MAX_EXPANDED_NODES:
            raise AliasBombError(node, "aliases expand this document beyond any OKR file's size")


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def parse(text: str) -> Any:
    """The document's plain data. Raises ``yaml.YAMLError`` (with a mark where known)."""
    try:
        return plainyaml.read(text)
    except Exception:  # Declined, or a fault that must never cost a file its diagnostics
        return parse_with_libyaml(text)


def parse_with_libyaml(text: str) -> Any:
    """:func:`parse` by the parser that reads all of YAML."""
    return parse_tree(text)[0]


def parse_tree(text: str) -> tuple[Any, Node | None]:
    """:func:`parse` by libyaml, and the node tree the data was built from, for positions."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        if "*" in text:
            _check_expansion(node)
        return _build(node), node
    finally:
        loader.dispose()


def compose(text: str) -> Node | None:
    """The node tree of a document that already parsed, for looking up positions."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


class _Dumper(yaml.SafeDumper):
    """Writes what :func:`parse` reads back the same: text that would resolve to another type
    in this dialect is quoted, and text of several lines is a literal block. Lists are indented
    under their key, as people write them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_Dumper.yaml_implicit_resolvers = _Resolver.yaml_implicit_resolvers


# Line breaks other than \n: PyYAML folds them in plain, single-quoted and literal scalars, so
# text holding one is written double-quoted, where they are escaped (\N, \L, \P, \r).
_OTHER_BREAKS = frozenset("\r\x85\u2028\u2029")


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if _OTHER_BREAKS.intersection(text):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    style = "|" if "\n" in text.rstrip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.SequenceNode:
    scalars = all(isinstance(item, (str, int, float)) and "\n" not in str(item) for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=scalars)


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(list, _represent_list)


def dump(data: Any) -> str:
    """YAML text of plain data: block style, with lists of plain values on one line."""
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)
    if parse(text) != data:
        raise ValueError("the data does not read back as written")
    return text
