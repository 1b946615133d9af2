"""The example organisation and the README's promises about it."""

from __future__ import annotations

import re

from .conftest import AS_OF, REPO_ROOT, RunLine


def test_example_organisation_is_clean(run_line: RunLine) -> None:
    args = ["validate", "--root", str(REPO_ROOT), "--as-of", AS_OF, "--strict"]
    result = run_line(args, expect=0)
    assert result.stdout.startswith("no problems")


def test_example_goes_stale_when_nobody_checks_in(run_line: RunLine) -> None:
    # A month later with no new check-ins, the cadence rule catches every key result.
    result = run_line(["validate", "--root", str(REPO_ROOT), "--as-of", "2026-12-20"], expect=1)
    assert "OKR301" in result.stdout


def test_every_file_names_its_schema_for_editors() -> None:
    for path in sorted((REPO_ROOT / "okrs").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, f"{path} has no schema modeline"
        assert (path.parent / match.group(1)).resolve().is_file(), f"{path}: {match.group(1)}"


def test_readme_has_the_two_setup_commands_and_ci_runs_the_second() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.+?)\n```", readme)
    assert len(commands) == 2
    assert f"okrs validate --as-of {AS_OF}" in commands[0]
    assert commands[1].endswith("pytest")
    assert commands[1] in (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
