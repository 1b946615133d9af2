"""Exact output of every reporter on one repository with an error (with hint) and a warning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from okrs_as_code.rules import RULES

from .conftest import AS_OF, COMPANY, ORG, PRODUCT, MakeRepo, RunLine


@pytest.fixture
def repo(make_repo: MakeRepo) -> Path:
    product = PRODUCT.replace("aligns_to: company/number-one-rated", "aligns_to: company/nmber-one")
    return make_repo(
        {
            "okrs/org.yaml": ORG,
            "okrs/2026-Q4/company.yaml": COMPANY,
            "okrs/2026-Q4/product.yaml": product,
        }
    )


def _report(run_line: RunLine, root: Path, fmt: str) -> str:
    args = ["validate", "--root", str(root), "--as-of", AS_OF, "--format", fmt]
    return str(run_line(args, expect=1).stdout)


def test_text(run_line: RunLine, repo: Path) -> None:
    assert _report(run_line, repo, "text") == (
        "okrs/2026-Q4/company.yaml:4:9: warning OKR116 root objective 'number-one-rated' has no "
        "supporting objective; align a team objective to it, or name it in contributes_to\n"
        "okrs/2026-Q4/product.yaml:6:16: error OKR110 aligns_to 'company/nmber-one' does not "
        "resolve; did you mean 'company/number-one-rated'?\n"
        "1 error, 1 warning (3 files checked as of 2026-11-20)\n"
    )


def test_json(run_line: RunLine, repo: Path) -> None:
    assert json.loads(_report(run_line, repo, "json")) == {
        "diagnostics": [
            {
                "path": "okrs/2026-Q4/company.yaml",
                "line": 4,
                "column": 9,
                "code": "OKR116",
                "severity": "warning",
                "message": "root objective 'number-one-rated' has no supporting objective",
                "hint": "align a team objective to it, or name it in contributes_to",
            },
            {
                "path": "okrs/2026-Q4/product.yaml",
                "line": 6,
                "column": 16,
                "code": "OKR110",
                "severity": "error",
                "message": "aligns_to 'company/nmber-one' does not resolve",
                "hint": "did you mean 'company/number-one-rated'?",
            },
        ],
        "summary": {"errors": 1, "warnings": 1, "files": 3},
    }


def test_github(run_line: RunLine, repo: Path) -> None:
    assert _report(run_line, repo, "github") == (
        "::warning file=okrs/2026-Q4/company.yaml,line=4,col=9,title=OKR116::root objective "
        "'number-one-rated' has no supporting objective; align a team objective to it, or name "
        "it in contributes_to\n"
        "::error file=okrs/2026-Q4/product.yaml,line=6,col=16,title=OKR110::aligns_to "
        "'company/nmber-one' does not resolve; did you mean 'company/number-one-rated'?\n"
    )


def test_github_escapes_workflow_command_syntax(run_line: RunLine, make_repo: MakeRepo) -> None:
    # A percent sign and a line break in the data, a comma and a colon in a property.
    root = make_repo(
        {
            "okrs/org.yaml": ORG,
            "okrs/2026-Q4/company.yaml": COMPANY.replace("4.6", "4.8"),
            "okrs/2026-Q4/a,b:c.yaml": "team: product\nperiod: 2026-Q4\n",
            "okrs/2026-Q4/product.yaml": PRODUCT.replace(
                "aligns_to: company/number-one-rated", 'aligns_to: "100%\\nsure"'
            ),
        }
    )
    lines = _report(run_line, root, "github").splitlines()
    assert "::error file=okrs/2026-Q4/a%2Cb%3Ac.yaml,line=1,col=7,title=OKR003::team " in lines[0]
    assert lines[-1].endswith(
        "::aligns_to '100%25%0Asure' is not a reference; a reference is "
        "team/objective, period/team/objective, with an optional #key-result"
    )


def _assert_sarif_shape(log: dict[str, Any]) -> None:
    """What SARIF 2.1.0 requires of the parts this log uses, and what code scanning reads."""
    assert log["version"] == "2.1.0" and isinstance(log["$schema"], str)
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert isinstance(driver["name"], str) and isinstance(driver["version"], str)
        for rule in driver["rules"]:
            assert isinstance(rule["id"], str) and isinstance(rule["shortDescription"]["text"], str)
            assert rule["defaultConfiguration"]["level"] in {"none", "note", "warning", "error"}
        for result in run["results"]:
            assert isinstance(result["ruleId"], str) and isinstance(result["ruleIndex"], int)
            assert result["level"] in {"none", "note", "warning", "error"}
            assert isinstance(result["message"]["text"], str)
            physical = result["locations"][0]["physicalLocation"]
            assert not physical["artifactLocation"]["uri"].startswith("/")
            assert physical["region"]["startLine"] >= 1 and physical["region"]["startColumn"] >= 1


def test_sarif_is_valid_and_complete(run_line: RunLine, repo: Path) -> None:
    log = json.loads(_report(run_line, repo, "sarif"))
    _assert_sarif_shape(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(RULES)
    assert all(rule["fullDescription"]["text"] for rule in rules)
    assert [
        (
            r["ruleId"],
            rules[r["ruleIndex"]]["id"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in run["results"]
    ] == [
        (
            "OKR116",
            "OKR116",
            "warning",
            "okrs/2026-Q4/company.yaml",
            {"startLine": 4, "startColumn": 9},
        ),
        (
            "OKR110",
            "OKR110",
            "error",
            "okrs/2026-Q4/product.yaml",
            {"startLine": 6, "startColumn": 16},
        ),
    ]
    assert run["results"][1]["message"]["text"] == (
        "aligns_to 'company/nmber-one' does not resolve; did you mean 'company/number-one-rated'?"
    )
