"""A full run shared by two processes, each checking half the files with the other half's
skeletons, reports exactly what one process reports: on every rule case, on broken files, with
the history rules, and when the other process fails; and it leaves the cache as a later
pre-commit run needs it."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from okrs_as_code import halves

from .conftest import AS_OF, REPO_ROOT, RunLine
from .gitrepo import commit, edit
from .test_history_rules import PRODUCT_FILE, SAM, repo  # noqa: F401 (a fixture)
from .test_rule_cases import CASE_FILE, _case_dirs, _case_id, load_case

Report = Callable[..., Any]


@pytest.fixture
def report(run_line: RunLine, monkeypatch: pytest.MonkeyPatch) -> Report:
    """The JSON report of ``okrs validate`` in one process and in halves, which must be the
    same; ``halved`` says what each try to check in halves gave (False: the other process
    failed)."""

    def run(root: Path, *extra: str, as_of: str = AS_OF, halved: tuple[bool, ...] = (True,)) -> Any:
        args = ["validate", "--root", str(root), "--as-of", as_of, "--format", "json", *extra]
        monkeypatch.setattr(halves, "SPLIT_FROM_BYTES", 1 << 40)
        alone = run_line(args)
        tried: list[bool] = []
        real = halves.check

        def check(*given: Any) -> Any:
            found = real(*given)
            tried.append(found is not None)
            return found

        with monkeypatch.context() as split_up:
            split_up.setattr(halves, "SPLIT_FROM_BYTES", 0)
            split_up.setattr(halves, "check", check)
            shared = run_line(args)
        assert (shared.stdout, shared.stderr) == (alone.stdout, alone.stderr)
        assert shared.exit_code == alone.exit_code
        assert tuple(tried) == halved
        return json.loads(alone.stdout) if alone.stdout.strip() else None

    return run


@pytest.mark.parametrize("case_dir", _case_dirs(), ids=_case_id)
def test_every_rule_case_reads_the_same_in_halves(
    case_dir: Path, tmp_path: Path, report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = load_case(case_dir)
    root = tmp_path / "repo"
    shutil.copytree(case.root, root, ignore=shutil.ignore_patterns(CASE_FILE))
    monkeypatch.chdir(root)
    files = [a for a in case.args if not a.startswith("-")]
    # File arguments report on those files alone, from one process, unless org.yaml is one
    # of them; a configuration error stops the run before any file is read.
    whole = not files or "okrs/org.yaml" in files
    stopped = case.exit_code == 2 and not case.expected
    halved = (True,) if whole and not stopped else ()
    report(root, "--no-cache", *case.args, as_of=case.as_of, halved=halved)


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """The example organisation with files that do not parse, or parse to something odd, on
    both sides of the middle."""
    root = tmp_path / "mixed"
    shutil.copytree(REPO_ROOT / "okrs", root / "okrs")
    folder = root / "okrs" / "2026-Q4"
    (folder / "aaa-broken.yaml").write_text("team: [product\n")
    (folder / "aab-list.yaml").write_text("- team: product\n")
    (folder / "zzy-dupes.yaml").write_text("team: a\nteam: b\n")
    (folder / "zzz-deep.yaml").write_text("team: " + "[" * 3000 + "]" * 3000 + "\n")
    (folder / "zzx-typed.yaml").write_text(
        "team: product\nperiod: 2026-Q4\nobjectives: [{id: 5}]\n"
    )
    product = folder / "product.yaml"
    product.write_text(
        product.read_text().replace(
            "aligns_to: company/number-one-rated", "aligns_to: company/number-one", 1
        )
    )
    return root


@pytest.mark.parametrize("as_of", [AS_OF, "2027-01-20"])
def test_broken_and_odd_files_read_the_same_in_halves(
    mixed: Path, report: Report, as_of: str
) -> None:
    found = report(mixed, "--no-cache", as_of=as_of)
    codes = {d["code"] for d in found["diagnostics"]}
    assert {"OKR001", "OKR002", "OKR110"} <= codes


def test_the_history_rules_read_the_same_in_halves(
    repo: Path,  # noqa: F811 (the fixture)
    report: Report,
) -> None:
    # A target lowered after the period started, in a file on one side of the middle, and an
    # objective moved from it to a file on the other side.
    changed = edit(repo, PRODUCT_FILE, "target: 500", "target: 300")
    commit(repo, {PRODUCT_FILE: changed}, "Lower", "2026-11-02T10:00:00+00:00", SAM)
    found = report(repo, "--no-cache")
    assert any(d["code"] == "OKR401" for d in found["diagnostics"])


def test_a_failed_second_process_leaves_this_one_to_check_everything(
    mixed: Path, report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(halves, "_other", lambda *given: os._exit(1))
    report(mixed, "--no-cache", halved=(False,))


def test_the_cache_of_a_run_in_halves_serves_a_pre_commit_run(
    mixed: Path, run_line: RunLine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OKRS_CACHE_DIR", str(tmp_path / "cache"))
    base = ["validate", "--root", str(mixed), "--as-of", AS_OF, "--format", "json"]
    expected = run_line([*base, "--no-cache"]).stdout
    monkeypatch.setattr(halves, "SPLIT_FROM_BYTES", 0)
    assert run_line(base).stdout == expected
    marketing = "okrs/2026-Q4/marketing.yaml"
    path = mixed / marketing
    path.write_text(path.read_text().replace("aligns_to: company/", "aligns_to: company/x-", 1))
    one = [*base, marketing]
    assert run_line(one).stdout == run_line([*one, "--no-cache"]).stdout
    assert run_line(base).stdout == run_line([*base, "--no-cache"]).stdout
