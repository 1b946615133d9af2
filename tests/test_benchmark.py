"""The benchmark works: a generated organisation is valid and reproducible, the runner reports.

Speed itself is measured by `python -m benchmarks.run`, never asserted here.
"""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

from benchmarks.generate import generate

from .conftest import REPO_ROOT, RunLine


def _same_tree(left: Path, right: Path) -> bool:
    compared = filecmp.dircmp(left, right)
    if compared.left_only or compared.right_only or compared.diff_files or compared.funny_files:
        return False
    return all(_same_tree(left / sub, right / sub) for sub in compared.common_dirs)


def test_generated_organisation_is_valid_and_reproducible(
    run_line: RunLine, tmp_path: Path
) -> None:
    summary = generate(12, 7, tmp_path / "a", with_json=True)
    generate(12, 7, tmp_path / "b", with_json=True)
    assert _same_tree(tmp_path / "a", tmp_path / "b")
    assert summary.files == 13 and summary.check_ins == 12 * 16 * 10
    args = ["validate", "--root", str(tmp_path / "a"), "--as-of", "2026-12-10", "--strict"]
    assert run_line(args, expect=0).stdout.startswith("no problems")


def test_generated_history_ends_in_the_same_files(tmp_path: Path) -> None:
    generate(5, 3, tmp_path / "plain")
    summary = generate(5, 3, tmp_path / "history", git_history=True)
    assert summary.commits == 1 + 5 * 10
    log = subprocess.run(
        ["git", "rev-list", "--count", "HEAD"], cwd=tmp_path / "history",
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert int(log.stdout) == summary.commits
    assert _same_tree(tmp_path / "plain" / "okrs", tmp_path / "history" / "okrs")


def test_runner_reports_every_stage_with_its_peers(tmp_path: Path) -> None:
    out = tmp_path / "performance.md"
    subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--size", "S", "--repeat", "1", "--out", str(out)],
        cwd=REPO_ROOT, check=True, capture_output=True,
    )  # fmt: skip
    report = out.read_text()
    assert "<!-- size S -->" in report and "### S: 20 teams" in report
    for tool in ("read the bytes", "json.loads, same data", "okrs, no cache",
                 "okrs, nothing changed", "okrs, one file changed (pre-commit)",
                 "okrs check-in", "check-jsonschema (schema only)",
                 "git log --raw, same commits", "okrs validate with history, no cache",
                 "okrs validate with history, one file changed", "okrs validate --base HEAD~1",
                 "okrs history REF, no cache", "okrs history REF, cache warm"):  # fmt: skip
        assert f"| {tool} |" in report, tool


def test_the_yaml_reads_as_the_json_it_was_generated_from(tmp_path: Path) -> None:
    import json

    from okrs_as_code import yamlsafe

    generate(6, 11, tmp_path, with_json=True)
    yaml_files = sorted((tmp_path / "okrs").rglob("*.yaml"))
    assert len(yaml_files) == 7
    for path in yaml_files:
        twin = tmp_path / "json" / path.relative_to(tmp_path).with_suffix(".json")
        assert yamlsafe.parse(path.read_text()) == json.loads(twin.read_text()), path.name
