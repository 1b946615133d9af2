"""Acceptance tests of `okrs validate` and `okrs schema` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from .conftest import AS_OF, COMPANY, ORG, PRODUCT, MakeRepo, RunLine


def test_clean_repository_passes(run_line: RunLine, small_repo: Path) -> None:
    result = run_line(["validate", "--root", str(small_repo), "--as-of", AS_OF], expect=0)
    assert result.stdout == "no problems (3 files checked as of 2026-11-20)\n"


def test_root_is_found_from_a_subfolder(
    run_line: RunLine, small_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(small_repo / "okrs" / "2026-Q4")
    run_line(["validate", "--as-of", AS_OF], expect=0)


def test_missing_organisation_is_an_environment_error(
    run_line: RunLine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_line(["validate"], expect=2)
    assert "no okrs/org.yaml found" in result.stderr
    assert "Traceback" not in result.stderr


def _okrs(*args: str, stdout: int | None = None) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it: its own process, its own exit."""
    argv = [sys.executable, "-m", "okrs_as_code", *args]
    return subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE, text=True, check=False)


def test_the_command_exits_with_its_status(small_repo: Path) -> None:
    clean = _okrs("validate", "--root", str(small_repo), "--as-of", AS_OF, stdout=subprocess.PIPE)
    assert (clean.returncode, clean.stdout) == (
        0,
        "no problems (3 files checked as of 2026-11-20)\n",
    )
    late = _okrs("validate", "--root", str(small_repo), "--as-of", "2026-11-28")
    assert late.returncode == 1


def test_a_reader_that_goes_away_is_no_error(small_repo: Path, tmp_path: Path) -> None:
    """`okrs build | head -1` and the like: the command stops quietly when its output has no
    reader left."""
    read, write = os.pipe()
    os.close(read)
    try:
        out = str(tmp_path / "site")
        done = _okrs(
            "build", "--root", str(small_repo), "--as-of", AS_OF, "--out", out, stdout=write
        )
    finally:
        os.close(write)
    assert done.returncode == 1
    assert "error" not in done.stderr and "Traceback" not in done.stderr


def test_as_of_from_environment(run_line: RunLine, small_repo: Path) -> None:
    # The product key results were last checked in on 2026-11-18: stale from 2026-11-28.
    root = str(small_repo)
    run_line(["validate", "--root", root], env={"OKRS_AS_OF": "2026-11-27"}, expect=0)
    result = run_line(["validate", "--root", root], env={"OKRS_AS_OF": "2026-11-28"}, expect=1)
    assert "OKR301" in result.stdout
    assert "it was due by 2026-11-27" in result.stdout


def test_malformed_as_of_is_a_usage_error(run_line: RunLine, small_repo: Path) -> None:
    result = run_line(["validate", "--root", str(small_repo), "--as-of", "20/11/2026"], expect=2)
    assert "--as-of" in result.stderr


def test_every_problem_is_reported_at_once(run_line: RunLine, make_repo: MakeRepo) -> None:
    broken = PRODUCT.replace("aligns_to: company/number-one-rated", "aligns_to: company/nmber-one")
    root = make_repo(
        {
            "okrs/org.yaml": ORG,
            "okrs/2026-Q4/company.yaml": COMPANY,
            "okrs/2026-Q4/product.yaml": broken.replace("baseline: 50", "baseline: 30"),
            "okrs/2026-Q4/broken.yaml": "team: [product\n",
        }
    )
    result = run_line(["validate", "--root", str(root), "--as-of", AS_OF], expect=1)
    assert result.stdout.splitlines() == [
        "okrs/2026-Q4/broken.yaml:2:1: error OKR001 YAML: did not find expected ',' or ']' "
        "(while parsing a flow sequence)",
        "okrs/2026-Q4/company.yaml:4:9: warning OKR116 root objective 'number-one-rated' has no "
        "supporting objective; align a team objective to it, or name it in contributes_to",
        "okrs/2026-Q4/product.yaml:6:16: error OKR110 aligns_to 'company/nmber-one' does not "
        "resolve; did you mean 'company/number-one-rated'?",
        "okrs/2026-Q4/product.yaml:8:13: error OKR201 key result 'setup-time' has baseline equal "
        "to target (30): nothing to move; give baseline and target, milestone: true, or "
        "keep: {at_least: N}",
        "3 errors, 1 warning (4 files checked as of 2026-11-20)",
    ]


def test_strict_fails_on_warnings(run_line: RunLine, make_repo: MakeRepo) -> None:
    # Product has no file: a team without OKRs, and nothing supports the company objective.
    root = make_repo({"okrs/org.yaml": ORG, "okrs/2026-Q4/company.yaml": COMPANY})
    args = ["validate", "--root", str(root), "--as-of", AS_OF]
    result = run_line(args, expect=0)
    assert "warning OKR116" in result.stdout and "warning OKR117" in result.stdout
    run_line([*args, "--strict"], expect=1)


def test_files_limit_the_report(
    run_line: RunLine, make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(
        {
            "okrs/org.yaml": ORG,
            "okrs/2026-Q4/company.yaml": COMPANY.replace("4.6", "4.8"),
            "okrs/2026-Q4/product.yaml": PRODUCT.replace("number-one-rated", "number-one"),
        }
    )
    monkeypatch.chdir(root)
    base = ["validate", "--as-of", AS_OF, "--format", "json"]

    def codes(*files: str) -> list[tuple[str, str]]:
        result = run_line([*base, *files])
        return [(d["path"], d["code"]) for d in json.loads(result.stdout)["diagnostics"]]

    company = ("okrs/2026-Q4/company.yaml", "OKR201")
    product = ("okrs/2026-Q4/product.yaml", "OKR110")
    assert codes("okrs/2026-Q4/product.yaml") == [product]
    assert codes("okrs/2026-Q4/company.yaml") == [("okrs/2026-Q4/company.yaml", "OKR116"), company]
    assert codes("okrs/2026-Q4/product.yaml", "okrs/org.yaml") == codes()
    assert len(codes()) == 3


def test_unknown_rule_code_in_policy_is_a_configuration_error(
    run_line: RunLine, make_repo: MakeRepo
) -> None:
    org = ORG.replace("  cadence: {check_in_every: 7d, grace: 2d}", "  rules: {OKR999: off}")
    root = make_repo({"okrs/org.yaml": org, "okrs/2026-Q4/company.yaml": COMPANY})
    result = run_line(["validate", "--root", str(root), "--as-of", AS_OF], expect=2)
    assert result.stdout == ""
    assert result.stderr == (
        "okrs: error: okrs/org.yaml:9:11: unknown rule code 'OKR999' in policy.rules\n"
    )


def test_policy_severity_override(run_line: RunLine, make_repo: MakeRepo) -> None:
    org = ORG.replace("  cadence:", "  rules: {OKR201: warning}\n  cadence:")
    root = make_repo(
        {
            "okrs/org.yaml": org,
            "okrs/2026-Q4/company.yaml": COMPANY.replace("4.6", "4.8"),
            "okrs/2026-Q4/product.yaml": PRODUCT,
        }
    )
    result = run_line(["validate", "--root", str(root), "--as-of", AS_OF], expect=0)
    assert "warning OKR201" in result.stdout


def test_schema_prints_both_schemas(run_line: RunLine) -> None:
    both = json.loads(run_line(["schema"], expect=0).stdout)
    assert sorted(both) == ["okrs.schema.json", "org.schema.json"]
    for schema in both.values():
        Draft202012Validator.check_schema(schema)


def test_schema_writes_files(run_line: RunLine, tmp_path: Path) -> None:
    run_line(["schema", "--write", str(tmp_path / "schema")], expect=0)
    written = sorted(p.name for p in (tmp_path / "schema").iterdir())
    assert written == ["okrs.schema.json", "org.schema.json"]
    one = json.loads(run_line(["schema", "okrs"], expect=0).stdout)
    assert one == json.loads((tmp_path / "schema" / "okrs.schema.json").read_text())


def test_help_lists_formats_and_rules(run_line: RunLine) -> None:
    text = run_line(["validate", "--help"], expect=0).stdout
    assert "text|json|github|sarif" in text
    assert "OKR110" in text and "OKR303" in text
    assert "okrs validate --as-of 2026-11-20" in text


def test_rules_command_explains_a_code(run_line: RunLine) -> None:
    text = run_line(["rules", "OKR301"], expect=0).stdout
    assert text.startswith("OKR301 stale (default: error)")
    assert "Fails" in text and "Passes" in text
    assert run_line(["rules", "OKR999"], expect=2).stderr.startswith("okrs: error: unknown rule")
