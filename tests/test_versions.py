"""What a file version commits to is the same whether it is parsed in full or known from the
version before it: lines that only add check-ins are taken on trust only when they are
certain to read as check-ins, and anything else is parsed."""

from __future__ import annotations

import pytest

from okrs_as_code import versions
from okrs_as_code.loader import parse_bytes

from .gitrepo import PRODUCT

PATH = "okrs/2026-Q4/product.yaml"
SIGNUPS = "          - {date: 2026-11-18, value: 200}\n"
INTEGRATIONS = "          - {date: 2026-11-18, value: 0.5}\n"


def _after(line: str, added: str, text: str = PRODUCT) -> str:
    assert line in text
    return text.replace(line, line + added, 1)


def _parsed(text: str) -> object:
    source = parse_bytes(PATH, text.encode("utf-8"))
    return versions.without_check_ins(source.data) if source.ok else None


def _derived(before: str, after: str) -> tuple[versions.Version, versions.Version]:
    first = versions.read(PATH, before.encode("utf-8"), None)
    return versions.read(PATH, after.encode("utf-8"), first), first


ADDED_CHECK_INS = [
    "          - {date: 2026-11-25, value: 230}\n",
    '          - {date: 2026-11-25, value: 230, confidence: 0.7, note: "on track: yes"}\n',
    "          - {date: 2026-11-25, value: 230}  # a comment\n",
    "          - {date: 2026-11-25, value: 230, note: 'single quotes'}\n",
    "          - {date: 2026-11-25, value: 230}\n          - {date: 2026-12-02, value: 250}\n",
]


@pytest.mark.parametrize("added", ADDED_CHECK_INS)
def test_added_check_ins_keep_what_the_version_commits_to(added: str) -> None:
    after = _after(SIGNUPS, added)
    version, first = _derived(PRODUCT, after)
    assert version.data is first.data  # known from the version before, not parsed again
    assert version.data == _parsed(after)


# Lines that look like check-ins but change what the file means, or break it.
BROKEN_OR_FAR_REACHING = [
    "          - {date: 2026-11-25, value: 230, value: 240}\n",  # duplicate key: unreadable
    '          - {date: 2026-11-25, note: "unclosed}\n',  # swallows what follows
    "          - {date: 2026-11-25, value: .nan}\n",  # not a finite number: unreadable
    "          - {date: 2026-11-25, value: !!binary aGk=}\n",  # unknown tag: unreadable
    "          - {date: 2026-11-25, value: &v 230}\n",  # an anchor reaches beyond its line
    "          - {date: 2026-11-25, value: 230}\n        target: 900\n",  # a second target
    "        - {date: 2026-11-25, value: 230}\n",  # another indentation: another list
    "          - {date: 2026-11-25,\n             value: 230}\n",  # spread over two lines
    "          - date: 2026-11-25\n",  # block style
]


@pytest.mark.parametrize("added", BROKEN_OR_FAR_REACHING)
def test_anything_else_is_parsed_in_full(added: str) -> None:
    after = _after(SIGNUPS, added)
    version, _ = _derived(PRODUCT, after)
    assert version.data == _parsed(after)


def test_a_changed_commitment_is_seen() -> None:
    after = _after(INTEGRATIONS, "          - {date: 2026-11-25, value: 0.7}\n").replace(
        "target: 500", "target: 400"
    )
    version, first = _derived(PRODUCT, after)
    assert version.data != first.data and version.data == _parsed(after)


def test_check_ins_inside_a_text_block_are_text() -> None:
    """Lines shaped like check-ins inside a block of text change the text they are part of."""
    text = PRODUCT.replace(
        "    title: Launch features that creatives love\n",
        "    title: |\n      Launch features\n      check_ins:\n"
        "        - {date: 2026-11-18, value: 1}\n",
    )
    line = "        - {date: 2026-11-18, value: 1}\n"
    after = _after(line, "        - {date: 2, value: 2}\n", text)
    version, first = _derived(text, after)
    assert version.data != first.data and version.data == _parsed(after)


def test_other_line_breaks_are_parsed_in_full() -> None:
    text = PRODUCT.replace("\n", "\r\n")
    added = "          - {date: 2026-11-25, value: 1}\r\n"
    after = _after(SIGNUPS.replace("\n", "\r\n"), added, text)
    version, first = _derived(text, after)
    assert version.data == _parsed(after) and not first.ends


def test_an_unreadable_version_commits_to_nothing() -> None:
    version = versions.read(PATH, b"team: [unclosed", None)
    assert version.data is None


FIRST_VERSIONS = [
    PRODUCT,
    *(_after(SIGNUPS, added) for added in ADDED_CHECK_INS + BROKEN_OR_FAR_REACHING),
    PRODUCT.replace("check_ins:\n          - {date: 2026-11-18, value: 0.5}", "check_ins: []"),
    PRODUCT.replace("    title: Launch features that creatives love\n", "    title: |\n      L\n"),
    PRODUCT.replace("          - {date: 2026-11-18, value: 200}", '          - {note: "a * b"}'),
]


@pytest.mark.parametrize("text", FIRST_VERSIONS)
def test_a_first_version_reads_the_same_by_either_reader(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one-pass reader finds the same data and check-in lines as the full parser's tree."""
    fast = versions.read(PATH, text.encode("utf-8"), None)
    monkeypatch.setattr(versions, "_read_plain", lambda raw, whole: None)
    assert fast == versions.read(PATH, text.encode("utf-8"), None)


def test_check_ins_in_a_flow_sequence_are_read_in_full() -> None:
    listed = "check_ins:\n          - {date: 2026-11-18, value: 0.5}"
    text = PRODUCT.replace(listed, "check_ins: [1]")
    after = text.replace("target: 500", "target: 400")
    version, _ = _derived(text, after)
    assert version.data == _parsed(after)


def _whole(before: str, after: str) -> tuple[versions.Version, versions.Version]:
    first = versions.read(PATH, before.encode("utf-8"), None, whole=True)
    return versions.read(PATH, after.encode("utf-8"), first, whole=True), first


def _data(text: str) -> object:
    source = parse_bytes(PATH, text.encode("utf-8"))
    return source.data if source.ok else None


@pytest.mark.parametrize("added", ADDED_CHECK_INS + BROKEN_OR_FAR_REACHING)
def test_read_whole_a_version_holds_all_its_data(added: str) -> None:
    """Check-ins added at the end of a list are added to the data of the version before,
    which shares the rest; anything else is parsed in full. Either way, the data is the file's."""
    after = _after(SIGNUPS, added)
    version, first = _whole(PRODUCT, after)
    assert version.data == _data(after)
    if added in ADDED_CHECK_INS:
        objective, was = version.data["objectives"][0], first.data["objectives"][0]
        assert objective["key_results"][1] is was["key_results"][1]  # integrations: untouched


def test_a_check_in_inserted_between_others_is_read_in_full() -> None:
    """Then the versions after it are known from it again, with their check-ins in place."""
    two = _after(SIGNUPS, "          - {date: 2026-11-25, value: 230}\n")
    between = _after(SIGNUPS, "          - {date: 2026-11-20, value: 210}\n", two)
    version, _ = _whole(two, between)
    assert version.data == _data(between)
    later = _after("value: 230}\n", "          - {date: 2026-12-02, value: 250}\n", between)
    derived = versions.read(PATH, later.encode("utf-8"), version, whole=True)
    assert derived.data == _data(later)
    assert (
        derived.data["objectives"][0]["key_results"][1]
        is version.data["objectives"][0]["key_results"][1]
    )


@pytest.mark.parametrize("text", FIRST_VERSIONS)
def test_a_first_version_reads_whole_the_same_by_either_reader(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = versions.read(PATH, text.encode("utf-8"), None, whole=True)
    monkeypatch.setattr(versions, "_read_plain", lambda raw, whole: None)
    assert fast == versions.read(PATH, text.encode("utf-8"), None, whole=True)
    assert fast.data == _data(text)


def test_versions_that_each_add_check_ins_are_known_from_the_one_before() -> None:
    """Week after week, each version is the one before with a check-in added to each of two
    lists: it is known from it, whole or not, and its data is the file's."""
    texts, lasts = [PRODUCT], [SIGNUPS, INTEGRATIONS]
    for week, day in enumerate(("2026-11-25", "2026-12-02", "2026-12-09"), start=1):
        text, added = texts[-1], [f"value: {week}00", f"value: 0.{week}"]
        for number, value in enumerate(added):
            line = f"          - {{date: {day}, {value}}}\n"
            text, lasts[number] = _after(lasts[number], line, text), line
        texts.append(text)
    for whole in (False, True):
        version = versions.read(PATH, texts[0].encode("utf-8"), None, whole=whole)
        for text in texts[1:]:
            before, version = version, versions.read(PATH, text.encode("utf-8"), version, whole)
            assert version.data == (_data(text) if whole else _parsed(text))
            assert version.ends and (whole or version.data is before.data)


@pytest.mark.parametrize(
    "edit",
    [
        ("value: 200}", "value: 201}"),  # the list's last check-in, before the one added
        ("- id: signups", "- id: sign-ups"),  # a line above
        ("- {date: 2026-11-18, value: 0.5}", "- {date: 2026-11-19, value: 0.5}"),  # below
    ],
)
def test_a_version_that_adds_check_ins_and_changes_a_line_is_read_in_full(
    edit: tuple[str, str],
) -> None:
    after = _after(SIGNUPS, "          - {date: 2026-11-25, value: 230}\n").replace(*edit, 1)
    assert after.count(edit[1]) == 1
    for whole in (False, True):
        first = versions.read(PATH, PRODUCT.encode("utf-8"), None, whole=whole)
        version = versions.read(PATH, after.encode("utf-8"), first, whole=whole)
        assert version.data == (_data(after) if whole else _parsed(after))
        assert whole or version.data is not first.data  # a new reading, not the one before's
