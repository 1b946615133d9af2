"""The history rules (OKR401, OKR402), their cache and the site's history, on real git
repositories committed with fixed identities and dates."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import marshal
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from okrs_as_code import parallel, versions
from okrs_as_code import validate as validate_module
from okrs_as_code.cache import Cache
from okrs_as_code.site.build import build
from okrs_as_code.validate import validate

from .conftest import RunLine
from .gitrepo import COMPANY, MARKETING, MAYA, ORG, PRODUCT, SAM, commit, edit, git, git_env

LATER = "2026-11-02T10:00:00+00:00"
AS_OF = "2026-11-20"
PRODUCT_FILE = "okrs/2026-Q4/product.yaml"
COMPANY_FILE = "okrs/2026-Q4/company.yaml"

UPTIME = """
      - id: uptime
        title: Keep editor uptime at or above 99.9%
        keep: {at_least: 99.9}
        check_ins:
          - {date: 2026-11-18, value: 99.95}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The organisation committed by Maya on the period's first day, with a keep key result."""
    root = tmp_path / "okrs-repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, env=git_env(), check=True)
    files: dict[str, str | None] = {
        "okrs/org.yaml": ORG,
        COMPANY_FILE: COMPANY,
        PRODUCT_FILE: PRODUCT.rstrip("\n") + UPTIME,
        "okrs/2026-Q4/marketing.yaml": MARKETING,
    }
    commit(root, files, "Start Q4", "2026-10-01T09:00:00+00:00", MAYA)
    return root


def change(repo: Path, path: str, old: str, new: str, date: str = LATER) -> str:
    """Commit one text replacement as Sam; the commit's short hash."""
    return commit(repo, {path: edit(repo, path, old, new)}, "Edit", date, SAM)


def diagnostics(run_line: RunLine, repo: Path, *extra: str) -> list[dict[str, Any]]:
    args = ["validate", "--as-of", AS_OF, "--format", "json", "--root", str(repo), *extra]
    found: list[dict[str, Any]] = json.loads(run_line(args).stdout)["diagnostics"]
    return [d for d in found if d["code"] in ("OKR401", "OKR402")]


def line_of(repo: Path, path: str, text: str) -> int:
    lines = (repo / path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_a_lowered_target_is_reported_at_its_line(repo: Path, run_line: RunLine) -> None:
    short = change(repo, PRODUCT_FILE, "target: 500", "target: 300")
    result = run_line(["validate", "--as-of", AS_OF, "--root", str(repo)], expect=0)
    assert result.stderr == ""
    line = line_of(repo, PRODUCT_FILE, "target: 300")
    assert (
        f"{PRODUCT_FILE}:{line}:17: warning OKR401 target of key result 'signups' lowered from "
        f"500 to 300 by Sam Okafor on 2026-11-02 ({short}), after the period started on "
        "2026-10-01" in result.stdout
    )


def test_harder_targets_and_first_day_changes_pass(repo: Path, run_line: RunLine) -> None:
    change(repo, PRODUCT_FILE, "target: 500", "target: 450", "2026-10-01T17:00:00+00:00")
    change(repo, PRODUCT_FILE, "target: 450", "target: 600")
    assert diagnostics(run_line, repo) == []


def test_an_undone_change_passes(repo: Path, run_line: RunLine) -> None:
    change(repo, PRODUCT_FILE, "target: 500", "target: 300")
    change(repo, PRODUCT_FILE, "target: 300", "target: 500", "2026-11-03T10:00:00+00:00")
    assert diagnostics(run_line, repo) == []


def test_a_decreasing_key_result_raised_is_easier(repo: Path, run_line: RunLine) -> None:
    first_day = "2026-10-01T17:00:00+00:00"
    change(
        repo,
        COMPANY_FILE,
        "baseline: 4.6\n        target: 4.8",
        "baseline: 5\n        target: 4.2",
        first_day,
    )
    change(repo, COMPANY_FILE, "target: 4.2", "target: 4.4")
    [found] = diagnostics(run_line, repo)
    assert found["message"].startswith("target of key result 'rating' raised from 4.2 to 4.4 by")


def test_a_rebased_baseline(repo: Path, run_line: RunLine) -> None:
    change(repo, COMPANY_FILE, "baseline: 4.6", "baseline: 4.5")
    [found] = diagnostics(run_line, repo)
    assert found["line"] == line_of(repo, COMPANY_FILE, "baseline: 4.5")
    assert found["message"].startswith("baseline of key result 'rating' re-based from 4.6 to 4.5")


def test_a_loosened_keep_threshold(repo: Path, run_line: RunLine) -> None:
    change(repo, PRODUCT_FILE, "at_least: 99.9", "at_least: 99.5")
    [found] = diagnostics(run_line, repo)
    assert found["line"] == line_of(repo, PRODUCT_FILE, "at_least: 99.5")
    assert found["message"].startswith(
        "keep at_least threshold of key result 'uptime' lowered from 99.9 to 99.5"
    )


def test_uncommitted_changes_count(repo: Path, run_line: RunLine) -> None:
    text = edit(repo, PRODUCT_FILE, "target: 500", "target: 250")
    (repo / PRODUCT_FILE).write_text(text, encoding="utf-8")
    [found] = diagnostics(run_line, repo)
    assert found["severity"] == "warning"
    assert "from 500 to 250 in uncommitted changes" in found["message"]


def test_okr402_is_off_until_policy_turns_it_on(repo: Path, run_line: RunLine) -> None:
    change(repo, PRODUCT_FILE, "title: Reach 500 weekly sign-ups", "title: Reach 600 sign-ups")
    text = (repo / PRODUCT_FILE).read_text(
        encoding="utf-8"
    ) + "          - {date: 2026-11-19, value: 0.6}\n"
    (repo / PRODUCT_FILE).write_text(text, encoding="utf-8")  # a check-in is never frozen
    assert diagnostics(run_line, repo) == []
    policy = "  cadence: {check_in_every: 7d, grace: 2d}\n  rules: {OKR402: error}\n"
    org = edit(repo, "okrs/org.yaml", "  cadence: {check_in_every: 7d, grace: 2d}\n", policy)
    (repo / "okrs/org.yaml").write_text(org, encoding="utf-8")
    [found] = diagnostics(run_line, repo)
    assert found["severity"] == "error"
    assert found["line"] == line_of(repo, PRODUCT_FILE, "Reach 600 sign-ups")
    assert found["message"].startswith(
        "title of key result 'signups' changed from 'Reach 500 weekly sign-ups' to "
        "'Reach 600 sign-ups' after the period started on 2026-10-01 (last by Sam Okafor"
    )


def test_without_git_a_note_on_stderr_once(repo: Path, run_line: RunLine) -> None:
    shutil.rmtree(repo / ".git")
    args = ["validate", "--as-of", AS_OF, "--format", "json", "--root", str(repo)]
    for _ in range(2):  # the second run comes from the cache and says it again
        result = run_line(args, expect=0)
        assert result.stderr == (
            "okrs: note: OKR401 skipped: not a git repository (they read the git history)\n"
        )
        assert json.loads(result.stdout)["summary"]["errors"] == 0
    org = edit(repo, "okrs/org.yaml", "policy:\n", "policy:\n  rules: {OKR401: off}\n")
    (repo / "okrs/org.yaml").write_text(org, encoding="utf-8")
    assert run_line(args, expect=0).stderr == ""


def test_a_shallow_clone_says_so(repo: Path, tmp_path: Path, run_line: RunLine) -> None:
    change(repo, PRODUCT_FILE, "target: 500", "target: 300")
    clone = tmp_path / "clone"
    source = repo.resolve().as_uri()
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", source, str(clone)], env=git_env(), check=True
    )
    result = run_line(["validate", "--as-of", AS_OF, "--root", str(clone)], expect=0)
    assert result.stderr.count("\n") == 1
    assert "OKR401 skipped: a shallow clone" in result.stderr
    assert "OKR401" not in result.stdout


def test_a_run_after_edits_keeps_the_history_findings_of_the_files_not_edited(
    repo: Path, run_line: RunLine
) -> None:
    """The edited files alone are checked again, against the whole history."""
    change(repo, PRODUCT_FILE, "target: 500", "target: 300")
    first = diagnostics(run_line, repo)
    marketing = "okrs/2026-Q4/marketing.yaml"
    (repo / marketing).write_text(edit(repo, marketing, "Create demand", "Create real demand"))
    assert diagnostics(run_line, repo) == first == diagnostics(run_line, repo, "--no-cache")
    (repo / PRODUCT_FILE).write_text(edit(repo, PRODUCT_FILE, "target: 300", "target: 250"))
    [found] = diagnostics(run_line, repo)
    assert "from 300 to 250 in uncommitted changes" in found["message"]
    assert [found] == diagnostics(run_line, repo, "--no-cache")


def test_the_cache_sees_a_new_commit(repo: Path, run_line: RunLine, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    env = {"OKRS_CACHE_DIR": str(cache_dir)}
    args = ["validate", "--as-of", AS_OF, "--format", "json", "--root", str(repo)]
    assert "OKR401" not in run_line(args, env=env).stdout
    [lists] = list(cache_dir.rglob("commits.marshal"))
    [facts] = list(cache_dir.rglob("versions.marshal"))
    assert [len(entry["commits"]) for entry in marshal.loads(lists.read_bytes())] == [1]
    assert len(marshal.loads(facts.read_bytes())) == 3  # one version of each team file
    replaced = lists.parent / "commitments.marshal"  # what earlier versions kept instead
    replaced.write_bytes(marshal.dumps({}))
    short = change(repo, PRODUCT_FILE, "target: 500", "target: 300")
    assert f"({short})" in run_line(args, env=env).stdout
    assert [len(entry["commits"]) for entry in marshal.loads(lists.read_bytes())] == [1, 2]
    assert len(marshal.loads(facts.read_bytes())) == 4
    assert not replaced.exists()
    for stored in (lists, facts):
        stored.write_bytes(b"\x00not marshal")  # a corrupt cache is ignored
    run_line(["validate", "--as-of", "2026-11-19", "--root", str(repo)], expect=0, env=env)
    assert f"({short})" in run_line(args, env=env).stdout


def test_the_cache_follows_a_rewritten_branch(
    repo: Path, run_line: RunLine, tmp_path: Path
) -> None:
    """A kept commit list belongs to its commit: after an amend the history is listed anew."""
    env = {"OKRS_CACHE_DIR": str(tmp_path / "cache")}
    args = ["validate", "--as-of", AS_OF, "--format", "json", "--root", str(repo)]
    short = change(repo, PRODUCT_FILE, "target: 500", "target: 300")
    assert f"({short})" in run_line(args, env=env).stdout
    (repo / PRODUCT_FILE).write_text(
        (repo / PRODUCT_FILE).read_text(encoding="utf-8").replace("target: 300", "target: 200"),
        encoding="utf-8",
    )
    git(repo, "commit", "-q", "--amend", "-a", "--no-edit")
    amended = git(repo, "rev-parse", "--short=7", "HEAD").strip()
    found = run_line(args, env=env).stdout
    assert f"to 200 by Sam Okafor on 2026-11-02 ({amended})" in found and short not in found


def test_validate_base_inherits_an_old_lowered_target(repo: Path, run_line: RunLine) -> None:
    change(repo, PRODUCT_FILE, "target: 500", "target: 300")
    args = ["validate", "--as-of", AS_OF, "--root", str(repo), "--base", "HEAD"]
    result = run_line(args, expect=0)
    assert "OKR401" in result.stdout and "(also at HEAD)" in result.stdout


def test_the_site_shows_who_changed_what(repo: Path, tmp_path: Path) -> None:
    short = change(repo, PRODUCT_FILE, "target: 500", "target: 300")
    out = tmp_path / "site"
    summary = build(repo, out, dt.date(2026, 11, 20))
    assert summary.notices == []
    page = (out / "objectives/2026-Q4/product/creatives-love.html").read_text(encoding="utf-8")
    assert (
        f"Sam Okafor, 2026-11-02: signups: target 500 -&gt; 300 (lowered, easier) ({short})" in page
    )
    assert "Maya Patel, 2026-10-01: created (" in page
    assert page.count("<dt>Last changed</dt>") == 3  # every key result
    first = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    build(repo, out, dt.date(2026, 11, 20))
    assert first == {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_the_site_without_git_has_no_history(repo: Path, tmp_path: Path) -> None:
    shutil.rmtree(repo / ".git")
    out = tmp_path / "site"
    summary = build(repo, out, dt.date(2026, 11, 20))
    assert summary.written and len(summary.notices) == 1
    page = (out / "objectives/2026-Q4/product/creatives-love.html").read_text(encoding="utf-8")
    assert "Last changed" not in page and "<h2>History</h2>" not in page


def test_a_run_on_one_file_reads_that_files_history(
    repo: Path, run_line: RunLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    short = change(repo, PRODUCT_FILE, "target: 500", "target: 300")
    change(repo, "okrs/2026-Q4/marketing.yaml", "title: ", "title:  ")  # another file
    monkeypatch.chdir(repo)
    found = diagnostics(run_line, repo, PRODUCT_FILE)
    assert [d["code"] for d in found] == ["OKR401"] and f"({short})" in found[0]["message"]
    assert diagnostics(run_line, repo, "okrs/2026-Q4/marketing.yaml") == []
    assert diagnostics(run_line, repo, PRODUCT_FILE) == found  # from the cache, the same


def test_validate_base_with_a_warm_cache_finds_the_same(
    repo: Path, run_line: RunLine, tmp_path: Path
) -> None:
    """The base's commit list is cut back from the kept list at HEAD, and says the same."""
    env = {"OKRS_CACHE_DIR": str(tmp_path / "cache")}
    change(repo, PRODUCT_FILE, "target: 500", "target: 300")
    change(repo, PRODUCT_FILE, "baseline: 100", "baseline: 150", "2026-11-09T10:00:00+00:00")
    args = ["validate", "--as-of", AS_OF, "--root", str(repo), "--base", "HEAD~1"]
    run_line(["validate", "--as-of", AS_OF, "--root", str(repo)], env=env)  # keeps HEAD's list
    warm = run_line(args, env=env).stdout
    assert warm == run_line([*args, "--no-cache"]).stdout
    assert "(also at HEAD~1)" in warm and "re-based" in warm
    # An edit since the files were last looked at is seen, as it is without the cache.
    path = repo / PRODUCT_FILE
    path.write_text(path.read_text().replace("target: 300", "target: 250"))
    edited = run_line(args, env=env).stdout
    assert edited == run_line([*args, "--no-cache"]).stdout and "to 250" in edited


class _Recorder:
    """A tracker that writes down what it hears."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, int]] = []

    def start(self, label: str, total: int) -> None:
        self.heard.append((label, total))

    def advance(self, steps: int = 1) -> None:
        self.heard.append(("advance", steps))

    def finish(self) -> None:
        self.heard.append(("finish", 0))


@pytest.mark.parametrize("parallel_from", [1, 2000])
def test_a_cold_history_read_reports_its_progress(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel_from: int
) -> None:
    """Every version read is told to the tracker, on one process or two, with the same result;
    a warm run has nothing to read and says nothing."""
    monkeypatch.setattr(versions, "PARALLEL_FROM_VERSIONS", parallel_from)
    change(repo, PRODUCT_FILE, "target: 500", "target: 300")
    cache = Cache(tmp_path / "cache", repo, "test")
    recorder = _Recorder()
    as_of = dt.date.fromisoformat(AS_OF)
    found = validate(repo, as_of, cache=cache, tracker=recorder)
    assert recorder.heard[0] == ("Reading history", 4) and recorder.heard[-1] == ("finish", 0)
    assert sum(steps for label, steps in recorder.heard if label == "advance") == 4
    assert found == validate(repo, as_of)
    again = _Recorder()
    (repo / "okrs/2026-Q4/company.yaml").write_text(COMPANY + "\n", encoding="utf-8")
    validate(repo, as_of, cache=cache, tracker=again)
    assert again.heard == []


def test_the_other_rules_beside_the_history_rules_find_the_same(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a long timeline still to make, the rules other than the history rules run in a
    forked process beside them; the outcome is the one of all rules run in this process."""
    change(repo, PRODUCT_FILE, "target: 500", "target: 300")
    change(repo, PRODUCT_FILE, "at_least: 99.9", "at_least: 99.0", "2026-11-03T10:00:00+00:00")
    late = dt.date(2026, 12, 20)  # every key result is then late with its check-in (OKR301)
    monkeypatch.setattr(validate_module, "PARALLEL_FROM_COMMITS", 10**9)
    alone = validate(repo, late)
    forked: list[bool] = []

    @contextlib.contextmanager
    def spied(work: Callable[[], Any], worth_it: bool = True) -> Iterator[Callable[[], Any]]:
        forked.append(worth_it)
        with parallel.beside(work, worth_it) as result:
            yield result

    monkeypatch.setattr(validate_module, "beside", spied)
    monkeypatch.setattr(validate_module, "PARALLEL_FROM_COMMITS", 1)
    assert validate(repo, late) == alone
    assert forked == [True]
    codes = [d.code for d in alone.diagnostics]
    assert codes.count("OKR401") == 2 and "OKR301" in codes
