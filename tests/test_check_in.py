"""`okrs check-in`: the one line added, nothing else touched, and refusals that change nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import AS_OF, COMPANY, ORG, MakeRepo, RunLine

PRODUCT = "okrs/2026-Q4/product.yaml"

# Comments, blank lines, odd spacing, quotes of every kind, a block check-in list, a flow
# one, a missing one and a flow key result: everything a check-in must leave as it was.
COMMENTED = """\
# Product's OKRs.   Two spaces after the full stop, kept.

team:    product     # aligned spacing
period: '2026-Q4'

objectives:
# a comment at column 0 inside the list
- id: creatives-love
  title: "Launch features that creatives love"
  aligns_to: company/number-one-rated

  key_results:
    - id: setup-time   # minutes
      title: 'Reduce project setup time by 40%'
      baseline: 50
      target: 30
      check_ins:
        - date: 2026-11-11
          value: 45
          note: >-
            folded
            note

        # a comment after the last check-in
    - id: integrations
      title: Ship the top 3 requested integrations
      milestone: true
      check_ins: [{date: 2026-11-11, value: 0.33}]   # flow list
    - id: uptime
      title: Keep uptime
      keep: {at_least: 99.9}
      # no check-ins yet

    - {id: dau, title: Daily active users, baseline: 10, target: 20}
"""


@pytest.fixture
def repo(make_repo: MakeRepo) -> Path:
    return make_repo(
        {
            "okrs/org.yaml": ORG,
            "okrs/2026-Q4/company.yaml": COMPANY,
            PRODUCT: COMMENTED,
        }
    )


def _check_in(run_line: RunLine, root: Path, *args: str, expect: int = 0) -> str:
    result = run_line(["check-in", "--root", str(root), "--as-of", AS_OF, *args], expect=expect)
    return str(result.stdout if expect == 0 else result.stderr)


def _added_lines(before: str, after: str) -> list[str]:
    old, new = before.splitlines(), after.splitlines()
    assert len(new) > len(old)
    for index, line in enumerate(old):
        if new[index] != line:
            inserted = len(new) - len(old)
            assert new[index + inserted :] == old[index:], "more than an insertion changed"
            return new[index : index + inserted]
    return new[len(old) :]


@pytest.mark.parametrize(
    ("ref", "value", "added"),
    [
        (
            "product/creatives-love#setup-time",
            "40",
            ["        - date: 2026-11-20", "          value: 40", "          confidence: 0.6"],
        ),
        (
            "2026-Q4/product/creatives-love#integrations",
            "true",
            None,  # a flow list grows in place: checked below
        ),
        (
            "product/creatives-love#uptime",
            "99.95",
            ["      check_ins:", "        - {date: 2026-11-20, value: 99.95, confidence: 0.6}"],
        ),
    ],
    ids=["block-list", "flow-list", "no-list-yet"],
)
def test_check_in_adds_exactly_its_lines(
    run_line: RunLine, repo: Path, ref: str, value: str, added: list[str] | None
) -> None:
    path = repo / PRODUCT
    out = _check_in(run_line, repo, ref, value, "--confidence", "0.6")
    assert out.startswith(f"{PRODUCT}: 2026-Q4/{ref.removeprefix('2026-Q4/')}")
    after = path.read_text()
    if added is None:
        assert after == COMMENTED.replace(
            "check_ins: [{date: 2026-11-11, value: 0.33}]",
            "check_ins: [{date: 2026-11-11, value: 0.33}, "
            "{date: 2026-11-20, value: true, confidence: 0.6}]",
        )
    else:
        assert _added_lines(COMMENTED, after) == added


def test_check_in_into_a_flow_key_result(run_line: RunLine, repo: Path) -> None:
    _check_in(run_line, repo, "product/creatives-love#dau", "12", "--note", 'a "quoted": note')
    assert (repo / PRODUCT).read_text() == COMMENTED.replace(
        "baseline: 10, target: 20}",
        "baseline: 10, target: 20, check_ins: [{date: 2026-11-20, value: 12, "
        'note: "a \\"quoted\\": note"}]}',
    )


def test_check_in_keeps_crlf_and_byte_order_mark(run_line: RunLine, repo: Path) -> None:
    path = repo / PRODUCT
    original = b"\xef\xbb\xbf" + COMMENTED.replace("\n", "\r\n").encode()
    path.write_bytes(original)
    _check_in(run_line, repo, "product/creatives-love#uptime", "99.95")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert (
        data.replace(b"      check_ins:\r\n        - {date: 2026-11-20, value: 99.95}\r\n", b"")
        == original
    )


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["product/creatives-love#setup-tme", "40"], "did you mean 'product/creatives-love#setup"),
        (["product/creatives-love", "40"], "is an objective; name one of its key results"),
        (["product/creatives-love#setup-time", "forty"], "'forty' is not a number"),
        (["product/creatives-love#integrations", "2"], "a milestone takes the fraction done"),
        (["product/creatives-love#setup-time", "40", "--confidence", "1.5"], "not between 0 and 1"),
        (["product/creatives-love#setup-time", "40", "--date", "2026-11-11"], "already has one"),
        (["product/creatives-love#setup-time", "40", "--date", "2026-11-01"], "has a later one"),
        (["product/creatives-love#uptime", "1", "--date", "2026-11-30"], "OKR303"),
        (["product/creatives-love#uptime", "1", "--date", "2027-01-02", "--as-of", "2027-01-05"],
         "outside period 2026-Q4"),
    ],
    ids=["unknown", "objective", "not-a-number", "milestone-range", "confidence", "same-date",
         "earlier-date", "after-as-of", "outside-period"],
)  # fmt: skip
def test_refused_check_in_leaves_the_file_untouched(
    run_line: RunLine, repo: Path, args: list[str], reason: str
) -> None:
    before = (repo / PRODUCT).read_bytes()
    message = _check_in(run_line, repo, *args, expect=1)
    assert message.startswith("okrs: check-in refused: ")
    assert reason in message
    assert (repo / PRODUCT).read_bytes() == before


def test_errors_already_there_do_not_block(run_line: RunLine, repo: Path) -> None:
    path = repo / PRODUCT
    path.write_text(COMMENTED.replace("aligns_to: company/number-one-rated", "aligns_to: x/y"))
    _check_in(run_line, repo, "product/creatives-love#uptime", "99.95")
    assert "2026-11-20" in path.read_text()


def test_a_failed_write_leaves_the_file_intact(
    run_line: RunLine, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_replace(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    before = (repo / PRODUCT).read_bytes()
    result = run_line(["check-in", "--root", str(repo), "--as-of", AS_OF,
                       "product/creatives-love#uptime", "99.95"])  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == f"okrs: error: cannot write {PRODUCT}: No space left on device\n"
    assert (repo / PRODUCT).read_bytes() == before
    assert sorted(p.name for p in (repo / PRODUCT).parent.iterdir()) == [
        "company.yaml",
        "product.yaml",
    ]


def test_concurrent_check_ins_all_land(repo: Path) -> None:
    """Ten processes check in to ten key results of one file at once: all ten are recorded."""
    refs = ["setup-time", "integrations", "uptime", "dau"] + [f"extra-{n}" for n in range(6)]
    extra = "".join(
        f"    - {{id: extra-{n}, title: Extra {n}, baseline: 0, target: 10}}\n" for n in range(6)
    )
    (repo / PRODUCT).write_text(COMMENTED + extra)
    env = {**os.environ, "OKRS_AS_OF": AS_OF}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "okrs_as_code", "check-in", "--root", str(repo),
             f"product/creatives-love#{ref}", "1"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for ref in refs
    ]  # fmt: skip
    for process in processes:
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr.decode()
    assert (repo / PRODUCT).read_text().count("2026-11-20") == len(refs) == 10


def test_check_in_and_commit(run_line: RunLine, repo: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, text=True, check=True
        ).stdout

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "start")
    env = {"GIT_AUTHOR_NAME": "Sam", "GIT_AUTHOR_EMAIL": "sam@example.com",
           "GIT_COMMITTER_NAME": "Sam", "GIT_COMMITTER_EMAIL": "sam@example.com",
           "GIT_INDEX_FILE": "/nonexistent/index"}  # fmt: skip
    result = run_line(
        ["check-in", "--root", str(repo), "--as-of", AS_OF, "product/creatives-love#dau", "15",
         "--commit"], env=env, expect=0,
    )  # fmt: skip
    assert "committed: Check in 2026-Q4/product/creatives-love#dau: 15" in result.stdout
    assert git("log", "-1", "--format=%an %s").strip() == (
        "Sam Check in 2026-Q4/product/creatives-love#dau: 15"
    )
    assert git("status", "--porcelain") == ""


def test_without_a_period_the_current_periods_file_is_chosen(run_line: RunLine, repo: Path) -> None:
    """A carried-over objective has the same reference in two periods' files."""
    earlier = repo / "okrs" / "2026-Q3" / "product.yaml"
    earlier.parent.mkdir()
    earlier.write_text(COMMENTED.replace("period: '2026-Q4'", "period: '2026-Q3'"))
    (repo / "okrs" / "2026-Q3" / "company.yaml").write_text(COMPANY.replace("2026-Q4", "2026-Q3"))
    out = _check_in(run_line, repo, "product/creatives-love#uptime", "99.95")
    assert out.startswith(f"{PRODUCT}: 2026-Q4/product/creatives-love#uptime = 99.95")
    assert earlier.read_text() == COMMENTED.replace("period: '2026-Q4'", "period: '2026-Q3'")
    out = _check_in(run_line, repo, "2026-Q3/product/creatives-love#uptime", "99.5",
                    "--date", "2026-09-30")  # fmt: skip
    assert out.startswith("okrs/2026-Q3/product.yaml: 2026-Q3/product/creatives-love#uptime")


def test_a_team_file_under_another_name_is_still_found(run_line: RunLine, repo: Path) -> None:
    misplaced = repo / "okrs" / "2026-Q4" / "product-okrs.yaml"
    (repo / PRODUCT).rename(misplaced)
    out = _check_in(run_line, repo, "product/creatives-love#uptime", "99.95")
    assert out.startswith("okrs/2026-Q4/product-okrs.yaml: 2026-Q4/product/creatives-love#uptime")
    assert "value: 99.95" in misplaced.read_text()
