"""The rule registry against the contract's table, and the rule docs against the registry."""

from __future__ import annotations

import re
from pathlib import Path

from okrs_as_code.diagnostics import Severity
from okrs_as_code.rules import RULES

from .conftest import REPO_ROOT, RunLine

# SPEC section 3, the contract: code -> default severity.
CONTRACT = {
    "OKR001": "error", "OKR002": "error", "OKR003": "error",
    "OKR101": "error", "OKR102": "error", "OKR103": "error",
    "OKR110": "error", "OKR111": "error", "OKR112": "error", "OKR113": "error",
    "OKR114": "error", "OKR115": "error", "OKR116": "warning", "OKR117": "warning",
    "OKR118": "error",
    "OKR201": "error", "OKR202": "error", "OKR203": "warning", "OKR204": "error",
    "OKR301": "error", "OKR302": "error", "OKR303": "error",
    "OKR401": "warning", "OKR402": "off",
}  # fmt: skip


def test_registry_matches_the_contract() -> None:
    assert {code: rule.severity.value for code, rule in RULES.items()} == CONTRACT
    assert list(RULES) == sorted(RULES)


def test_every_rule_is_documented_with_examples() -> None:
    names = set()
    for code, rule in RULES.items():
        assert re.fullmatch(r"OKR[0-9]{3}", code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), code
        assert rule.name not in names, f"{code}: name {rule.name} is taken"
        names.add(rule.name)
        assert rule.severity is not Severity.OFF or code == "OKR402"
        assert rule.summary.endswith("."), f"{code}: the summary is one sentence"
        assert re.search(r"^Fails\b.*:", rule.doc, re.M), f"{code} has no failing example"
        assert re.search(r"^Passes\b.*:", rule.doc, re.M), f"{code} has no passing example"


def test_rules_page_is_up_to_date(run_line: RunLine) -> None:
    generated = run_line(["rules", "--format", "markdown"], expect=0).stdout
    committed = (REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == generated, "regenerate: okrs rules --format markdown > docs/rules.md"


def test_rules_page_lists_every_code() -> None:
    page = Path(REPO_ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert all(f"## {code} " in page for code in CONTRACT)
