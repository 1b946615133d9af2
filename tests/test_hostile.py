"""Hostile files beyond tests/test_loader.py's: each gets its diagnostic, the others are checked.

Every case puts one bad file, ``okrs/2026-Q4/marketing.yaml``, beside a product file with a real
alignment error, so each test also shows that the run went on to the other files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from okrs_as_code.site.build import build

from .conftest import AS_OF, COMPANY, RunLine
from .test_loader import BAD, ORG_WITH_MARKETING, PRODUCT_ERROR, _diagnostics
from .test_loader import repo as repo  # the fixture, shared

MARKETING = """\
team: marketing
period: 2026-Q4
objectives:
  - id: {objective}
    title: Win agencies
    aligns_to: company/number-one-rated
    key_results:
      - id: {key_result}
        title: Sign 10 agencies
        baseline: 0
        target: 10
        check_ins:
          - {{date: {date}, value: 1}}
"""


def _marketing(objective: str = "win", key_result: str = "sign", date: str = "2026-11-18") -> str:
    return MARKETING.format(objective=objective, key_result=key_result, date=date)


def test_a_hundred_megabyte_file_is_refused_in_bounded_memory(repo: Path) -> None:
    """A sparse 100 MB file costs no time to write; validating it must not read it whole."""
    bad = repo / BAD
    with bad.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    script = (
        "import json, resource, sys\n"
        "from click.testing import CliRunner\n"
        "from okrs_as_code.cli import main\n"
        "result = CliRunner().invoke(main, sys.argv[1:])\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024\n"
        "print(json.dumps({'exit': result.exit_code, 'out': result.stdout, 'peak_mb': peak}))\n"
    )
    args = ["validate", "--no-cache", "--root", str(repo), "--as-of", AS_OF, "--format", "json"]
    env = {k: v for k, v in os.environ.items() if k != "OKRS_DEBUG"}
    process = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, timeout=60
    )
    assert process.returncode == 0, process.stderr
    report = json.loads(process.stdout)
    assert report["exit"] == 1
    found = [
        (d["path"], d["line"], d["column"], d["code"], d["message"])
        for d in json.loads(report["out"])["diagnostics"]
        if d["code"] not in ("OKR116", "OKR117")
    ]
    assert [d[:4] for d in found] == [(BAD, 1, 1, "OKR001"), PRODUCT_ERROR]
    assert "file is 104857600 bytes, over the limit of 4194304" in found[0][4]
    assert report["peak_mb"] < 300, f"peak RSS {report['peak_mb']} MB"


@pytest.mark.parametrize("where", ["comment", "value"])
def test_a_one_megabyte_line(run_line: RunLine, repo: Path, where: str) -> None:
    long = "x" * (1024 * 1024)
    text = _marketing()
    if where == "comment":
        text += f"# {long}\n"
    else:
        text = text.replace("title: Win agencies", f"title: {long}")
    (repo / BAD).write_text(text)
    found = _diagnostics(run_line, repo)
    assert [d[:4] for d in found] == [PRODUCT_ERROR]


def test_an_impossible_date(run_line: RunLine, repo: Path) -> None:
    (repo / BAD).write_text(_marketing(date="2026-02-30"))
    found = _diagnostics(run_line, repo)
    assert (BAD, 13, 20, "OKR002") in [d[:4] for d in found]
    assert 'date: "2026-02-30" is not a valid date' in [d[4] for d in found]
    assert found[-1][:4] == PRODUCT_ERROR


@pytest.mark.parametrize(
    ("objective", "key_result", "line", "column", "shown"),
    [
        ("w\u043ein", "sign", 4, 9, '"w\u043ein"'),  # a Cyrillic o
        ("win", "s\u0456gn", 8, 13, '"s\u0456gn"'),  # a Cyrillic i
        ("win\u200b", "sign", 4, 9, '"win\u200b"'),  # a zero-width space
        ('"win\\n"', "sign", 4, 9, '"win\\n"'),  # a final newline: `$` must mean the end
        ('"../../evil"', "sign", 4, 9, '"../../evil"'),
        ("win", "../sign", 8, 13, '"../sign"'),
    ],
    ids=["cyrillic-objective", "cyrillic-key-result", "zero-width", "newline", "dot-dot",
         "kr-dot-dot"],
)  # fmt: skip
def test_an_id_that_only_looks_valid(
    run_line: RunLine, repo: Path, objective: str, key_result: str, line: int, column: int,
    shown: str,
) -> None:  # fmt: skip
    (repo / BAD).write_text(_marketing(objective, key_result))
    found = _diagnostics(run_line, repo)
    pattern = "does not match the pattern ^[a-z0-9][a-z0-9-]{0,62}$"
    assert (BAD, line, column, "OKR002", f"id: {shown} {pattern}") in found
    assert found[-1][:4] == PRODUCT_ERROR


def test_a_fifo_is_not_read(run_line: RunLine, repo: Path) -> None:
    """Opening a FIFO would block for ever: it is refused before it is opened."""
    os.mkfifo(repo / BAD)
    found = _diagnostics(run_line, repo)
    assert [d[:4] for d in found] == [(BAD, 1, 1, "OKR001"), PRODUCT_ERROR]
    assert found[0][4] == "not a regular file"


@pytest.mark.parametrize("path", [BAD, "okrs/org.yaml"])
def test_a_file_that_cannot_be_read(
    run_line: RunLine, repo: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """The tests run as root, where chmod 000 blocks nothing: reading raises instead."""
    (repo / BAD).write_text(_marketing(date="2026-02-30"))  # an error needing only its file
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.as_posix().endswith(path):
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    found = _diagnostics(run_line, repo)
    assert (path, 1, 1, "OKR001", "cannot read file: Permission denied") in found
    if path == BAD:
        assert found[-1][:4] == PRODUCT_ERROR
    else:  # without the organisation, team files still get the checks that need only them
        assert (BAD, 13, 20, "OKR002") in [d[:4] for d in found]


def test_a_hostile_id_writes_nothing_outside_the_site(tmp_path: Path) -> None:
    """Page paths come from validated ids only: `../` in any id never leaves the output folder,
    even though the site is published when the files have errors."""
    root = tmp_path / "a" / "b" / "repo"
    org = (
        ORG_WITH_MARKETING.replace(
            "  marketing: {", '  "../../evil": {name: Evil, parent: company}\n  marketing: {'
        )
        + 'periods:\n  "../../evil-period": {start: 2026-10-01, end: 2026-12-31}\n'
    )
    marketing = (
        _marketing('"../../evil"', '"../../../evil-kr"')
        .replace("team: marketing", 'team: "../../evil"')
        .replace("aligns_to:", 'contributes_to: ["../../x/../y"]\n    aligns_to:')
    )
    annual = _marketing('"evil-nl\\n"').replace("period: 2026-Q4", 'period: "../../evil-period"')
    files = {"okrs/org.yaml": org, "okrs/2026-Q4/company.yaml": COMPANY, BAD: marketing,
             "okrs/2026-Q4/product.yaml": annual}  # fmt: skip
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text.lstrip("\n"))
    out = root / "site"
    before = set(tmp_path.rglob("*"))
    build(root, out, dt.date.fromisoformat(AS_OF))
    written = set(tmp_path.rglob("*")) - before
    assert out / "index.html" in written
    assert sorted(str(p) for p in written if p != out and out not in p.parents) == []
    assert [p for p in out.rglob("*") if "evil" in p.name] == []
    health = (out / "health.html").read_text()
    assert "../../evil" in health and "&lt;" not in "../../evil"
