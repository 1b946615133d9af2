"""The benchmark works: a generated organisation is valid and reproducible, the runner reports.

Speed itself is measured by `python -m benchmarks.run`, never asserted here.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


def _rows(report: str) -> dict[str, list[str]]:
    """The report's table rows by tool: stage, tool, min, median, CPU, memory, pages, ratios."""
    rows = {}
    for line in report.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 10 and cells[0] != "stage":
            rows[cells[1]] = cells
    return rows


def test_runner_reports_every_stage_with_its_peers(tmp_path: Path) -> None:
    out = tmp_path / "performance.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--size", "S", "--repeat", "1", "--out", str(out)],
        cwd=REPO_ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    report = out.read_text()
    assert "<!-- size S -->" in report and "### S: 20 teams" in report
    rows = _rows(report)
    for tool in ("read the bytes", "json.loads, same data", "okrs, no cache",
                 "okrs, nothing changed", "okrs, one file changed (pre-commit)",
                 "okrs, one file edited, every file checked",
                 "okrs validate with history, one file edited, every file checked",
                 "okrs, no cache, every key result stale",
                 "okrs, no cache, the next quarter carried over",
                 "okrs check-in", "check-jsonschema (schema only)",
                 "okrs tree, cache warm", "okrs report, cache warm",
                 "okrs build, no cache", "okrs build, cache off (--no-cache)",
                 "okrs build, nothing changed",
                 "okrs build, one team's file changed", "okrs build with history, no cache",
                 "okrs build with history, nothing changed",
                 "okrs build with history, after a merge (as CI publishes)",
                 "git log --raw, same commits", "okrs validate with history, no cache",
                 "okrs validate with history, one file changed",
                 "okrs validate --base a week back, no cache",
                 "okrs validate --base a week back, cache warm",
                 "okrs history REF, no cache", "okrs history REF, cache warm"):  # fmt: skip
        assert tool in rows, tool
    assert rows["git log --raw, same commits"][-1] == "1.00x"  # each stage against its peer
    assert "`--base` is `HEAD~20`" in report and "REF is `" in report
    assert "git " in report.split("<!-- /size S -->")[0].splitlines()[-1]  # the versions line
    site_pages = {rows[tool][6] for tool in rows if tool.startswith("okrs build")}
    assert site_pages == {"104"}  # index, health, search, 1 period, 20 teams, 80 objectives
    if shutil.which("hugo"):
        assert rows["Hugo, same pages"][6] == "104"
        assert rows["okrs build, no cache"][-1] != "-"
    else:
        assert "Hugo, same pages" not in rows and "hugo is not installed" in done.stdout


def test_hugo_row_is_left_out_when_hugo_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks import run

    monkeypatch.setattr(run.shutil, "which", lambda name, **kwargs: None)
    assert run._hugo(tmp_path, 1, {}, tmp_path) is None
    assert "hugo is not installed" in capsys.readouterr().out


def test_hugo_writes_the_pages_okrs_build_writes(run_line: RunLine, tmp_path: Path) -> None:
    from benchmarks import hugo

    # Like a missing Chromium, a missing Hugo fails the test, never skips it.
    assert shutil.which("hugo"), "hugo is missing: apt-get install hugo"
    generate(4, 5, tmp_path / "org")
    as_of = ["--as-of", "2026-12-10"]
    run_line(["build", "--root", str(tmp_path / "org"), "--out", str(tmp_path / "site"), *as_of])
    hugo.write_site(tmp_path / "org", tmp_path / "hugo", {**os.environ, "OKRS_AS_OF": "2026-12-10"})
    hugo_argv = ["hugo", "--quiet", "--source", str(tmp_path / "hugo")]
    subprocess.run([*hugo_argv, "--cacheDir", str(tmp_path / "hugo-cache")], check=True)

    def pages(folder: Path) -> set[str]:
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*.html")}

    assert pages(tmp_path / "hugo" / "public") == pages(tmp_path / "site")


def test_the_yaml_reads_as_the_json_it_was_generated_from(tmp_path: Path) -> None:
    import json

    from okrs_as_code import yamlsafe

    generate(6, 11, tmp_path, with_json=True)
    yaml_files = sorted((tmp_path / "okrs").rglob("*.yaml"))
    assert len(yaml_files) == 7
    for path in yaml_files:
        twin = tmp_path / "json" / path.relative_to(tmp_path).with_suffix(".json")
        assert yamlsafe.parse(path.read_text()) == json.loads(twin.read_text()), path.name
