"""History from git: ``okrs history``, ``okrs diff`` and ``okrs validate --base`` on real
repositories committed with fixed identities and dates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from okrs_as_code import assemble, gitutil, timeline, versions

from .conftest import RunLine
from .gitrepo import COMPANY, MARKETING, MAYA, ORG, SAM, commit, edit, git, start, write


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding one commit of a three-team organisation."""
    return start(tmp_path / "okrs-repo")


REORDERED = """
team: product
period: 2026-Q4
objectives:
  - id: creatives-love
    title: Launch features that creatives love
    aligns_to: company/number-one-rated
    key_results:
      - id: integrations
        title: Ship the top 3 integrations
        milestone: true
        check_ins:
          - {date: 2026-11-18, value: 0.5}
      - id: signups
        title: Reach 500 weekly sign-ups
        baseline: 100
        target: 400
        check_ins:
          - {date: 2026-11-18, value: 200}
          - {date: 2026-11-19, value: 210}
"""


@pytest.fixture
def storied(repo: Path) -> dict[str, str]:
    """Four commits: created, target lowered with a check-in, file moved and list reordered,
    then renamed, re-aligned and dropped."""
    product = "okrs/2026-Q4/product.yaml"
    text = edit(repo, product, "target: 500", "target: 400")
    text = _edit2(text)
    hashes = {"start": git(repo, "rev-parse", "--short=7", "HEAD").strip()}
    hashes["lower"] = commit(
        repo, {product: text}, "Lower sign-ups target", "2026-10-08T10:00:00+00:00", SAM
    )
    moved = "okrs/2026-Q4/product.yml"
    hashes["move"] = commit(
        repo, {product: None, moved: REORDERED}, "Move file", "2026-10-15T10:00:00+00:00", SAM
    )
    final = REORDERED.replace(
        "title: Launch features that creatives love", "title: Delight creatives"
    ).replace(
        "aligns_to: company/number-one-rated\n",
        "aligns_to: company/number-one-rated#rating\n    status: dropped\n"
        "    reason: merged into onboarding\n",
    )
    hashes["drop"] = commit(repo, {moved: final}, "Drop it", "2026-10-22T10:00:00+00:00", MAYA)
    return hashes


def _edit2(text: str) -> str:
    return text.replace(
        "          - {date: 2026-11-18, value: 200}\n",
        "          - {date: 2026-11-18, value: 200}\n          - {date: 2026-11-19, value: 210}\n",
    )


def test_history_follows_ids_across_a_move_and_a_reorder(
    repo: Path, storied: dict[str, str], run_line: RunLine
) -> None:
    result = run_line(["history", "product/creatives-love", "--root", str(repo)], expect=0)
    assert result.stdout == (
        "History of 2026-Q4/product/creatives-love:\n"
        f"2026-10-01  {storied['start']}  Maya Patel  Start Q4\n"
        "  created\n"
        "  #signups: created\n"
        "  #integrations: created\n"
        f"2026-10-08  {storied['lower']}  Sam Okafor  Lower sign-ups target\n"
        "  #signups: target 500 -> 400 (lowered, easier)\n"
        "  #signups: check-in 210 on 2026-11-19 added\n"
        f"2026-10-22  {storied['drop']}  Maya Patel  Drop it\n"
        '  title "Launch features that creatives love" -> "Delight creatives"\n'
        "  re-aligned from company/number-one-rated to company/number-one-rated#rating\n"
        "  status active -> dropped (merged into onboarding)\n"
    )


def test_history_from_a_warm_cache_sees_new_commits(
    repo: Path, storied: dict[str, str], run_line: RunLine, _own_cache: Path
) -> None:
    """A second run answers from the cache the same; a commit made since is read too."""
    args = ["history", "product/creatives-love#signups", "--root", str(repo)]
    first = run_line(args, expect=0).stdout
    assert run_line(args, expect=0).stdout == first
    cache_dir = _own_cache
    moved = "okrs/2026-Q4/product.yml"
    added = edit(
        repo, moved, "value: 210}", "value: 210}\n          - {date: 2026-11-26, value: 230}"
    )
    short = commit(repo, {moved: added}, "Check in", "2026-11-26T10:00:00+00:00", SAM)
    then = f"{first}2026-11-26  {short}  Sam Okafor  Check in\n  check-in 230 on 2026-11-26 added\n"
    assert run_line(args, expect=0).stdout == then
    stored = list(cache_dir.rglob("*.marshal"))
    assert {p.name for p in stored} >= {"answers.marshal", "commits.marshal", "versions.marshal"}
    for path in stored:
        path.write_bytes(b"\x00not marshal")  # a corrupt cache is ignored
    assert run_line(args, expect=0).stdout == then


def test_a_long_history_is_listed_in_two_halves_the_same(
    repo: Path, storied: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = gitutil.log(repo, "okrs/")
    monkeypatch.setattr(gitutil, "SPLIT_FROM_COMMITS", 2)
    assert gitutil.log(repo, "okrs/") == whole and len(whole) == 4


def test_other_files_are_left_out_however_the_log_is_limited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_line: RunLine
) -> None:
    """OKRs in a folder of a larger repository, whose other files are most of it: commits
    that changed only other files are not listed, and a commit that changed both lists its
    OKR files only, whether git limits the log to the folder or lists every commit."""
    repo = tmp_path / "monorepo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    code: dict[str, str | None] = {f"src/module{i}.py": f"x = {i}\n" for i in range(40)}
    commit(repo, code, "Code", "2026-09-30T09:00:00+00:00", MAYA)
    okrs = {"org.yaml": ORG, "2026-Q4/company.yaml": COMPANY, "2026-Q4/marketing.yaml": MARKETING}
    plans: dict[str, str | None] = {f"planning/okrs/{k}": text for k, text in okrs.items()}
    commit(repo, plans, "Plans", "2026-10-01T09:00:00+00:00", MAYA)
    root = repo / "planning"
    marketing = "okrs/2026-Q4/marketing.yaml"
    raised: dict[str, str | None] = {
        "src/module1.py": "x = 100\n",
        f"planning/{marketing}": edit(root, marketing, "300 qualified", "350 qualified"),
    }
    commit(repo, raised, "Raise the bar", "2026-10-08T10:00:00+00:00", SAM)
    commit(repo, {"src/module2.py": "x = 200\n"}, "More code", "2026-10-09T10:00:00+00:00", SAM)
    listed = gitutil.log(root, "okrs/")
    assert [c.subject for c in listed] == ["Plans", "Raise the bar"]
    assert list(listed[1].changes) == [marketing]
    monkeypatch.setattr(gitutil, "_MOSTLY", 0.0)  # as though the OKRs were most of it
    assert gitutil.log(root, "okrs/") == listed
    result = run_line(["history", "marketing/agency-demand#leads", "--root", str(root)], expect=0)
    assert "Raise the bar" in result.stdout and "More code" not in result.stdout


def test_history_of_a_key_result_as_json(
    repo: Path, storied: dict[str, str], run_line: RunLine
) -> None:
    ref = "2026-Q4/product/creatives-love#signups"
    result = run_line(["history", ref, "--format", "json", "--root", str(repo)], expect=0)
    document = json.loads(result.stdout)
    assert document["ref"] == ref
    assert [c["short"] for c in document["commits"]] == [storied["start"], storied["lower"]]
    assert document["commits"][1]["author"] == "Sam Okafor"
    assert document["commits"][1]["date"] == "2026-10-08T10:00:00+00:00"
    assert document["commits"][1]["changes"][0] == {
        "ref": ref,
        "kind": "target",
        "text": "target 500 -> 400 (lowered, easier)",
        "before": 500.0,
        "after": 400.0,
    }


def test_history_ignores_a_polluted_git_environment(
    repo: Path, storied: dict[str, str], run_line: RunLine, tmp_path: Path
) -> None:
    # As inside a pre-commit hook: git exports the index and repository it is working on.
    env = {"GIT_DIR": str(tmp_path / "elsewhere.git"), "GIT_INDEX_FILE": str(tmp_path / "idx")}
    ref = "product/creatives-love#signups"
    result = run_line(["history", ref, "--root", str(repo)], expect=0, env=env)
    assert "target 500 -> 400" in result.stdout
    result = run_line(["diff", "HEAD~3", "--root", str(repo)], expect=0, env=env)
    assert "target 500 -> 400" in result.stdout


def test_history_of_an_unknown_reference(repo: Path, run_line: RunLine) -> None:
    result = run_line(["history", "product/nothing", "--root", str(repo)], expect=2)
    assert "names no objective or key result" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["history", "product/creatives-love"], ["diff", "HEAD"], ["validate", "--base", "HEAD"]],
)
def test_outside_a_git_repository_exits_2(
    small_repo: Path, run_line: RunLine, args: list[str]
) -> None:
    env = {"GIT_CEILING_DIRECTORIES": str(small_repo.parent)}
    result = run_line([*args, "--root", str(small_repo)], expect=2, env=env)
    assert result.stderr.count("\n") == 1
    assert "not inside a git repository" in result.stderr


def _pull_request(repo: Path) -> None:
    product = edit(repo, "okrs/2026-Q4/product.yaml", "target: 500", "target: 600")
    product = product[: product.index("      - id: integrations")]
    marketing = edit(
        repo,
        "okrs/2026-Q4/marketing.yaml",
        "          - {date: 2026-11-18, value: 120}\n",
        "          - {date: 2026-11-18, value: 120}\n          - {date: 2026-11-19, value: 130}\n",
    ).replace("aligns_to: company/number-one-rated", "aligns_to: company/number-one-rated#rating")
    write(repo, {"okrs/2026-Q4/product.yaml": product, "okrs/2026-Q4/marketing.yaml": marketing})


def test_diff_text(repo: Path, run_line: RunLine) -> None:
    _pull_request(repo)
    result = run_line(["diff", "HEAD", "--root", str(repo)], expect=0)
    assert result.stdout == (
        "OKR changes from HEAD to the working tree:\n"
        "2026-Q4/marketing/agency-demand  Create demand among agencies\n"
        "  re-aligned from company/number-one-rated to company/number-one-rated#rating\n"
        "2026-Q4/marketing/agency-demand#leads  300 qualified leads\n"
        "  check-in 130 on 2026-11-19 added\n"
        "2026-Q4/product/creatives-love#signups  Reach 500 weekly sign-ups\n"
        "  target 500 -> 600 (raised, harder)\n"
        "2026-Q4/product/creatives-love#integrations  Ship the top 3 integrations\n"
        "  key result removed\n"
    )


def test_diff_markdown(repo: Path, run_line: RunLine) -> None:
    _pull_request(repo)
    result = run_line(["diff", "HEAD", "--format", "markdown", "--root", str(repo)], expect=0)
    assert result.stdout == (
        "### OKR changes from `HEAD` to the working tree\n"
        "\n"
        "- **`2026-Q4/marketing/agency-demand`** Create demand among agencies\n"
        "  - re-aligned from company/number-one-rated to company/number-one-rated#rating\n"
        "- **`2026-Q4/marketing/agency-demand#leads`** 300 qualified leads\n"
        "  - check-in 130 on 2026-11-19 added\n"
        "- **`2026-Q4/product/creatives-love#signups`** Reach 500 weekly sign-ups\n"
        "  - target 500 → 600 (raised, harder)\n"
        "- **`2026-Q4/product/creatives-love#integrations`** Ship the top 3 integrations\n"
        "  - key result removed\n"
    )


def test_diff_json_between_two_commits(repo: Path, run_line: RunLine) -> None:
    _pull_request(repo)
    commit(repo, {}, "Review", "2026-10-02T09:00:00+00:00", SAM)
    result = run_line(["diff", "HEAD~1", "HEAD", "--format", "json", "--root", str(repo)])
    document = json.loads(result.stdout)
    assert (document["from"], document["to"]) == ("HEAD~1", "HEAD")
    assert document["changes"][2] == {
        "ref": "2026-Q4/product/creatives-love#signups",
        "title": "Reach 500 weekly sign-ups",
        "kind": "target",
        "text": "target 500 -> 600 (raised, harder)",
        "before": 500.0,
        "after": 600.0,
    }
    assert [c["kind"] for c in document["changes"]] == [
        "aligns_to",
        "check-in",
        "target",
        "removed",
    ]


def test_diff_without_changes(repo: Path, run_line: RunLine) -> None:
    result = run_line(["diff", "HEAD", "--root", str(repo)], expect=0)
    assert result.stdout == "no changes to the OKRs from HEAD to the working tree\n"
    result = run_line(["diff", "nope", "--root", str(repo)], expect=2)
    assert "unknown revision 'nope'" in result.stderr


STALE = "          - {date: 2026-11-18, value: 200}\n"


@pytest.fixture
def stale_product(repo: Path) -> Path:
    """The base commit has a stale Product key result (last check-in 2026-10-01)."""
    text = edit(
        repo, "okrs/2026-Q4/product.yaml", STALE, "          - {date: 2026-10-01, value: 200}\n"
    )
    commit(repo, {"okrs/2026-Q4/product.yaml": text}, "Stale", "2026-10-02T09:00:00+00:00", SAM)
    return repo


def test_base_does_not_block_marketing_on_a_stale_product_key_result(
    stale_product: Path, run_line: RunLine
) -> None:
    repo = stale_product
    _pull_request_from_marketing(repo)
    args = ["validate", "--base", "HEAD", "--as-of", "2026-11-20", "--root", str(repo)]
    result = run_line(args, expect=0)
    assert "error OKR301" in result.stdout
    assert result.stdout.count("(also at HEAD)") == 1
    assert result.stdout.endswith("new since HEAD: 0 errors, 0 warnings\n")
    document = json.loads(run_line([*args, "--format", "json"], expect=0).stdout)
    assert [(d["code"], d["new"]) for d in document["diagnostics"]] == [("OKR301", False)]
    run_line(["validate", "--as-of", "2026-11-20", "--root", str(repo)], expect=1)


def _pull_request_from_marketing(repo: Path) -> None:
    # Lines above the stale key result move too: identity is not the line.
    product = "# Product's OKRs\n" + (repo / "okrs/2026-Q4/product.yaml").read_text()
    marketing = edit(
        repo,
        "okrs/2026-Q4/marketing.yaml",
        "          - {date: 2026-11-18, value: 120}\n",
        "          - {date: 2026-11-18, value: 120}\n          - {date: 2026-11-19, value: 130}\n",
    )
    write(repo, {"okrs/2026-Q4/marketing.yaml": marketing, "okrs/2026-Q4/product.yaml": product})


def test_base_blocks_deleting_a_company_objective(stale_product: Path, run_line: RunLine) -> None:
    repo = stale_product
    write(repo, {"okrs/2026-Q4/company.yaml": "team: company\nperiod: 2026-Q4\nobjectives: []\n"})
    args = ["validate", "--base", "HEAD", "--as-of", "2026-11-20", "--root", str(repo)]
    result = run_line([*args, "--format", "json"], expect=1)
    document = json.loads(result.stdout)
    new = sorted((d["path"], d["code"]) for d in document["diagnostics"] if d["new"])
    assert new == [
        ("okrs/2026-Q4/marketing.yaml", "OKR110"),
        ("okrs/2026-Q4/product.yaml", "OKR110"),
    ]
    assert document["summary"]["new_errors"] == 2
    assert [d["code"] for d in document["diagnostics"] if not d["new"]] == ["OKR301"]


def test_the_history_with_check_ins_is_each_version_read_afresh(
    repo: Path, storied: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site's history knows a version that only adds check-ins from the one before and
    shares what did not change; read afresh, every version gives the same objectives."""
    moved = "okrs/2026-Q4/product.yml"
    text = (repo / moved).read_text(encoding="utf-8")
    for day in ("2026-11-26", "2026-12-03"):
        text = text.replace("value: 210}", f"value: 210}}\n          - {{date: {day}, value: 220}}")
        commit(repo, {moved: text}, f"Check in {day}", f"{day}T10:00:00+00:00", SAM)
    company = edit(
        repo,
        "okrs/2026-Q4/company.yaml",
        "value: 4.7}",
        "value: 4.7}\n          - {date: 2026-11-25, value: 4.75}",
    )
    commit(
        repo, {"okrs/2026-Q4/company.yaml": company}, "Rating", "2026-11-25T10:00:00+00:00", MAYA
    )
    shared = timeline.read(repo, None)
    assert isinstance(shared, timeline.Timeline)
    monkeypatch.setattr(versions, "_derived", lambda raw, before, whole: None)
    monkeypatch.setattr(
        assemble, "_key_result_again", lambda raw, where, reuse: assemble._key_result(raw, where)
    )
    afresh = timeline.read(repo, None)
    assert isinstance(afresh, timeline.Timeline)
    assert shared.versions == afresh.versions
    for key, found in shared.versions.items():  # and the changes read from them, in words
        assert timeline.entries(found) == timeline.entries(afresh.versions[key])
    signups = shared.versions[("2026-Q4", "product", "creatives-love")][-1].objective
    assert signups is not None and len(signups.key_results[1].check_ins) == 4
