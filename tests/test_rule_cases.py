"""Data-driven rule cases: one small OKR repository per folder, with its exact diagnostics.

Every folder ``tests/cases/<group>/<name>/`` holds an ``okrs/`` tree and a ``case.yaml``
saying what ``okrs validate`` must report for it (see ``tests/cases/README.md``). Adding a
case means adding a folder; this module finds it by globbing.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from .conftest import RunLine, render

CASES_DIR = Path(__file__).parent / "cases"
CASE_FILE = "case.yaml"
DEFAULT_AS_OF = "2026-11-20"
CASE_KEYS = frozenset(
    {"description", "as_of", "args", "exit_code", "expected", "hint_contains", "message_contains"}
)
SEVERITIES = frozenset({"error", "warning"})
# Default severities from the rules table (OKR402 is off by default); the rest are errors.
DEFAULT_WARNINGS = frozenset({"OKR116", "OKR117", "OKR203", "OKR401"})
# Every rule that must have at least one failing and one passing case (all but the git rules).
RULES_WITH_CASES = (
    "OKR001", "OKR002", "OKR003",
    "OKR101", "OKR102", "OKR103",
    "OKR110", "OKR111", "OKR112", "OKR113", "OKR114", "OKR115", "OKR116", "OKR117", "OKR118",
    "OKR201", "OKR202", "OKR203", "OKR204",
    "OKR301", "OKR302", "OKR303",
)  # fmt: skip

Location = tuple[str, int, str]


@dataclass(frozen=True)
class Case:
    """One case folder, read from its ``case.yaml``."""

    root: Path
    description: str
    as_of: str
    args: tuple[str, ...]
    expected: tuple[Location, ...]
    severities: dict[Location, str]
    exit_code: int
    hint_contains: str | None
    message_contains: str | None


def _case_dirs() -> list[Path]:
    return sorted(path.parent for path in CASES_DIR.glob(f"*/*/{CASE_FILE}"))


def _case_id(case_dir: Path) -> str:
    return case_dir.relative_to(CASES_DIR).as_posix()


def _expected_item(raw: Any, case_dir: Path) -> tuple[Location, str | None]:
    assert isinstance(raw, list) and len(raw) in (3, 4), f"[path, line, code(, severity)]: {raw!r}"
    path, line, code, *severity = raw
    assert isinstance(path, str) and (case_dir / path).is_file(), f"no such file: {path!r}"
    assert isinstance(line, int) and line >= 1, f"bad line: {line!r}"
    assert isinstance(code, str) and code.startswith("OKR"), f"bad code: {code!r}"
    assert all(s in SEVERITIES for s in severity), f"bad severity: {severity!r}"
    return (path, line, code), (severity[0] if severity else None)


def _default_exit_code(expected: tuple[Location, ...], severities: dict[Location, str]) -> int:
    def severity(item: Location) -> str:
        default = "warning" if item[2] in DEFAULT_WARNINGS else "error"
        return severities.get(item, default)

    return 1 if any(severity(item) == "error" for item in expected) else 0


def load_case(case_dir: Path) -> Case:
    """Read and check one ``case.yaml``; a malformed one fails its own test only."""
    data = yaml.safe_load((case_dir / CASE_FILE).read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{CASE_FILE} must be a mapping"
    unknown = set(data) - CASE_KEYS
    assert not unknown, f"unknown keys in {CASE_FILE}: {sorted(unknown)}"
    assert isinstance(data.get("description"), str), "description is required"
    assert isinstance(data.get("expected"), list), "expected is required (use [] for none)"
    items = [_expected_item(raw, case_dir) for raw in data["expected"]]
    expected = tuple(location for location, _ in items)
    severities = {location: severity for location, severity in items if severity}
    args = data.get("args", [])
    assert isinstance(args, list) and all(isinstance(a, str) for a in args), "args: strings"
    exit_code = data.get("exit_code", _default_exit_code(expected, severities))
    return Case(
        root=case_dir,
        description=data["description"],
        # An unquoted date in case.yaml loads as datetime.date; str() gives it back as written.
        as_of=str(data.get("as_of", DEFAULT_AS_OF)),
        args=tuple(args),
        expected=expected,
        severities=severities,
        exit_code=exit_code,
        hint_contains=data.get("hint_contains"),
        message_contains=data.get("message_contains"),
    )


def _diagnostics(case: Case, result: Result, shown: str) -> list[dict[str, Any]]:
    if result.exit_code == 2 and not result.stdout.strip():
        # A configuration or usage error may print nothing on stdout.
        assert case.expected == (), f"exit 2 without a report, but diagnostics expected\n{shown}"
        return []
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        pytest.fail(f"stdout is not JSON ({exc})\n{shown}")
    diagnostics = report["diagnostics"]
    for diag in diagnostics:
        assert isinstance(diag["line"], int) and diag["line"] >= 1, f"{diag}\n{shown}"
        assert isinstance(diag["column"], int) and diag["column"] >= 1, f"{diag}\n{shown}"
        assert diag["severity"] in SEVERITIES, f"{diag}\n{shown}"
    return list(diagnostics)


def _location(diag: dict[str, Any]) -> Location:
    return (diag["path"], diag["line"], diag["code"])


def _assert_contains(diagnostics: list[dict[str, Any]], key: str, text: str, shown: str) -> None:
    values = [str(diag.get(key) or "") for diag in diagnostics]
    assert any(text in value for value in values), f"no {key} contains {text!r}\n{shown}"


@pytest.mark.parametrize("case_dir", _case_dirs(), ids=_case_id)
def test_rule_case(
    case_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_line: RunLine
) -> None:
    case = load_case(case_dir)
    # Run on a copy: outside any git repository (OKR401/402 read history) and with the case
    # folder as the working directory, since file arguments are relative to it.
    repo = tmp_path / "repo"
    shutil.copytree(case.root, repo, ignore=shutil.ignore_patterns(CASE_FILE))
    monkeypatch.chdir(repo)
    argv = ["validate", "--root", str(repo), "--as-of", case.as_of, "--format", "json"]
    result = run_line([*argv, *case.args])
    shown = f"case: {case.description}\n{render(result)}"

    diagnostics = _diagnostics(case, result, shown)
    got = sorted(_location(diag) for diag in diagnostics)
    assert got == sorted(case.expected), f"diagnostics differ\n{shown}"
    for location, severity in case.severities.items():
        found = {diag["severity"] for diag in diagnostics if _location(diag) == location}
        assert found == {severity}, f"{location}: severity {found}, expected {severity}\n{shown}"
    assert result.exit_code == case.exit_code, f"exit code differs\n{shown}"
    if case.hint_contains is not None:
        _assert_contains(diagnostics, "hint", case.hint_contains, shown)
    if case.message_contains is not None:
        _assert_contains(diagnostics, "message", case.message_contains, shown)


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    cases = [load_case(case_dir) for case_dir in _case_dirs()]
    failing = {
        case.root.parent.name
        for case in cases
        if any(code == case.root.parent.name for (_, _, code) in case.expected)
    }
    passing = {case.root.parent.name for case in cases if not case.expected}
    missing_failing = [code for code in RULES_WITH_CASES if code not in failing]
    missing_passing = [code for code in RULES_WITH_CASES if code not in passing]
    assert not missing_failing, f"no failing case for {missing_failing}"
    assert not missing_passing, f"no passing case (expected: []) under {missing_passing}"
