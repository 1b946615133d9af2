"""Adding a check-in to a file's text by inserting lines, so every other byte stays as it was.

A YAML round-trip library re-emits the whole file with one indentation style and its own
spacing; inserting at the position the parser reports changes exactly the lines added.
"""

from __future__ import annotations

import json

from yaml.nodes import MappingNode, Node, SequenceNode

from . import yamlsafe
from .diagnostics import Pointer

CheckInFields = dict[str, object]


def render_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # A date is written plain, as people write them; any other text as a JSON string,
        # which is a valid YAML double-quoted scalar whatever it holds.
        return value if _is_date(value) else json.dumps(value, ensure_ascii=False)
    return repr(value)


def _is_date(text: str) -> bool:
    return len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit()


def _flow(fields: CheckInFields) -> str:
    return "{" + ", ".join(f"{key}: {render_value(v)}" for key, v in fields.items()) + "}"


def _block(fields: CheckInFields, dash: str, keys: str) -> list[str]:
    items = [f"{key}: {render_value(v)}" for key, v in fields.items()]
    return [f"{dash}- {items[0]}", *(f"{keys}{item}" for item in items[1:])]


def _get(node: Node, part: str | int) -> Node | None:
    if isinstance(node, MappingNode):
        return next((v for k, v in node.value if k.value == part), None)
    if isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


def _last_line(node: Node) -> int:
    """The last line (0-based) holding any of the node's text."""
    if isinstance(node, MappingNode) and not node.flow_style:
        children = [child for pair in node.value for child in pair]
    elif isinstance(node, SequenceNode) and not node.flow_style:
        children = list(node.value)
    else:
        end = node.end_mark
        return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line
    return max((_last_line(child) for child in children), default=node.start_mark.line)


def add_check_in(text: str, key_result: Pointer, fields: CheckInFields) -> str:
    """The text with ``fields`` appended to the check-ins of the key result at the pointer."""
    root = yamlsafe.compose(text)
    node: Node | None = root
    for part in key_result:
        node = _get(node, part) if node is not None else None
    if not isinstance(node, MappingNode):
        raise ValueError("the key result is not a mapping in this file")
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in text else "\n"
    check_ins = _get(node, "check_ins")
    if isinstance(check_ins, SequenceNode) and check_ins.flow_style:
        return _into_flow_sequence(text, check_ins, fields)
    if isinstance(check_ins, SequenceNode) and check_ins.value:
        last = check_ins.value[-1]
        dash = " " * _dash_column(lines, last)
        keys = " " * last.start_mark.column
        entry = [dash + "- " + _flow(fields)] if last.flow_style else _block(fields, dash, keys)
        return _insert(lines, _last_line(last), entry, newline)
    if node.flow_style:
        return _into_flow_mapping(text, node, fields)
    indent = " " * node.start_mark.column
    key_line = [] if check_ins is not None else [f"{indent}check_ins:"]
    after = _key_line(node) if check_ins is not None else _last_line(node)
    return _insert(lines, after, [*key_line, f"{indent}  - {_flow(fields)}"], newline)


def _dash_column(lines: list[str], item: Node) -> int:
    """The column of the `-` before a block sequence's item. The sequence's own start mark is
    not it when the list carries an anchor or a tag (`check_ins: &done`)."""
    line = lines[item.start_mark.line][: item.start_mark.column]
    dash = line.rstrip().rfind("-")
    if dash < 0:
        raise ValueError("cannot find the check-in list's `-`")
    return dash


def _key_line(node: MappingNode) -> int:
    return next(k.start_mark.line for k, _ in node.value if k.value == "check_ins")


def _insert(lines: list[str], after: int, new: list[str], newline: str) -> str:
    head = lines[: after + 1]
    if head and not head[-1].endswith(("\n", "\r")):
        head[-1] += newline
    return "".join([*head, *(line + newline for line in new), *lines[after + 1 :]])


def _into_flow_sequence(text: str, sequence: SequenceNode, fields: CheckInFields) -> str:
    closing = sequence.end_mark.index - 1  # the `]`
    separator = ", " if sequence.value else ""
    return text[:closing] + separator + _flow(fields) + text[closing:]


def _into_flow_mapping(text: str, mapping: MappingNode, fields: CheckInFields) -> str:
    closing = mapping.end_mark.index - 1  # the `}`
    return text[:closing] + f", check_ins: [{_flow(fields)}]" + text[closing:]
