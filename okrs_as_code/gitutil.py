"""Every git call goes through here: a subprocess with a cleaned environment.

A git hook (pre-commit runs inside one) exports variables such as ``GIT_INDEX_FILE`` and
``GIT_DIR`` that would make a child git act on the wrong index or repository.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .errors import OkrsError

_KEPT = (
    "GIT_EXEC_PATH",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_SSL_CAINFO",
    "GIT_SSL_NO_VERIFY",
    "GIT_ASKPASS",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_NOSYSTEM",
)
_KEPT_PREFIXES = ("GIT_AUTHOR_", "GIT_COMMITTER_", "GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_")


def clean_env() -> dict[str, str]:
    """The current environment without the GIT_* variables a hook may have set."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GIT_")
        or key in _KEPT
        or key == "GIT_CONFIG_COUNT"
        or key.startswith(_KEPT_PREFIXES)
    }


def git(cwd: Path, *args: str) -> str:
    """Run git and return its standard output; a failure becomes an OkrsError."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, env=clean_env(), capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise OkrsError("git is not installed or not on PATH") from error
    if result.returncode != 0:
        message = result.stderr.strip() or result.stdout.strip()
        raise OkrsError(f"git {args[0]} failed: {message}")
    return result.stdout
