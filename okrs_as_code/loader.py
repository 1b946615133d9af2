"""Reading OKR files: bytes to plain data, every way a file can be unreadable turned into OKR001."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import Node

from . import yamlsafe
from .diagnostics import Finding, Where

DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass
class SourceFile:
    """One file of the repository: its text and data, or the reason it could not be read."""

    path: str  # relative to the repository root, with forward slashes
    text: str | None = None
    data: Any = None
    error: Finding | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _unreadable(path: str, message: str, line: int = 1, column: int = 1) -> SourceFile:
    return SourceFile(path, error=Finding("OKR001", Where(path), message, line=line, column=column))


def read(root: Path, relpath: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes | SourceFile:
    """A file's bytes, or the unreadable file's OKR001; never raises for a file's problems."""
    found = status(root, relpath, max_bytes)
    return found if isinstance(found, SourceFile) else read_found(root, relpath)


def read_found(root: Path, relpath: str) -> bytes | SourceFile:
    """The bytes of a file :func:`status` found readable, or its OKR001 should reading fail."""
    try:
        return (root / relpath).read_bytes()
    except OSError as error:
        return _unreadable(relpath, f"cannot read file: {error.strerror or error}")


def status(
    root: Path, relpath: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> os.stat_result | SourceFile:
    """The status of the file :func:`read` would read (a symbolic link's target's), or the
    unreadable file's OKR001."""
    full = root / relpath
    try:
        info = os.lstat(full)
        if stat.S_ISLNK(info.st_mode):
            target = full.resolve()
            if not target.is_relative_to(root.resolve()):
                return _unreadable(relpath, "symbolic link leads outside the repository")
            info = os.stat(full)
    except OSError as error:
        return _unreadable(relpath, f"cannot read file: {error.strerror or error}")
    if not stat.S_ISREG(info.st_mode):
        return _unreadable(relpath, "not a regular file")
    if info.st_size > max_bytes:
        return _unreadable(relpath, f"file is {info.st_size} bytes, over the limit of {max_bytes}")
    return info


def load(root: Path, relpath: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> SourceFile:
    """Read and parse one file; never raises for anything that is wrong with the file."""
    raw = read(root, relpath, max_bytes)
    return raw if isinstance(raw, SourceFile) else parse_bytes(relpath, raw)


def parse_bytes(relpath: str, raw: bytes) -> SourceFile:
    """Decode and parse a file's bytes (also used for file versions read from git)."""
    return _parsed(relpath, raw, lambda text: (yamlsafe.parse(text), None))[0]


def parse_tree(relpath: str, raw: bytes) -> tuple[SourceFile, Node | None]:
    """:func:`parse_bytes` by libyaml, and the node tree the data was built from (None when
    unread)."""
    return _parsed(relpath, raw, yamlsafe.parse_tree)


def _parsed(
    relpath: str, raw: bytes, parse: Callable[[str], tuple[Any, Node | None]]
) -> tuple[SourceFile, Node | None]:
    if raw.startswith(_UTF16_BOMS):
        return _unreadable(relpath, "file is UTF-16; save it as UTF-8"), None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _line_col(raw[: error.start].decode("utf-8", "replace"))
        return _unreadable(relpath, "file is not valid UTF-8", line, column), None
    try:
        data, tree = parse(text)
    except yaml.YAMLError as error:
        return SourceFile(relpath, text=text, error=_yaml_finding(relpath, text, error)), None
    except RecursionError:
        return _unreadable(relpath, "YAML nested too deeply"), None
    return SourceFile(relpath, text=text, data=data), tree


def _line_col(before: str) -> tuple[int, int]:
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def _yaml_finding(relpath: str, text: str, error: yaml.YAMLError) -> Finding:
    mark = getattr(error, "problem_mark", None)
    if mark is not None:
        line, column = mark.line + 1, mark.column + 1
        offending = text[mark.index] if 0 <= mark.index < len(text) else ""
    elif isinstance(error, yaml.reader.ReaderError):
        line, column = _line_col(text[: error.position])
        offending = text[error.position : error.position + 1]
    else:
        line, column, offending = 1, 1, ""
    message = _describe(error, offending)
    return Finding("OKR001", Where(relpath), message, line=line, column=column)


def _describe(error: yaml.YAMLError, offending: str) -> str:
    if offending == "\t":
        return "tab character in indentation; YAML indents with spaces"
    if isinstance(error, yaml.reader.ReaderError):
        character = error.character
        code = character if isinstance(character, int) else ord(character)
        return f"character {code:#06x} is not allowed in YAML"
    if isinstance(error, yaml.MarkedYAMLError):
        parts = [error.problem or "", error.context or ""]
        if error.context and error.problem:
            parts = [error.problem, f"({error.context})"]
        return "YAML: " + " ".join(part for part in parts if part).strip()
    return f"YAML: {error}"
