"""Files that cannot be read: each is one OKR001 at the right place, and the run goes on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .conftest import AS_OF, COMPANY, ORG, PRODUCT, MakeRepo, RunLine

BAD = "okrs/2026-Q4/marketing.yaml"
ORG_WITH_MARKETING = ORG.replace(
    "  product:", '  marketing: {name: Marketing, parent: company, owners: ["@sam"]}\n  product:'
)


def _diagnostics(run_line: RunLine, root: Path) -> list[tuple[str, int, int, str, str]]:
    result = run_line(["validate", "--root", str(root), "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    # Warnings that follow from the broken files (an unsupported root, a team without OKRs)
    # are left out: these tests are about the broken files and the run going on.
    return [
        (d["path"], d["line"], d["column"], d["code"], d["message"])
        for d in json.loads(result.stdout)["diagnostics"]
        if d["code"] not in ("OKR116", "OKR117")
    ]


@pytest.fixture
def repo(make_repo: MakeRepo) -> Path:
    # product.yaml carries a real alignment error, to show that other files are still checked.
    return make_repo(
        {
            "okrs/org.yaml": ORG_WITH_MARKETING,
            "okrs/2026-Q4/company.yaml": COMPANY,
            "okrs/2026-Q4/product.yaml": PRODUCT.replace("number-one-rated\n", "number-one\n", 1),
        }
    )


PRODUCT_ERROR = ("okrs/2026-Q4/product.yaml", 6, 16, "OKR110")


@pytest.mark.parametrize(
    ("content", "line", "column", "message"),
    [
        (b"team: marketing\nteam: product\n", 2, 1, "YAML: duplicate key 'team'"),
        (b"team: marketing\nobjectives:\n\t- id: a\n", 3, 1, "tab character in indentation"),
        (b"team: caf\xe9\n", 1, 10, "file is not valid UTF-8"),
        ("team: x\n".encode("utf-16"), 1, 1, "file is UTF-16; save it as UTF-8"),
        (b"team: a\x00b\n", 1, 8, "character 0x0000 is not allowed in YAML"),
        (b"team: !!python/object:os.system x\n", 1, 7, "could not determine a constructor"),
        (b"team: marketing\nperiod: .inf\n", 2, 9, "'.inf' is not a finite number"),
        (b"team: marketing\nperiod: 1e400\n", 2, 9, "'1e400' is not a finite number"),
        (b"objectives: [\n", 2, 1, "YAML: did not find expected node content"),
    ],
    ids=["duplicate-key", "tab", "latin-1", "utf-16", "nul", "python-tag", "inf", "overflow",
         "unclosed"],
)  # fmt: skip
def test_unreadable_file(
    run_line: RunLine, repo: Path, content: bytes, line: int, column: int, message: str
) -> None:
    (repo / BAD).write_bytes(content)
    found = _diagnostics(run_line, repo)
    assert [d[:4] for d in found] == [(BAD, line, column, "OKR001"), PRODUCT_ERROR]
    assert message in found[0][4]


def test_alias_bomb(run_line: RunLine, repo: Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    (repo / BAD).write_text("\n".join(lines) + "\n")
    found = _diagnostics(run_line, repo)
    assert [d[3] for d in found] == ["OKR001", "OKR110"]
    assert "aliases expand" in found[0][4]


def test_alias_inside_its_own_anchor(run_line: RunLine, repo: Path) -> None:
    (repo / BAD).write_text("---\n &anchor\nb: *anchor\n")
    found = _diagnostics(run_line, repo)
    assert [d[3] for d in found] == ["OKR001", "OKR110"]
    assert "an alias refers to a node that contains it" in found[0][4]


def test_byte_order_mark_and_crlf_are_fine(run_line: RunLine, repo: Path) -> None:
    text = "team: marketing\r\nperiod: 2026-Q4\r\nobjectives: []\r\n"
    (repo / BAD).write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert [d[3] for d in _diagnostics(run_line, repo)] == ["OKR110"]


def test_file_over_the_size_limit(run_line: RunLine, repo: Path) -> None:
    org = repo / "okrs/org.yaml"
    org.write_text(org.read_text() + "  limits: {max_file_bytes: 2000}\n")
    (repo / BAD).write_text("team: marketing\n# " + "x" * 2000 + "\n")
    found = _diagnostics(run_line, repo)
    assert found[0][:4] == (BAD, 1, 1, "OKR001")
    assert "over the limit of 2000" in found[0][4]


def test_symlink_leading_outside_is_not_followed(
    run_line: RunLine, repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.yaml"
    outside.write_text("team: marketing\nperiod: 2026-Q4\n")
    os.symlink(outside, repo / BAD)
    found = _diagnostics(run_line, repo)
    assert found[0][:4] == (BAD, 1, 1, "OKR001")
    assert "symbolic link leads outside the repository" in found[0][4]


def test_directory_named_like_a_file(run_line: RunLine, repo: Path) -> None:
    (repo / BAD).mkdir()
    found = _diagnostics(run_line, repo)
    assert found[0][:4] == (BAD, 1, 1, "OKR001")
    assert "not a regular file" in found[0][4]


@pytest.mark.parametrize("content", ["", "# only a comment\n"], ids=["empty", "comment-only"])
def test_empty_file(run_line: RunLine, repo: Path, content: str) -> None:
    (repo / BAD).write_text(content)
    found = _diagnostics(run_line, repo)
    assert found[0][:4] == (BAD, 1, 1, "OKR002")
    assert "empty" in found[0][4]


def test_deep_nesting(run_line: RunLine, repo: Path) -> None:
    (repo / BAD).write_text("team: " + "[" * 10_000 + "]" * 10_000 + "\n")
    found = _diagnostics(run_line, repo)
    assert found[0][0] == BAD and found[0][3] in ("OKR001", "OKR002")
    assert found[-1][:4] == PRODUCT_ERROR


def test_unreadable_organisation_still_checks_team_files(run_line: RunLine, repo: Path) -> None:
    (repo / "okrs/org.yaml").write_text("organization: [Brightwork\n")
    (repo / BAD).write_text("team: marketing\nperiod: 2026-Q5\n")
    found = _diagnostics(run_line, repo)
    assert [d[:4] for d in found] == [
        (BAD, 2, 9, "OKR003"),
        (BAD, 2, 9, "OKR102"),
        ("okrs/org.yaml", 2, 1, "OKR001"),
    ]


def test_schema_violation_points_at_the_value(run_line: RunLine, repo: Path) -> None:
    product = (repo / "okrs/2026-Q4/product.yaml").read_text()
    (repo / "okrs/2026-Q4/product.yaml").write_text(product.replace("target: 30", "target: soon"))
    found = _diagnostics(run_line, repo)
    assert ("okrs/2026-Q4/product.yaml", 11, 17, "OKR002") in [d[:4] for d in found]
    assert 'target: "soon" is not of type number' in [d[4] for d in found if d[3] == "OKR002"]
