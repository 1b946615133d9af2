"""The fast schema check and the reference implementation must agree on every document."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml

from okrs_as_code import schema, yamlsafe

from .conftest import REPO_ROOT

Mutation = Callable[[Any], None]


def _documents() -> Iterator[tuple[str, str, Any]]:
    for path in sorted(
        [*REPO_ROOT.glob("okrs/**/*.yaml"), *REPO_ROOT.glob("tests/cases/**/*.yaml")]
    ):
        if path.name == "case.yaml":
            continue
        try:
            data = yamlsafe.parse(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        kind = "org" if path.name == "org.yaml" else "okrs"
        yield kind, str(path.relative_to(REPO_ROOT)), data


def _set(path: tuple[str | int, ...], value: object) -> Mutation:
    def mutate(data: Any) -> None:
        node = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return mutate


MUTATIONS: dict[str, Mutation] = {
    "period-as-list": _set(("period",), [2026]),
    "title-blank": _set(("objectives", 0, "title"), "  "),
    "status-unknown": _set(("objectives", 0, "status"), "paused"),
    "dropped-without-reason": _set(("objectives", 0, "status"), "dropped"),
    "weight-zero": _set(("objectives", 0, "weight"), 0),
    "score-above-one": _set(("objectives", 0, "score"), 1.2),
    "unknown-key": _set(("objectives", 0, "aligns_too"), "x/y"),
    "bad-id": _set(("objectives", 0, "id"), "Not An Id"),
    "baseline-text": _set(("objectives", 0, "key_results", 0, "baseline"), "50"),
    "milestone-number": _set(("objectives", 0, "key_results", 0, "milestone"), 1),
    "keep-both": _set(("objectives", 0, "key_results", 0, "keep"), {"at_least": 1, "at_most": 2}),
    "keep-typo": _set(("objectives", 0, "key_results", 0, "keep"), {"at_lest": 1}),
    "cadence-zero": _set(("objectives", 0, "key_results", 0, "check_in_every"), "0d"),
    "check-in-no-value": _set(
        ("objectives", 0, "key_results", 0, "check_ins"), [{"date": "2026-11-02"}]
    ),
    "check-in-impossible-date": _set(
        ("objectives", 0, "key_results", 0, "check_ins"), [{"date": "2026-02-30", "value": 1}]
    ),
    "confidence-high": _set(
        ("objectives", 0, "key_results", 0, "check_ins"),
        [{"date": "2026-02-03", "value": 1, "confidence": 2}],
    ),
}


def _variants(kind: str, data: Any) -> Iterator[tuple[str, Any]]:
    yield "as written", data
    if kind != "okrs" or not (isinstance(data, dict) and data.get("objectives")):
        return
    for label, mutate in MUTATIONS.items():
        mutated = copy.deepcopy(data)
        try:
            mutate(mutated)
        except (LookupError, TypeError):
            continue
        yield label, mutated


DOCUMENTS = list(_documents())


@pytest.mark.parametrize(("kind", "name", "data"), DOCUMENTS, ids=[d[1] for d in DOCUMENTS])
def test_engines_agree(kind: str, name: str, data: Any) -> None:
    for label, variant in _variants(kind, data):
        reference = not list(schema._reference(kind).iter_errors(variant))
        assert schema.is_valid(kind, variant) == reference, label


def test_every_mutation_makes_the_example_invalid() -> None:
    data = yamlsafe.parse((REPO_ROOT / "okrs/2026-Q4/product.yaml").read_text(encoding="utf-8"))
    assert schema.is_valid("okrs", data)
    assert len(DOCUMENTS) > 100
    for label, mutate in MUTATIONS.items():
        mutated = copy.deepcopy(data)
        mutate(mutated)
        assert not schema.is_valid("okrs", mutated), label
        assert list(schema._reference("okrs").iter_errors(mutated)), label
