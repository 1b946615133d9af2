"""Every git call goes through here: a subprocess with a cleaned environment.

A git hook (pre-commit runs inside one) exports variables such as ``GIT_INDEX_FILE`` and
``GIT_DIR`` that would make a child git act on the wrong index or repository.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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
    "GIT_CEILING_DIRECTORIES",
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


def git_bytes(cwd: Path, *args: str) -> bytes:
    """Run git and return its standard output as bytes (file contents, ``-z`` listings)."""
    try:
        result = subprocess.run(["git", *args], cwd=cwd, env=clean_env(), capture_output=True)
    except FileNotFoundError as error:
        raise OkrsError("git is not installed or not on PATH") from error
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise OkrsError(f"git {args[0]} failed: {message}")
    return result.stdout


def prefix(root: Path) -> str:
    """Where ``root`` lies inside its git work tree ("" at the top, else ending with "/").

    Outside a git repository this raises the one-line OkrsError that commands needing history
    exit 2 with.
    """
    try:
        return git(root, "rev-parse", "--show-prefix").strip()
    except OkrsError:
        raise OkrsError(f"{root} is not inside a git repository (history needs git)") from None


def is_shallow(root: Path) -> bool:
    """True for a shallow clone, whose history stops short."""
    return git(root, "rev-parse", "--is-shallow-repository").strip() == "true"


def commit_of(root: Path, rev: str) -> str:
    """The full hash of the commit ``rev`` names; an unknown revision is an OkrsError."""
    prefix(root)  # outside a repository, say so rather than "unknown revision"
    try:
        found = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}")
        return found.strip()
    except OkrsError:
        raise OkrsError(f"unknown revision '{rev}'") from None


def tree_blobs(root: Path, rev: str, folder: str) -> dict[str, str]:
    """Every file under ``folder`` (relative to ``root``) at ``rev``: path -> blob hash.

    Paths are relative to ``root``, as the working tree's are.
    """
    base = prefix(root)
    listing = git_bytes(root, "ls-tree", "-r", "-z", "--full-tree", rev, "--", base + folder)
    blobs = {}
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, path = entry.decode("utf-8", "surrogateescape").split("\t", 1)
        if meta.split()[1] == "blob":
            blobs[path.removeprefix(base)] = meta.split()[2]
    return blobs


@dataclass(frozen=True)
class Commit:
    """One commit of a history listing, with the files under the folder it changed."""

    hash: str
    short: str
    author: str
    email: str
    date: str  # ISO 8601 with the author's offset
    subject: str
    changes: dict[str, str | None]  # path relative to root -> new blob hash, None when deleted


_ZERO = "0" * 40


def head(root: Path) -> str:
    """The commit checked out ("" outside a repository or before the first commit)."""
    try:
        return git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").strip()
    except OkrsError:
        return ""


def has_commits(root: Path) -> bool:
    """False in a repository whose branch has no commit yet."""
    return bool(head(root))


# From this many commits on the first-parent line, two git processes list them faster than one.
SPLIT_FROM_COMMITS = 4000


def log(root: Path, folder: str | list[str], rev: str = "HEAD") -> list[Commit]:
    """Every commit up to ``rev`` that changed ``folder`` (or any of several paths), oldest
    first, in one ``git log`` pass (two at once, over the two halves of a long history).

    The first-parent line is followed and a merge is seen as its change to the first parent, so
    replaying the changes in order gives each commit's tree. Renames are not detected: a moved
    file is a deletion and an addition, and identity follows the IDs inside the files.
    """
    base = prefix(root)
    paths = [folder] if isinstance(folder, str) else folder
    # git limits a log to a path by comparing each commit's tree with its parent's at that
    # path, then compares them again for the listing. In a repository that is mostly that
    # folder, listing every commit's changes and keeping the folder's is half the work; where
    # other files are most of it, their changes would be most of the work, so the path limits.
    within = base + folder if isinstance(folder, str) and _mostly(root, rev, base + folder) else ""
    ranges = _halves(root, rev)
    with ThreadPoolExecutor(max_workers=len(ranges)) as pool:  # git works, Python waits
        outputs = list(pool.map(lambda part: _raw_log(root, part, paths, within), ranges))
    found = (
        _commit(record, base, within) for output in outputs for record in output.split(b"\x01")
    )
    return [commit for commit in found if commit is not None]


# At least this share of the files lie in the folder for its log to list every commit.
_MOSTLY = 0.9


def _mostly(root: Path, rev: str, folder: str) -> bool:
    """Whether most of the files at ``rev`` (the end of a range) lie in ``folder`` (from the
    top of the work tree)."""
    names = git_bytes(root, "ls-tree", "-r", "-z", "--full-tree", "--name-only", "--end-of-options",
                      rev.rpartition("..")[2]).split(b"\0")[:-1]  # fmt: skip
    inside = sum(name.startswith(folder.encode()) for name in names)
    return bool(names) and inside >= _MOSTLY * len(names)


def _halves(root: Path, rev: str) -> list[str]:
    """``rev``, or two ranges that split its first-parent line in the middle, older first."""
    if ".." in rev or (os.cpu_count() or 1) < 2:
        return [rev]
    line = git(root, "rev-list", "--first-parent", "--end-of-options", rev).split()
    if len(line) < SPLIT_FROM_COMMITS:
        return [rev]
    middle = line[len(line) // 2]
    return [middle, f"{middle}..{line[0]}"]


def _raw_log(root: Path, rev: str, paths: list[str], within: str) -> bytes:
    """The commits of ``rev`` with their changes: those in ``paths``, or with ``within``
    every commit with its changes inside that folder (from the top), relative to it."""
    limit = [f"--relative={within}", "--end-of-options", rev] if within else \
        ["--end-of-options", rev, "--", *paths]  # fmt: skip
    return git_bytes(
        root,
        "log",
        "--first-parent",
        "--diff-merges=first-parent",
        "--reverse",
        "--no-renames",
        "--no-abbrev",
        "--raw",
        "-z",
        "--format=%x01%H%x00%h%x00%an%x00%ae%x00%aI%x00%s",
        *limit,
    )


def _commit(record: bytes, base: str, within: str) -> Commit | None:
    """A commit of :func:`_raw_log`'s output, its paths relative to ``root``; None for none,
    or for a commit that changed nothing inside ``within``."""
    if not record.strip():
        return None
    fields = record.decode("utf-8", "surrogateescape").split("\0")
    full, short, author, email, date, subject = fields[:6]
    rest = [field.lstrip("\n") for field in fields[6:]]
    changes: dict[str, str | None] = {}
    inside = within.removeprefix(base)  # the folder, relative to root
    for meta, path in zip(rest[0::2], rest[1::2], strict=False):
        if not meta.startswith(":"):
            continue
        new = meta.split()[3]
        changes[inside + path if within else path.removeprefix(base)] = (
            None if new == _ZERO else new
        )
    if within and not changes:
        return None
    return Commit(full, short[:7], author, email, date, subject, changes)


def blobs(root: Path, hashes: list[str]) -> Iterator[bytes]:
    """The contents of ``hashes``, in order, streamed from one ``git cat-file --batch``.

    A thread writes every request up front, so git inflates the next objects on the other
    core while the caller works on this one, and no request waits for the answer before it.
    """
    if not hashes:
        return
    process = subprocess.Popen(
        # Versions of many files, each deltified against the next: with git's default cache of
        # delta bases (96 MB) it inflates the same bases again and again, five times the work.
        ["git", "-c", "core.deltaBaseCacheLimit=256m", "cat-file", "--batch"],
        cwd=root,
        env=clean_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None
    requests, answers = process.stdin, process.stdout

    def ask() -> None:
        with contextlib.suppress(OSError):  # git stopped early; the reader says why
            for start in range(0, len(hashes), 512):
                requests.write("".join(h + "\n" for h in hashes[start : start + 512]).encode())
            requests.close()

    writer = threading.Thread(target=ask, daemon=True)
    writer.start()
    try:
        for blob in hashes:
            header = answers.readline().split()
            if len(header) != 3:
                raise OkrsError(f"git cat-file: cannot read object {blob}")
            content = answers.read(int(header[2]) + 1)
            yield content[:-1]
    finally:
        answers.close()
        process.kill()
        process.wait()
        writer.join()
