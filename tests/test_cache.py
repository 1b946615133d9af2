"""The cache: faster, never wrong, safe to delete or corrupt."""

from __future__ import annotations

import json
import marshal
import os
import shutil
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from okrs_as_code import snapshot

from .conftest import AS_OF, REPO_ROOT, MakeRepo, RunLine

PRODUCT = "okrs/2026-Q4/product.yaml"


@pytest.fixture(autouse=True)
def _settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as settled once written, so that the next run trusts their status (in a
    real repository, three seconds after they were last changed)."""
    monkeypatch.setattr(snapshot, "_SETTLED_NS", 0)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    copy = tmp_path / "example"
    shutil.copytree(REPO_ROOT / "okrs", copy / "okrs")
    return copy


def _report(run_line: RunLine, root: Path, *args: str) -> list[tuple[str, int, str, str]]:
    result = run_line(
        ["validate", "--root", str(root), "--as-of", AS_OF, "--format", "json", *args]
    )
    return [
        (d["path"], d["line"], d["code"], d["message"])
        for d in json.loads(result.stdout)["diagnostics"]
    ]


def test_an_edit_between_runs_is_seen(run_line: RunLine, example: Path, _own_cache: Path) -> None:
    assert _report(run_line, example) == []
    assert any(_own_cache.rglob("results.json")), "the first run fills the cache"
    path = example / PRODUCT
    text = path.read_text()
    broken = text.replace("aligns_to: company/number-one-rated", "aligns_to: company/x", 1)
    path.write_text(broken)
    assert [d[2] for d in _report(run_line, example)] == ["OKR110"]
    assert [d[2] for d in _report(run_line, example, PRODUCT)] == ["OKR110"]
    path.write_text(text)
    assert _report(run_line, example, PRODUCT) == []


def test_an_edited_org_file_is_read_again(run_line: RunLine, example: Path) -> None:
    assert _report(run_line, example, PRODUCT) == []
    org = example / "okrs" / "org.yaml"
    text = org.read_text()
    assert "\n  product:\n" in text
    org.write_text(text.replace("\n  product:\n", "\n  produce:\n", 1))
    assert "OKR101" in [d[2] for d in _report(run_line, example, PRODUCT)]
    org.write_text(text)
    assert _report(run_line, example, PRODUCT) == []


def test_a_later_as_of_date_is_not_served_from_the_cache(run_line: RunLine, example: Path) -> None:
    assert _report(run_line, example) == []
    later = run_line(["validate", "--root", str(example), "--as-of", "2026-12-20"])
    assert "OKR301" in later.stdout


def test_a_corrupt_cache_is_ignored(run_line: RunLine, example: Path, _own_cache: Path) -> None:
    assert _report(run_line, example, PRODUCT) == []
    files = [p for p in _own_cache.rglob("*") if p.is_file()]
    kinds = {"results.json", "skeletons.marshal", "org.marshal", "statuses.marshal"}
    assert {p.name for p in files} == kinds
    for path in files:
        path.write_bytes(b"\x00garbage{")
    assert _report(run_line, example) == []
    assert _report(run_line, example, PRODUCT) == []


def test_an_edit_that_keeps_the_size_and_time_is_seen(
    run_line: RunLine, example: Path, _own_cache: Path
) -> None:
    """A file is not read again while its status is the one it had when it was hashed; an
    edit of the same length with its modification time put back still changes its status
    change time, which no program can set."""
    assert _report(run_line, example) == []
    assert any(_own_cache.rglob("statuses.marshal"))
    path = example / PRODUCT
    text, before = path.read_text(), path.stat()
    broken = text.replace("company/number-one-rated", "company/number-one-rates", 1)
    assert len(broken) == len(text)
    path.write_text(broken)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert [d[2] for d in _report(run_line, example)] == ["OKR110"]
    assert [d[2] for d in _report(run_line, example, PRODUCT)] == ["OKR110"]


def test_a_file_not_as_its_status_says_is_an_error_once(
    run_line: RunLine, example: Path, _own_cache: Path
) -> None:
    """Should a trusted status lead to a digest the file's bytes do not have (the cache
    damaged, or the file edited while the run reads it), the run says so and forgets the
    statuses: the next run reads every file."""
    assert _report(run_line, example) == []
    (kept,) = _own_cache.rglob("statuses.marshal")
    statuses = marshal.loads(kept.read_bytes())
    statuses[PRODUCT][5] = "0" * 32
    kept.write_bytes(marshal.dumps(statuses))
    args = ["validate", "--root", str(example), "--as-of", AS_OF]
    failed = run_line(args, expect=2)
    assert f"{PRODUCT} changed while okrs was reading it: run okrs again" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert _report(run_line, example) == []


def test_without_change_times_every_file_is_read(
    run_line: RunLine, example: Path, _own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where st_ctime is not the time of the last change (Windows), no status is trusted: an
    edit that puts the modification time back is read like any other."""
    monkeypatch.setattr(snapshot, "_CHANGE_TIMES", False)
    assert _report(run_line, example) == []
    assert not any(_own_cache.rglob("statuses.marshal"))
    path = example / PRODUCT
    text, before = path.read_text(), path.stat()
    path.write_text(text.replace("company/number-one-rated", "company/number-one-rates", 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert [d[2] for d in _report(run_line, example)] == ["OKR110"]


def test_no_cache_writes_nothing(run_line: RunLine, example: Path, _own_cache: Path) -> None:
    _report(run_line, example, "--no-cache")
    assert not any(_own_cache.iterdir())


def _broken_example(example: Path) -> Path:
    # Problems in several files, of rules that look across files, to compare both paths on.
    edits = {
        PRODUCT: ("aligns_to: company/number-one-rated", "aligns_to: marketing/agency-demand"),
        "okrs/2026-Q4/marketing.yaml": ("status: dropped", "status: active"),
        "okrs/2026-Q4/company.yaml": ("title:", "titel:"),
        "okrs/2026-Q4/integrations.yaml": ("aligns_to: product/", "aligns_to: product/x"),
    }
    for relative, (old, new) in edits.items():
        path = example / relative
        text = path.read_text()
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new, 1))
    return example


def test_one_file_runs_from_skeletons_match_full_runs(
    run_line: RunLine, example: Path, _own_cache: Path
) -> None:
    root = _broken_example(example)
    full = _report(run_line, root, "--no-cache")
    assert len({d[0] for d in full}) >= 3
    team_files = sorted(p.relative_to(root).as_posix() for p in root.glob("okrs/*/*.yaml"))
    _report(run_line, root)  # fills the skeletons
    for size in (1, 2):
        for chosen in combinations(team_files, size):
            expected = [d for d in full if d[0] in chosen]
            assert _report(run_line, root, *chosen) == expected, chosen


def test_skeletons_follow_changes_in_other_files(run_line: RunLine, make_repo: MakeRepo) -> None:
    from .conftest import COMPANY, ORG
    from .conftest import PRODUCT as PRODUCT_TEXT

    root = make_repo(
        {"okrs/org.yaml": ORG, "okrs/2026-Q4/company.yaml": COMPANY, PRODUCT: PRODUCT_TEXT}
    )
    assert _report(run_line, root) == []
    (root / "okrs/2026-Q4/company.yaml").write_text(
        (root / "okrs/2026-Q4/company.yaml").read_text().replace("number-one-rated", "top")
    )
    assert [d[2] for d in _report(run_line, root, PRODUCT)] == ["OKR110"]


# Edits that leave the file's skeleton as it was (the only part other files' rules look at),
# and one that does not. A full run after the first kind checks only the edited file and takes
# every other file's diagnostics from the last full run.
KEEPING = {
    "title": ("title: Launch features that creatives love", "title: Launch what creatives love"),
    "check-in": ("{date: 2026-10-19, value: 45,", "{date: 2026-10-19, value: 46,"),
    "a new problem": ("        target: 30\n", "        target: thirty\n"),
}
CHANGING = {"alignment": ("aligns_to: marketing/agency-demand", "aligns_to: company/x")}


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[set[str] | None]:
    """The files each rules run reports on (None: every file), while the test runs."""
    from okrs_as_code import validate

    asked: list[set[str] | None] = []
    real = validate.outcome

    def spy(loaded: Any, as_of: Any, wanted: set[str] | None, *rest: Any) -> Any:
        asked.append(wanted)
        return real(loaded, as_of, wanted, *rest)

    monkeypatch.setattr(validate, "outcome", spy)
    return asked


@pytest.mark.parametrize("edit", [*KEEPING, *CHANGING])
def test_a_full_run_after_an_edit_equals_a_run_with_no_cache(
    run_line: RunLine, example: Path, checked: list[set[str] | None], edit: str
) -> None:
    root = _broken_example(example)
    before = _report(run_line, root)
    old, new = {**KEEPING, **CHANGING}[edit]
    path = root / PRODUCT
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    checked.clear()
    after = _report(run_line, root)
    assert checked == ([{PRODUCT}] if edit in KEEPING else [None])
    assert after == _report(run_line, root, "--no-cache")
    assert [d for d in after if d[0] != PRODUCT] == [d for d in before if d[0] != PRODUCT]
    if edit == "a new problem":
        assert "OKR002" in {d[2] for d in after if d[0] == PRODUCT}


def test_a_new_file_since_the_last_full_run_makes_every_rule_run(
    run_line: RunLine, example: Path, checked: list[set[str] | None]
) -> None:
    root = _broken_example(example)
    _report(run_line, root)
    path = root / PRODUCT
    path.write_text(path.read_text().replace(*KEEPING["title"], 1))
    (root / "okrs/2026-Q4/extra.yaml").write_text((root / PRODUCT).read_text())
    checked.clear()
    after = _report(run_line, root)
    assert checked == [None]
    assert after == _report(run_line, root, "--no-cache")


@pytest.mark.parametrize(
    "command", [["tree"], ["report"], ["export"], ["export", "--format", "csv"]], ids=" ".join
)
def test_the_day_to_day_views_read_an_edit_past_the_cache(
    run_line: RunLine, example: Path, command: list[str]
) -> None:
    """They read files parsed before from the cache, and never a file's stale data."""
    args = [*command, "--root", str(example), "--as-of", AS_OF]
    first = run_line(args, expect=0).output
    path = example / PRODUCT
    latest = "{date: 2026-11-16, value: 38,"
    path.write_text(path.read_text().replace(latest, "{date: 2026-11-16, value: 30,", 1))
    after = run_line(args, expect=0).output
    assert after != first
    assert after == run_line(args, expect=0, env={"OKRS_NO_CACHE": "1"}).output
