"""`okrs check-in` when something fails at every step of the write: nothing is ever lost.

The file is the old one or the new one, never a mix or empty; no temporary file is left
behind; the user is told in one line (exit 1 or 2), never with a traceback. The tests run as
root, where permissions block nothing, so a read-only file or folder is simulated by making the
call that would fail raise what it would raise.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from okrs_as_code import checkin, files

from .conftest import AS_OF, RunLine
from .test_check_in import COMMENTED, PRODUCT, _added_lines
from .test_check_in import repo as repo  # the fixture, shared

REF = "product/creatives-love#uptime"
ADDED = ["      check_ins:", "        - {date: 2026-11-20, value: 99.95}"]
NAMES = ["company.yaml", "product.yaml"]


def _no_space(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, "No space left on device")


def _read_only(*args: Any, **kwargs: Any) -> Any:
    raise PermissionError(errno.EACCES, "Permission denied")


def _half_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """The temporary file gets half its bytes, then the disk is full."""
    real = os.fdopen

    class Half:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> Half:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real(fd, mode, *args, **kwargs)
        return Half(handle) if mode == "wb" else handle

    monkeypatch.setattr(os, "fdopen", fdopen)


Breaker = Callable[[pytest.MonkeyPatch], None]
FAILURES: dict[str, tuple[Breaker, str]] = {
    "folder-read-only": (
        lambda mp: mp.setattr(tempfile, "mkstemp", _read_only),
        "Permission denied",
    ),
    "disk-full-mid-write": (_half_written, "No space left on device"),
    "disk-full-at-sync": (lambda mp: mp.setattr(os, "fsync", _no_space), "No space left on device"),
    "permissions-copy": (lambda mp: mp.setattr(os, "chmod", _read_only), "Permission denied"),
    "file-read-only-at-replace": (
        lambda mp: mp.setattr(os, "replace", _read_only),
        "Permission denied",
    ),
    "disk-full-at-replace": (
        lambda mp: mp.setattr(os, "replace", _no_space),
        "No space left on device",
    ),
}


def _run(run_line: RunLine, root: Path, *args: str) -> tuple[int, str]:
    result = run_line(["check-in", "--root", str(root), "--as-of", AS_OF, *args],
                      env={"OKRS_DEBUG": None})  # fmt: skip
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stderr


def _folder(root: Path) -> list[str]:
    return sorted(p.name for p in (root / PRODUCT).parent.iterdir())


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_write_keeps_the_old_file(
    run_line: RunLine, repo: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    breaker, reason = FAILURES[failure]
    before = (repo / PRODUCT).read_bytes()
    breaker(monkeypatch)
    code, stderr = _run(run_line, repo, REF, "99.95")
    monkeypatch.undo()
    assert code == 2
    assert stderr == f"okrs: error: cannot write {PRODUCT}: {reason}\n"
    assert (repo / PRODUCT).read_bytes() == before
    assert _folder(repo) == NAMES
    code, _ = _run(run_line, repo, REF, "99.95")  # and the next try works
    assert code == 0
    assert _added_lines(COMMENTED, (repo / PRODUCT).read_text()) == ADDED


def test_a_failure_after_the_replace_leaves_the_new_file(
    run_line: RunLine, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> float:
        raise RuntimeError("reporting failed")

    monkeypatch.setattr(checkin, "key_result_progress", broken)
    code, stderr = _run(run_line, repo, REF, "99.95")
    assert code == 2 and stderr.count("\n") == 1 and stderr.startswith("okrs: error: ")
    assert _added_lines(COMMENTED, (repo / PRODUCT).read_text()) == ADDED
    assert _folder(repo) == NAMES


def test_a_file_changed_between_read_and_write_is_not_overwritten(
    run_line: RunLine, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves the file while the check-in is being checked: their edit is kept."""
    edited = COMMENTED.replace("title: Keep uptime", "title: Keep uptime high")
    original = checkin._refuse_new_errors

    def meanwhile(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        (repo / PRODUCT).write_text(edited)

    monkeypatch.setattr(checkin, "_refuse_new_errors", meanwhile)
    code, stderr = _run(run_line, repo, REF, "99.95")
    assert code == 1
    assert stderr == f"okrs: check-in refused: {PRODUCT} changed while checking in; try again\n"
    assert (repo / PRODUCT).read_text() == edited
    assert _folder(repo) == NAMES


def test_the_write_is_atomic_at_every_instant(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whenever the write is interrupted, the path holds the old bytes or the new, whole."""
    path = repo / PRODUCT
    old, new = path.read_bytes(), path.read_bytes() + b"# new\n"
    seen: list[bytes] = []
    for name in ("fsync", "chmod", "replace"):
        real = getattr(os, name)

        def spy(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            seen.append(path.read_bytes())
            result = _real(*args, **kwargs)
            seen.append(path.read_bytes())
            return result

        monkeypatch.setattr(os, name, spy)
    files.atomic_write(path, new)
    monkeypatch.undo()
    assert seen and set(seen) <= {old, new}
    assert seen[0] == old and path.read_bytes() == new
    assert _folder(repo) == NAMES


ALIASED = """\
team: product
period: 2026-Q4
objectives:
  - id: creatives-love
    title: Launch features that creatives love
    aligns_to: company/number-one-rated
    key_results:
      - id: setup-time
        title: Setup time
        baseline: 50
        target: 30
        check_ins: &shared
          - {date: 2026-11-18, value: 40}
      - id: onboarding-time
        title: Onboarding time
        baseline: 50
        target: 30
        check_ins: *shared
"""


def test_a_check_in_list_shared_through_an_alias_is_refused(run_line: RunLine, repo: Path) -> None:
    """Appending to an anchored list would check in to every key result aliasing it."""
    (repo / PRODUCT).write_text(ALIASED)
    code, stderr = _run(run_line, repo, "product/creatives-love#setup-time", "35")
    assert code == 1
    assert stderr.startswith("okrs: check-in refused: cannot add a check-in to ")
    assert (repo / PRODUCT).read_text() == ALIASED
    assert _folder(repo) == NAMES
