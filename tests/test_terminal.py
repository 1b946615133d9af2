"""The progress bar: on a terminal's standard error only, never in pipes or CI logs.

A real `okrs build` runs under a pseudo-terminal; OKRS_PROGRESS_DELAY=0, the documented knob
for how long work lasts before the bar appears, lets a small site show it without any timing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from . import gitrepo
from .conftest import AS_OF, REPO_ROOT, RunLine


def _build_on_terminal(out: Path, **env: str) -> tuple[str, str]:
    """`okrs build` with standard error on a pseudo-terminal: (terminal text, standard output)."""
    args = ["build", "--root", str(REPO_ROOT), "--as-of", AS_OF, "--out", str(out)]
    return _on_terminal(args, **env)


def _on_terminal(args: list[str], **env: str) -> tuple[str, str]:
    """A command with standard error on a pseudo-terminal: (terminal text, standard output)."""
    primary, secondary = os.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment.update({"TERM": "xterm", "OKRS_PROGRESS_DELAY": "0", **env})
    with subprocess.Popen(
        [sys.executable, "-m", "okrs_as_code", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=secondary,
        env=environment,
    ) as process:
        os.close(secondary)
        seen = b""
        while True:
            try:
                data = os.read(primary, 65536)
            except OSError:  # EIO: the command closed its end of the terminal
                break
            if not data:
                break
            seen += data
        stdout = process.communicate()[0]
    os.close(primary)
    assert process.returncode == 0, seen
    return seen.decode("utf-8"), stdout.decode("utf-8")


def test_a_terminal_shows_a_progress_bar_on_standard_error(tmp_path: Path) -> None:
    seen, stdout = _build_on_terminal(tmp_path / "site")
    assert "Writing pages" in seen and "100%" in seen
    assert seen.endswith("\n")  # the bar ends its line, and shows the cursor again
    assert stdout.startswith("wrote ") and "Writing pages" not in stdout


@pytest.mark.parametrize("env", [{"CI": "true"}, {"TERM": "dumb"}], ids=["ci", "dumb"])
def test_no_bar_in_ci_or_on_a_dumb_terminal(tmp_path: Path, env: dict[str, str]) -> None:
    seen, stdout = _build_on_terminal(tmp_path / "site", **env)
    assert seen == ""
    assert stdout.startswith("wrote ")


def test_nothing_extra_when_standard_error_is_a_pipe(
    run_line: RunLine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKRS_PROGRESS_DELAY", "0")
    monkeypatch.delenv("CI", raising=False)
    args = ["build", "--root", str(REPO_ROOT), "--as-of", AS_OF, "--out", str(tmp_path / "s")]
    result = run_line(args, expect=0)
    assert result.stderr == ""
    assert result.stdout.startswith("wrote ")


def test_a_first_reading_of_the_history_shows_a_bar_too(tmp_path: Path) -> None:
    repo = gitrepo.start(tmp_path / "repo")
    env = {"OKRS_CACHE_DIR": str(tmp_path / "cache")}
    args = ["history", "--root", str(repo), "product/creatives-love"]
    seen, stdout = _on_terminal(args, **env)
    assert "Reading history" in seen and "100%" in seen
    assert "Reading history" not in stdout and "Start Q4" in stdout
    seen, _ = _on_terminal(args, **env)
    assert seen == ""  # answered from the cache: nothing to wait for
