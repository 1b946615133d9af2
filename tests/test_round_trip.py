"""Round-trip fidelity over every YAML file in the repository's corpus (okrs/ and tests/cases/).

The toolkit writes YAML in two ways, and each has its own property:

- ``okrs check-in`` changes an existing file by splicing: the new text is the old bytes with one
  contiguous run inserted (the check-in), and it reads back as the old data plus that entry.
  Nothing is ever re-emitted, so every other byte (comments, quotes, spacing, line endings)
  stays as it was.
- ``okrs new-period`` writes new files with ``yamlsafe.dump``: whatever it dumps reads back as
  equal data, so ``parse(dump(parse(x))) == parse(x)`` for every file that parses. It does not
  promise the same bytes as a hand-written file, and no command re-emits one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from okrs_as_code import splice, yamlsafe
from okrs_as_code.loader import parse_bytes

from .conftest import REPO_ROOT

CORPUS = sorted(
    [*(REPO_ROOT / "okrs").rglob("*.yaml"), *(REPO_ROOT / "tests/cases").rglob("*.yaml")]
)
FIELDS: dict[str, object] = {"date": "2099-01-01", "value": 1, "note": 'said: "#1", \\ ok'}
ODD_TEXT = ["a\x85b", "a\u2028b", "a\rb", "x\r\ny", "  lead", "trail  ", "a\n\nb\n\n", "#", "- x",
            "yes", "on", "2026-02-30", "0o17", "1e6", ".nan", "null", "~", "'", '"', "\t", "é😀",
            "a: b", "{x}", "[x]", "!tag", "&a", "*a", "%x", "@x", "`x", "|", ">",
            "\ufeffx"]  # fmt: skip


def _parsed() -> list[tuple[Path, str, Any]]:
    found = []
    for path in CORPUS:
        source = parse_bytes(path.name, path.read_bytes())
        if source.ok and source.text is not None:
            found.append((path, source.text, source.data))
    return found


def _key_results(data: Any) -> list[tuple[Any, ...]]:
    if not isinstance(data, dict) or not isinstance(data.get("objectives"), list):
        return []
    return [
        ("objectives", i, "key_results", j)
        for i, objective in enumerate(data["objectives"])
        if isinstance(objective, dict) and isinstance(objective.get("key_results"), list)
        for j, kr in enumerate(objective["key_results"])
        if isinstance(kr, dict)
    ]


def _only_inserted(old: str, new: str) -> bool:
    """Whether ``new`` is ``old`` with one contiguous run of text inserted."""
    if len(new) <= len(old):
        return False
    prefix = 0
    while prefix < len(old) and old[prefix] == new[prefix]:
        prefix += 1
    return new[len(new) - (len(old) - prefix) :] == old[prefix:]


def test_the_corpus_is_there() -> None:
    parsed = _parsed()
    assert len(parsed) > 400
    assert sum(len(_key_results(data)) for _, _, data in parsed) > 400


def test_a_check_in_splice_inserts_only_its_text() -> None:
    spliced = refused = 0
    for path, text, data in _parsed():
        for pointer in _key_results(data):
            try:
                new_text = splice.add_check_in(text, pointer, FIELDS)
            except ValueError:
                refused += 1  # check-in refuses these; the file is never written
                continue
            assert _only_inserted(text, new_text), f"{path} {pointer}"
            expected = json.loads(json.dumps(data))  # no list shared through an alias
            kr = expected
            for part in pointer:
                kr = kr[part]
            if kr.get("check_ins") is None:
                kr["check_ins"] = []
            if isinstance(kr["check_ins"], list):  # else check-in refuses the result
                kr["check_ins"].append(dict(FIELDS))
                if yamlsafe.parse(new_text) == expected:
                    spliced += 1
                else:  # an aliased list would gain it twice: check-in refuses
                    assert "*" in text, f"{path} {pointer}"
                    refused += 1
    assert spliced > 400 and refused < spliced / 10


def test_dump_reads_back_as_the_same_data() -> None:
    dumped = 0
    for path, _, data in _parsed():
        try:
            text = yamlsafe.dump(data)
        except yaml.representer.RepresenterError:
            continue  # not plain data (never the case for what parses)
        assert yamlsafe.parse(text) == data, path
        dumped += 1
    assert dumped == len(_parsed())


@pytest.mark.parametrize("odd", ODD_TEXT)
def test_dump_reads_back_odd_text(odd: str) -> None:
    """Text that would read as another type, or that holds a line break PyYAML folds (NEL,
    U+2028, CR), is written so that it reads back as written (okrs new-period copies titles)."""
    data = {"title": odd, "list": [odd, 1], "nested": {"note": odd, odd: odd}}
    assert yamlsafe.parse(yamlsafe.dump(data)) == data
