"""The fast reader of the common shape of OKR files reads exactly what libyaml reads.

Whenever :mod:`okrs_as_code.plainyaml` accepts a document, its data must equal (types
included: ``1``, ``1.0`` and ``True`` differ) what the full parser reads, and the full parser
must accept the document too; otherwise a file's verdict would depend on which parser read it.
Documents come from the repository itself, a generated organisation, a grammar of OKR-like
lines full of the characters YAML treats specially, and random edits of real files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate
from okrs_as_code import _plainc, plainyaml, positions, yamlsafe
from okrs_as_code.diagnostics import Pointer, Where

REPO = Path(__file__).resolve().parent.parent
MANY = settings(max_examples=1500)

# Characters that mean something to YAML somewhere, and some it reads as unusual.
SPECIAL = " #:-'\"[]{},!&*?|>%@`\\~.+0123456789eExobnNuUlLtTrRfFaAsSyé£\u00a0"
UNUSUAL = "\t\r\u2028\ufeff\x85\x7f"
TRICKY = SPECIAL + UNUSUAL
# Mostly ordinary text, so that most documents are ones the fast reader takes.
ORDINARY = "abcxyz ABC019-_./" * 10 + SPECIAL


def same_reading(text: str) -> bool:
    """True when the fast reader accepted ``text`` (and then read it as libyaml does, with
    every mark, with the items' marks only and without marks, since runs of check-ins are read
    whole unless keys are marked, and placed every key, value and item where libyaml's node
    tree does). The reader in C accepts and declines the same documents, and reads them as
    libyaml does too."""
    marks: plainyaml.Marks = {}
    items: plainyaml.Marks = {}
    try:
        fast = plainyaml.read(text, marks)
    except plainyaml.Declined:
        with pytest.raises(plainyaml.Declined):
            plainyaml.read(text, {}, keys=False)
        with pytest.raises(plainyaml.Declined):
            plainyaml.read(text)
        assert _plainc.read(text, {}) is None, text
        return False
    full = yamlsafe.parse_with_libyaml(text)
    assert repr(fast) == repr(full), text
    assert repr(_plainc.read(text, {})) == repr(full), text
    assert repr(plainyaml.read(text)) == repr(full), text
    by_items = plainyaml.read(text, items, keys=False)
    assert repr(by_items) == repr(full), text
    for marked, placed in _lists(fast, by_items):
        if isinstance(marks.get(id(marked)), list):  # a block sequence's items
            assert items.get(id(placed)) == marks[id(marked)], text
    tree = yamlsafe.compose(text)
    for where in _every_place(fast, ()):
        found = positions.by_marks(fast, marks, where)
        assert found in (None, positions.in_tree(tree, where)), (text, where)
    return True


def _lists(first: object, second: object) -> Iterator[tuple[list[object], list[object]]]:
    """The lists at the same places in two readings of one document."""
    if isinstance(first, list) and isinstance(second, list):
        yield first, second
        for a, b in zip(first, second, strict=True):
            yield from _lists(a, b)
    elif isinstance(first, dict) and isinstance(second, dict):
        for key in first:
            yield from _lists(first[key], second[key])


def _every_place(data: object, pointer: Pointer) -> Iterator[Where]:
    """Every value's and key's place in ``data``, and one past each collection's end."""
    yield Where("f", pointer)
    children: dict[str | int, object] = {}
    if isinstance(data, dict):
        children = dict(data)
        for key in data:
            yield Where("f", (*pointer, key), "key")
    elif isinstance(data, list):
        children = dict(enumerate(data))
    for part, child in children.items():
        yield from _every_place(child, (*pointer, part))
    if isinstance(data, (dict, list)):
        yield Where("f", (*pointer, "no such key" if isinstance(data, dict) else len(data), "x"))


def _repository_yaml() -> list[Path]:
    folders = [REPO / "okrs", REPO / "tests", REPO / "okrs_as_code" / "starter"]
    return sorted(p for folder in folders for p in folder.rglob("*.y*ml") if p.is_file())


def test_the_reader_in_c_is_built() -> None:
    """The toolkit's build compiles it wherever a C compiler is found (see hatch_build.py),
    and the test environment has one: without it, the tests below would hold nothing to the
    Python reader's and libyaml's reading."""
    assert plainyaml._plainc is _plainc


def test_every_yaml_file_of_the_repository_reads_the_same() -> None:
    accepted = 0
    for path in _repository_yaml():
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        accepted += same_reading(text)
    assert accepted > 100


def test_the_example_and_a_generated_organisation_take_the_fast_path(tmp_path: Path) -> None:
    generate(20, 7, tmp_path)
    files = [*(REPO / "okrs").rglob("*.yaml"), *(tmp_path / "okrs").rglob("*.yaml")]
    assert len(files) > 20
    for path in files:
        assert same_reading(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("a: 1\nb: 1.0\nc: true\nd: ~\ne: 2026-10-01\nf: 1e3\ng: 007\n",
         {"a": 1, "b": 1.0, "c": True, "d": None, "e": "2026-10-01", "f": 1000.0, "g": 7}),
        ("a: yes\nb: off\nc: 1_000\nd: C#\ne: x:y\nf: £k\n",
         {"a": "yes", "b": "off", "c": "1_000", "d": "C#", "e": "x:y", "f": "£k"}),
        ('"@maya": {name: Maya, owners: ["@ana", b#c]}\n',
         {"@maya": {"name": "Maya", "owners": ["@ana", "b#c"]}}),
        ('a: {b: "", c: [d], e: \'\'}\n', {"a": {"b": "", "c": ["d"], "e": ""}}),
        ("a: |\n  one\n\n  two\n\n# c\nb: >-\n  three\n  four\n\n  five\n",
         {"a": "one\n\ntwo\n", "b": "three four\nfive"}),
        ("list:\n- {date: 2026-10-01, value: -1.5, note: 'it''s'}\n- [x, \"y\\u00e9\"]\n",
         {"list": [{"date": "2026-10-01", "value": -1.5, "note": "it's"}, ["x", "yé"]]}),
    ],
    ids=["scalars", "text", "flow", "flow-empty-text", "block-scalars", "sequence"],
)  # fmt: skip
def test_the_fast_reader_reads_the_core_schema(text: str, data: object) -> None:
    assert same_reading(text)
    assert repr(yamlsafe.parse(text)) == repr(data)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: !!str 1\n",  # tags
        "a: 1\na: 2\n",  # duplicate keys: the full parser says where
        "a: one\n  two\n",  # a multi-line plain scalar
        "a: 0x1F\n",  # numbers in other notations
        "a: 1e400\n",  # numbers too large for a float
        "a:\tb\n",  # tabs
        "--- \na: 1\n",  # document markers
        "- a\n- b\n",  # a root that is not a mapping
        "a: [b,\n  c]\n",  # a flow collection over several lines
        "a: |+\n  x\n\n",  # keeping the final line breaks
        '": |\n": \n',  # a quoted key does not run over a line break
    ],
)
def test_the_fast_reader_leaves_the_rest_of_yaml_to_libyaml(text: str) -> None:
    with pytest.raises(plainyaml.Declined):
        plainyaml.read(text)


# A grammar of OKR-like documents whose pieces are drawn with YAML's special characters.
_word = st.text(st.sampled_from(ORDINARY), min_size=0, max_size=12)
_scalar_text = st.one_of(
    _word,
    st.sampled_from(["1", "-2", "0.5", "1e3", "+.5", ".5", "1.", "1e400", "-9e999", "007", "0o17",
                     "0x1f", "~", "null", "True", "FALSE", "yes", "2026-10-01", ".inf", "-.NaN",
                     "a b", "a #b", "a#b", "a: b", "a:b", "-x", "- x", "@x", "x ", " x", "", "#",
                     "'", '"', "[]", "{}", "[a]", "|", ">"]),
)  # fmt: skip
_key = st.sampled_from(
    ["id", "a", "b", "c", "d", "title", "a-b", "_x", "x1", "e5", '"@m"', '"a: b"'] * 15
    + ["true", "Null", '""', "- a", "a b", "a:", "#a", "'a'", '"a', "[a]", "?a", "&a", "*a", "!a"]
)  # fmt: skip


@st.composite
def _double_quoted(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(_word, st.sampled_from(
        ["\\n", "\\t", "\\\\", '\\"', "\\/", "\\u00e9", "\\ud800", "\\x41", "\\N", "\\ ", "\\"]
    )), max_size=4))  # fmt: skip
    return '"' + "".join(parts) + '"'


@st.composite
def _inline_value(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["plain", "double", "single", "sequence", "mapping"]))
    if kind == "plain":
        return draw(_scalar_text)
    if kind == "double":
        return draw(_double_quoted())
    if kind == "single":
        return "'" + draw(_word) + "'"
    items = draw(st.lists(st.one_of(_scalar_text, _double_quoted()), max_size=3))
    if kind == "sequence":
        return "[" + draw(st.sampled_from([", ", ",", " , "])).join(items) + "]"
    keys = draw(st.lists(_key, min_size=len(items), max_size=len(items)))
    return "{" + ", ".join(f"{k}: {v}" for k, v in zip(keys, items, strict=True)) + "}"


@st.composite
def _block_scalar(draw: st.DrawFn, indent: int) -> list[str]:
    header = draw(st.sampled_from(["|", "|-", ">", ">-"] * 4 + ["|+", "|2", "> # c"]))
    body_indent = indent + draw(st.sampled_from([1, 2, 2, 2, 4, 0]))
    lines = [header, " " * body_indent + draw(_word)]
    for _ in range(draw(st.integers(0, 3))):
        extra = draw(st.sampled_from([0] * 8 + [1, -1]))
        text = draw(st.sampled_from(["", "  ", "# not a comment"]) | _word | _word | _word)
        lines.append(" " * max(body_indent + extra, 0) + text if text else "")
    return lines


@st.composite
def _node(draw: st.DrawFn, indent: int, depth: int) -> list[str]:
    """Lines of a block mapping or sequence at ``indent``."""
    sequence = depth > 0 and draw(st.booleans())
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        pad = " " * max(indent + draw(st.sampled_from([0] * 12 + [1, -1])), 0)
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(["", "# note", " " * indent + "# c", "   "])))
        head = pad + ("- " if sequence else "")
        if sequence and draw(st.booleans()):
            lines.append(head + draw(_inline_value()) + draw(st.sampled_from(["", "  # c", " "])))
            continue
        head += draw(_key) + ":"
        choice = draw(st.integers(0, 3)) if depth < 3 else 0
        if choice == 0:
            lines.append(head + " " + draw(_inline_value()) + draw(st.sampled_from(["", " # c"])))
        elif choice == 1:
            block = draw(_block_scalar(len(pad) + 2))
            lines.append(head + " " + block[0])
            lines.extend(block[1:])
        else:
            lines.append(head + draw(st.sampled_from(["", " # c", " "])))
            step = draw(st.sampled_from([2, 2, 4, 0, 1]))
            lines.extend(draw(_node(len(pad) + (2 if sequence else 0) + step, depth + 1)))
    return lines


@MANY
@given(_node(0, 0), st.sampled_from(["\n", ""]))
def test_documents_of_okr_shapes_read_the_same(lines: list[str], end: str) -> None:
    same_reading("\n".join(lines) + end)


@MANY
@given(
    st.sampled_from(sorted(str(p) for p in (REPO / "okrs").rglob("*.yaml"))),
    st.lists(st.tuples(st.floats(0, 1), st.sampled_from(["insert", "delete", "indent", "dup"]),
                       st.sampled_from(list(TRICKY))), min_size=1, max_size=3),
)  # fmt: skip
def test_edited_example_files_read_the_same(path: str, edits: list[tuple[float, str, str]]) -> None:
    text = Path(path).read_text(encoding="utf-8")
    for where, how, character in edits:
        at = int(where * len(text))
        line_start = text.rfind("\n", 0, at) + 1
        if how == "insert":
            text = text[:at] + character + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + 1 :]
        elif how == "indent":
            text = text[:line_start] + " " + text[line_start:]
        else:
            line_end = text.find("\n", at) + 1 or len(text)
            text = text[:line_end] + text[line_start:line_end] + text[line_end:]
    same_reading(text)


# Check-in lines, mostly in the shape `okrs check-in` writes (read whole, a run at a time, when
# no marks are asked for) and sometimes just outside it (read line by line, or by libyaml).
_check_in_value = st.sampled_from(
    ["0", "12", "-3", "0.5", "-0", "1.25", "true", "false"] * 3
    + ["007", "1e3", ".5", "1.", "+1", "True", "null", '"12"', "x", "12 ", "1_0", "0x1", "1e400"]
)  # fmt: skip
_check_in_note = st.one_of(
    _double_quoted(),
    st.sampled_from(['"Shipped: done, {x}"', '""', '"a \\"b\\" c"', '"caf\\u00e9 £"', "plain words",
                     "'single'", '"open', '"a" b', '"x"  ', '"x" # c']),
)  # fmt: skip


@st.composite
def _check_in_line(draw: st.DrawFn, pad: str) -> str:
    pairs = [("date", draw(st.sampled_from(["2026-10-01"] * 6 + ["2026-1-01", '"2026-10-01"'])))]
    for key, value in (("value", _check_in_value), ("confidence", _check_in_value),
                       ("note", _check_in_note)):  # fmt: skip
        if draw(st.integers(0, 3)):
            pairs.append((key, draw(value)))
    if draw(st.integers(0, 9)) == 0:
        extra = [("by", '"@ana"'), ("value", "1"), ("date", "2026-10-02"), ("true", "1")]
        pairs.insert(draw(st.integers(0, len(pairs))), draw(st.sampled_from(extra)))
    if draw(st.integers(0, 9)) == 0:
        pairs.reverse()
    separator = draw(st.sampled_from([", "] * 12 + [",", " , ", ",  "]))
    body = separator.join(f"{key}: {value}" for key, value in pairs)
    dash = draw(st.sampled_from(["- "] * 12 + ["-  "]))
    end = draw(st.sampled_from([""] * 12 + [" ", "  # c", "x"]))
    return f"{pad}{dash}{{{body}}}{end}"


@st.composite
def _check_in_document(draw: st.DrawFn) -> str:
    lines = ["title: t", "check_ins:"]
    for _ in range(draw(st.integers(1, 3))):
        pad = " " * draw(st.sampled_from([0, 2, 2, 2, 3]))
        for _ in range(draw(st.integers(1, 5))):
            lines.append(draw(_check_in_line(pad)))
            if draw(st.integers(0, 7)) == 0:
                lines.append(draw(st.sampled_from(["", "# c", f"{pad}  # c", f"{pad}  more"])))
            if draw(st.integers(0, 7)) == 0:
                other = draw(st.sampled_from(["- {a: 1}", "- x", "- {date: 2026-10-01}"]))
                lines.append(pad + other)
            if pad and draw(st.integers(0, 15)) == 0:
                lines.append(f"{pad[:-1]}- {{date: 2026-10-01}}")
        lines.append(draw(st.sampled_from(["other:", "other: 1", "# c"])))
        lines.append(draw(st.sampled_from(["", "x:"])) + " " + draw(st.sampled_from(["", "1"])))
        lines.append("more_check_ins:")
    return "\n".join(lines) + draw(st.sampled_from(["\n", ""]))


@MANY
@given(_check_in_document())
def test_runs_of_check_ins_read_the_same(text: str) -> None:
    same_reading(text)


def test_check_ins_in_the_written_shape_are_read_as_libyaml_reads_them() -> None:
    text = (
        "check_ins:\n"
        "  - {date: 2026-10-01, value: 0, confidence: 0.8,"
        ' note: "Started: \\"beta\\" caf\\u00e9"}\n'
        "  - {date: 2026-10-08, value: 12.5}\n"
        '  - {date: 2026-10-15, value: true, note: ""}  \n'
        "  - {date: 2026-10-22, confidence: 1}\n"
        "  - {date: 2026-10-29, value: 007}\n"
        "  - {date: 2026-11-05, value: -0, note: 'single'}\n"
        "  - {date: 2026-11-12}\n"
        "key: value\n"
    )
    assert same_reading(text)
    assert plainyaml.read(text)["check_ins"][:3] == [
        {"date": "2026-10-01", "value": 0, "confidence": 0.8, "note": 'Started: "beta" café'},
        {"date": "2026-10-08", "value": 12.5},
        {"date": "2026-10-15", "value": True, "note": ""},
    ]
