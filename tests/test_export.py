"""`okrs export`: the resolved model as JSON and CSV, checked by parsing them back."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from . import busy
from .conftest import AS_OF, REPO_ROOT, MakeRepo, RunLine


@pytest.fixture
def busy_repo(make_repo: MakeRepo) -> Path:
    return make_repo(busy.FILES)


def export(run_line: RunLine, root: Path, *args: str) -> str:
    result = run_line(["export", "--root", str(root), "--as-of", AS_OF, *args], expect=0)
    return result.stdout


def objectives(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["ref"]: o for o in document["objectives"]}


def test_json_is_the_resolved_model(run_line: RunLine, busy_repo: Path) -> None:
    document = json.loads(export(run_line, busy_repo))
    assert document["schema_version"] == 1
    assert document["as_of"] == AS_OF and document["current_period"] == "2026-Q4"
    assert document["organization"]["name"] == "Brightwork"
    assert document["organization"]["root"] == "company"
    assert [p["id"] for p in document["periods"]] == ["2026", "2026-Q4"]
    assert document["periods"][1] == {
        "id": "2026-Q4",
        "start": "2026-10-01",
        "end": "2026-12-31",
        "active": True,
        "expected": 0.5435,
    }
    teams = {t["id"]: t for t in document["teams"]}
    assert teams["company"]["children"] == ["product", "marketing"]
    assert teams["marketing"]["owners"] == ["@lee", "@ffion"]
    assert [o["ref"] for o in document["objectives"]] == [
        "2026/company/grow",
        "2026-Q4/company/number-one-rated",
        "2026-Q4/marketing/demand",
        "2026-Q4/marketing/brand",
        "2026-Q4/product/creatives-love",
        "2026-Q4/product/old-idea",
        "2026-Q4/product/editor",
    ]


def test_objectives_carry_their_place_in_the_cascade(run_line: RunLine, busy_repo: Path) -> None:
    found = objectives(json.loads(export(run_line, busy_repo)))
    top = found["2026-Q4/company/number-one-rated"]
    assert top["parent"] == "2026/company/grow"
    assert top["children"] == [
        "2026-Q4/marketing/demand",
        "2026-Q4/product/creatives-love",
        "2026-Q4/product/old-idea",
        "2026-Q4/product/editor",
    ]
    assert top["supporters"] == [
        "2026-Q4/marketing/demand",
        "2026-Q4/product/creatives-love",
        "2026-Q4/product/editor",
    ]  # a dropped objective supports nothing
    assert (top["progress"], top["cascade_progress"]) == (0.5, 0.6188)
    demand = found["2026-Q4/marketing/demand"]
    assert demand["aligns_to"] == "company/number-one-rated#rating"
    assert demand["parent"] == "2026-Q4/company/number-one-rated#rating"
    assert found["2026-Q4/marketing/brand"]["parent"] is None
    assert found["2026-Q4/product/creatives-love"]["flags"] == ["stale", "behind", "at_risk"]
    assert found["2026-Q4/product/old-idea"]["flags"] == ["dropped"]
    assert found["2026-Q4/product/old-idea"]["reason"] == "Agencies did not ask for it."
    assert found["2026-Q4/product/editor"]["flags"] == ["achieved"]


def test_key_results_with_their_check_ins(run_line: RunLine, busy_repo: Path) -> None:
    found = objectives(json.loads(export(run_line, busy_repo)))
    setup, integrations = found["2026-Q4/product/creatives-love"]["key_results"]
    assert setup == {
        "ref": "2026-Q4/product/creatives-love#setup-time",
        "id": "setup-time",
        "title": "Reduce project setup time from 50 to 30 minutes",
        "kind": "metric",
        "baseline": 50,
        "target": 30,
        "keep": None,
        "unit": "min",
        "metric": None,
        "owner": "@tom",
        "owners": ["@tom"],
        "weight": 1,
        "description": None,
        "progress": 0.25,
        "current": 45,
        "last_check_in": "2026-11-10",
        "confidence": 0.7,
        "stale": True,
        "due": "2026-11-19",
        "behind": True,
        "at_risk": False,
        "check_ins": [{"date": "2026-11-10", "value": 45, "confidence": 0.7, "note": None}],
    }
    assert (integrations["kind"], integrations["owners"], integrations["at_risk"]) == (
        "milestone",
        ["@sam"],
        True,
    )
    uptime = found["2026-Q4/product/editor"]["key_results"][0]
    assert (uptime["kind"], uptime["keep"]) == ("keep", {"at_least": 99.9, "at_most": None})


def test_csv_has_a_row_per_key_result(run_line: RunLine, busy_repo: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(export(run_line, busy_repo, "--format", "csv"))))
    assert [row["key_result"] for row in rows] == [
        "2026/company/grow#arr",
        "2026-Q4/company/number-one-rated#rating",
        "2026-Q4/marketing/demand#mqls",
        "2026-Q4/marketing/brand#guide",
        "2026-Q4/product/creatives-love#setup-time",
        "2026-Q4/product/creatives-love#integrations",
        "2026-Q4/product/old-idea#plugins",
        "2026-Q4/product/editor#uptime",
    ]
    assert rows[4] == {
        "period": "2026-Q4",
        "team": "product",
        "objective": "2026-Q4/product/creatives-love",
        "objective_title": (
            "Launch features that creatives love and that agencies recommend to each other"
        ),
        "objective_status": "active",
        "parent": "2026-Q4/company/number-one-rated",
        "key_result": "2026-Q4/product/creatives-love#setup-time",
        "key_result_title": "Reduce project setup time from 50 to 30 minutes",
        "kind": "metric",
        "unit": "min",
        "baseline": "50",
        "target": "30",
        "current": "45",
        "progress": "0.25",
        "confidence": "0.7",
        "last_check_in": "2026-11-10",
        "stale": "true",
        "behind": "true",
        "at_risk": "false",
    }
    brand = rows[3]
    assert (brand["parent"], brand["current"], brand["last_check_in"]) == ("", "", "")


def test_csv_quotes_awkward_titles(run_line: RunLine, make_repo: MakeRepo) -> None:
    company = busy.COMPANY.replace(
        "title: Become the number one rated tool", 'title: "Number \\"one\\", rated\\nbest"'
    )
    root = make_repo({**busy.FILES, "okrs/2026-Q4/company.yaml": company})
    rows = list(csv.DictReader(io.StringIO(export(run_line, root, "--format", "csv"))))
    assert rows[1]["objective_title"] == 'Number "one", rated\nbest'


def test_csv_text_never_starts_a_formula(run_line: RunLine, make_repo: MakeRepo) -> None:
    """A title or unit that a spreadsheet would read as a formula is written after an
    apostrophe; numbers, negative ones included, are written as they are."""
    company = busy.COMPANY.replace(
        "title: Become the number one rated tool", "title: '=HYPERLINK(\"https://x.example\")'"
    )
    product = busy.PRODUCT.replace(
        "title: Reduce project setup time from 50 to 30 minutes", "title: '@SUM(A1:A9)'"
    ).replace("unit: min", "unit: '-min'")
    files = {"okrs/2026-Q4/company.yaml": company, "okrs/2026-Q4/product.yaml": product}
    root = make_repo({**busy.FILES, **files})
    rows = list(csv.DictReader(io.StringIO(export(run_line, root, "--format", "csv"))))
    assert rows[1]["objective_title"] == '\'=HYPERLINK("https://x.example")'
    setup = next(row for row in rows if row["key_result"].endswith("#setup-time"))
    assert (setup["key_result_title"], setup["unit"]) == ("'@SUM(A1:A9)", "'-min")
    assert setup["baseline"] == "50" and not any(
        value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values()
    )
    data = objectives(json.loads(export(run_line, root)))  # JSON keeps the text as written
    assert data["2026-Q4/company/number-one-rated"]["title"] == '=HYPERLINK("https://x.example")'


def test_the_example_organisation(run_line: RunLine) -> None:
    text = export(run_line, REPO_ROOT)
    assert text == export(run_line, REPO_ROOT)  # the same input gives the same bytes
    found = objectives(json.loads(text))
    assert len(found) == 13
    top = found["2026-Q4/company/number-one-rated"]
    assert top["parent"] == "2026/company/uk-agency-leader"
    assert "2026-Q4/product/creatives-love" in top["children"]
    love = found["2026-Q4/product/creatives-love"]
    assert love["children"] == ["2026-Q4/integrations/fit-agency-stack"]
    assert found["2026-Q4/marketing/agency-demand"]["supporters"] == [
        "2026-Q4/customer-success/agencies-succeed",
        "2026-Q4/product/creatives-love",
    ]
    rows = list(csv.DictReader(io.StringIO(export(run_line, REPO_ROOT, "--format", "csv"))))
    assert len(rows) == sum(len(o["key_results"]) for o in found.values())


def test_the_format_choices_are_the_registry() -> None:
    from okrs_as_code import export as module
    from okrs_as_code.cli import export as command

    option = next(p for p in command.params if p.name == "output_format")
    assert list(option.type.choices) == list(module.FORMATS)  # type: ignore[attr-defined]
