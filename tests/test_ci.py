"""CI and pre-commit: the hook manifest, the workflows `okrs init` writes, and what they run.

The pull-request workflow's shell steps and the weekly issue step are run here with bash on
real git repositories, the way GitHub's runner would run them (`bash -eo pipefail`)."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from okrs_as_code import __version__
from okrs_as_code.init import ci_file

from .conftest import REPO_ROOT, RunLine
from .gitrepo import COMPANY, MARKETING, git_env

BIN = Path(sys.executable).parent
STARTER = REPO_ROOT / "okrs_as_code" / "starter"
PACKAGED_INSTALL = 'python -m pip install "okrs-as-code==__version__"'
CHECKOUT_INSTALL = "python -m pip install ."
AS_OF = "2026-11-20"

ORG = """
organization: Brightwork
teams:
  company: {name: Brightwork, owners: ["@maya"]}
  product: {name: Product, parent: company, owners: ["@sam"]}
  marketing: {name: Marketing, parent: company, owners: ["@lee"]}
people:
  "@maya": {name: Maya Patel}
  "@sam": {name: Sam Okafor, github: sam-okafor}
  "@lee": {name: Lee Thompson}
policy:
  cadence: {check_in_every: 7d, grace: 2d}
"""

PRODUCT = """
team: product
period: 2026-Q4
objectives:
  - id: creatives-love
    title: Launch features that creatives love
    aligns_to: company/number-one-rated
    key_results:
      - id: signups
        title: Reach 500 weekly sign-ups
        baseline: 100
        target: 500
        check_ins:
          - {date: 2026-11-18, value: 200}
"""

STALE_MARKETING = MARKETING.replace("2026-11-18, value: 120", "2026-10-20, value: 120")
MISALIGNED_PRODUCT = PRODUCT.replace("company/number-one-rated", "company/number-one-rate")
CHECKED_IN_PRODUCT = PRODUCT + "          - {date: 2026-11-19, value: 230}\n"


def _env(**extra: str) -> dict[str, str]:
    return {
        **git_env(),
        "OKRS_AS_OF": AS_OF,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        **extra,
    }


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, env=_env(), capture_output=True, text=True, check=True
    )
    return done.stdout


def _write(repo: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = repo / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def _commit(repo: Path, files: dict[str, str], message: str) -> None:
    _write(repo, files)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)


def _okr_repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    _commit(root, files, "Start Q4")
    return root


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# The hook manifest and the pre-commit configurations


def _manifest_hook() -> dict[str, Any]:
    hooks = _yaml(REPO_ROOT / ".pre-commit-hooks.yaml")
    assert [hook["id"] for hook in hooks] == ["okrs-validate"]
    hook: dict[str, Any] = hooks[0]
    return hook


def test_the_hook_manifest_declares_a_serial_validation_of_okr_files() -> None:
    hook = _manifest_hook()
    assert hook["entry"] == "okrs validate" and hook["language"] == "python"
    assert hook["require_serial"] is True and hook["pass_filenames"] is True
    pattern = re.compile(hook["files"])
    for path in ["okrs/2026-Q4/x.yaml", "okrs/org.yaml", "okrs/2026/company.yml"]:
        assert pattern.search(path), path
    for path in ["README.md", "schema/okrs.schema.json", "okrs/notes.txt", "docs/okrs/x.md",
                 "other/okrs/x.yaml", "okrs/2026-Q4/x.yaml.bak"]:  # fmt: skip
        assert not pattern.search(path), path


def test_pre_commit_accepts_the_manifest_and_every_configuration(tmp_path: Path) -> None:
    starter = tmp_path / "starter-pre-commit-config.yaml"
    starter.write_text(ci_file("pre-commit-config.yaml"), encoding="utf-8")
    pre_commit = [sys.executable, "-m", "pre_commit"]
    manifest = [*pre_commit, "validate-manifest", str(REPO_ROOT / ".pre-commit-hooks.yaml")]
    subprocess.run(manifest, check=True, capture_output=True)
    configs = [str(REPO_ROOT / ".pre-commit-config.yaml"), str(starter)]
    subprocess.run([*pre_commit, "validate-config", *configs], check=True, capture_output=True)


def _local_hook(config: dict[str, Any]) -> dict[str, Any]:
    (repo,) = [repo for repo in config["repos"] if repo["repo"] == "local"]
    hook: dict[str, Any] = repo["hooks"][0]
    return hook


@pytest.mark.parametrize("config", ["starter", "repository"])
def test_pre_commit_configurations_run_the_manifest_hook(config: str) -> None:
    keys = ["id", "name", "entry", "files", "require_serial", "pass_filenames"]
    manifest = _manifest_hook()
    if config == "starter":
        hook = _local_hook(yaml.safe_load(ci_file("pre-commit-config.yaml")))
        assert hook["language"] == "python"
        assert hook["additional_dependencies"] == [f"okrs-as-code=={__version__}"]
    else:
        # This repository checks its example with the checkout's own okrs, installed editable.
        hook = _local_hook(_yaml(REPO_ROOT / ".pre-commit-config.yaml"))
        assert hook["language"] == "system"
    assert {key: hook[key] for key in keys} == {key: manifest[key] for key in keys}


@pytest.fixture(scope="module")
def toolkit_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree as one commit of a fresh repository, as pre-commit would clone it."""
    snapshot = tmp_path_factory.mktemp("okrs-as-code")
    listed = _git(REPO_ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for relative in filter(None, listed.split("\0")):
        source = REPO_ROOT / relative
        if source.is_file() and not source.is_symlink():
            (snapshot / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, snapshot / relative)
    _git(snapshot, "init", "-q", "-b", "main")
    _git(snapshot, "add", "-A")
    _git(snapshot, "commit", "-q", "-m", "snapshot")
    return snapshot


def test_pre_commit_hook_rejects_a_misaligned_objective(
    toolkit_snapshot: Path, tmp_path: Path
) -> None:
    repo = _okr_repo(
        tmp_path / "okrs-repo", {"okrs/org.yaml": ORG, "okrs/2026-Q4/company.yaml": COMPANY}
    )
    env = _env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))
    try_repo = [
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        str(toolkit_snapshot),
        "okrs-validate",
    ]

    _write(repo, {"okrs/2026-Q4/product.yaml": MISALIGNED_PRODUCT, "notes.yaml": "a: 1\n"})
    _git(repo, "add", "-A")
    bad = subprocess.run(try_repo, cwd=repo, env=env, capture_output=True, text=True)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert (
        "okrs/2026-Q4/product.yaml:6:16: error OKR110 aligns_to 'company/number-one-rate' "
        "does not resolve; did you mean 'company/number-one-rated'?"
    ) in bad.stdout

    _write(repo, {"okrs/2026-Q4/product.yaml": PRODUCT})
    _git(repo, "add", "-A")
    good = subprocess.run(try_repo, cwd=repo, env=env, capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"okrs validate\.+Passed", good.stdout), good.stdout


# The workflow files


def _workflow_files() -> list[Path]:
    return sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml")) + sorted(
        (STARTER / "github").glob("*.yml")
    )


def test_every_workflow_is_valid_for_github_and_gitlab() -> None:
    checker = str(BIN / "check-jsonschema")
    files = [str(path) for path in _workflow_files()]
    assert len(files) == 7
    github = [checker, "--builtin-schema", "vendor.github-workflows", *files]
    done = subprocess.run(github, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    gitlab = [checker, "--builtin-schema", "vendor.gitlab-ci", str(STARTER / "gitlab-ci.yml")]
    done = subprocess.run(gitlab, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("name", ["validate", "publish", "weekly"])
def test_the_repository_runs_the_packaged_workflows_from_its_checkout(name: str) -> None:
    # One source: this repository's workflows are the ones `okrs init` writes, except that
    # they install the toolkit from the checkout instead of from its package.
    packaged = (STARTER / "github" / f"{name}.yml").read_text(encoding="utf-8")
    own = (REPO_ROOT / ".github" / "workflows" / f"{name}.yml").read_text(encoding="utf-8")
    assert packaged.count(PACKAGED_INSTALL) == 1
    assert own == packaged.replace(PACKAGED_INSTALL, CHECKOUT_INSTALL)
    assert f'"okrs-as-code=={__version__}"' in ci_file(f"github/{name}.yml")


def test_the_tests_workflow_runs_the_readme_test_command() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    command = re.findall(r"```sh\n(.+?)\n```", readme)[1]
    steps = _yaml(REPO_ROOT / ".github" / "workflows" / "tests.yml")["jobs"]["tests"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert "apt-get install -y -qq chromium" in runs[0]
    assert runs[-1] == command


def test_publish_deploys_with_the_pages_actions() -> None:
    workflow = _yaml(STARTER / "github" / "publish.yml")
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    uses = [s.get("uses", "") for job in workflow["jobs"].values() for s in job["steps"]]
    for action in ["configure-pages@v5", "upload-pages-artifact@v4", "deploy-pages@v4"]:
        assert f"actions/{action}" in uses
    assert workflow["jobs"]["deploy"]["environment"]["name"] == "github-pages"


@pytest.mark.parametrize(("name", "action"), [("publish", "cache"), ("validate", "cache/restore")])
def test_the_workflows_keep_the_cache_their_runs_use(name: str, action: str) -> None:
    """Each merge then reads the history of only the files it changed, and a pull request what
    it changed since the last merge; pull requests restore the cache without adding theirs."""
    job = next(iter(_yaml(STARTER / "github" / f"{name}.yml")["jobs"].values()))
    step = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/cache"))
    assert step["uses"] == f"actions/{action}@v4"
    cached = step["with"]
    assert cached["path"] == "${{ env.OKRS_CACHE_DIR }}" and job["env"]["OKRS_CACHE_DIR"]
    assert cached["key"] == "okrs-${{ github.run_id }}" and cached["restore-keys"] == "okrs-"
    ignored = (STARTER / "gitignore").read_text(encoding="utf-8").splitlines()
    assert job["env"]["OKRS_CACHE_DIR"] == "${{ github.workspace }}/.okrs-cache"
    assert "/.okrs-cache/" in ignored


def test_gitlab_pages_keeps_the_cache_its_build_uses() -> None:
    pages = _yaml(STARTER / "gitlab-ci.yml")["pages"]
    folder = pages["cache"]["paths"][0].rstrip("/")
    assert pages["variables"]["OKRS_CACHE_DIR"] == f"$CI_PROJECT_DIR/{folder}"


# The pull-request workflow, run locally


def _run_steps(
    workflow: Path, job: str, repo: Path, env: dict[str, str], skip: str = "pip install"
) -> tuple[dict[str, int], str]:
    """Run a job's `run:` steps with bash as GitHub's runner would; steps after a failure run
    only when their `if:` says so. Returns each step's exit code and the job summary."""
    spec = _yaml(workflow)["jobs"][job]
    summary = repo.parent / f"{repo.name}-summary.md"
    summary.write_text("", encoding="utf-8")
    job_env = {
        key: str(value).replace("${{ github.base_ref }}", "main")
        for key, value in spec.get("env", {}).items()
    }
    codes: dict[str, int] = {}
    failed = False
    for step in spec["steps"]:
        if "run" not in step or skip in step["run"]:
            continue
        if failed and "!cancelled()" not in step.get("if", ""):
            continue
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=repo,
            env={**env, **job_env, "GITHUB_STEP_SUMMARY": str(summary)},
            capture_output=True,
            text=True,
        )
        codes[step["name"]] = done.returncode
        failed = failed or done.returncode != 0
    return codes, summary.read_text(encoding="utf-8")


def _pull_request(tmp_path: Path, base: dict[str, str], head: dict[str, str]) -> Path:
    """A base commit on main (also origin/main, as a checkout sees it) and a head commit."""
    repo = _okr_repo(tmp_path / "okrs-repo", base)
    _git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    _git(repo, "checkout", "-q", "-b", "change")
    _commit(repo, head, "The change")
    return repo


BASE = {
    "okrs/org.yaml": ORG,
    "okrs/2026-Q4/company.yaml": COMPANY,
    "okrs/2026-Q4/product.yaml": PRODUCT,
    "okrs/2026-Q4/marketing.yaml": MARKETING,
}
VALIDATE = STARTER / "github" / "validate.yml"


def test_pull_request_that_breaks_an_alignment_fails(tmp_path: Path) -> None:
    repo = _pull_request(tmp_path, BASE, {"okrs/2026-Q4/product.yaml": MISALIGNED_PRODUCT})
    codes, summary = _run_steps(VALIDATE, "validate", repo, _env())
    assert codes == {"Validate": 1, "Summary": 0, "Build the site": 0}
    assert "## OKR changes" in summary and "re-aligned" in summary, summary
    assert "error OKR110 aligns_to 'company/number-one-rate' does not resolve" in summary
    assert "new since origin/main: 1 error, 0 warnings" in summary
    assert (repo / "site" / "index.html").is_file()  # the preview is built all the same


def test_pull_request_of_one_team_passes_while_another_is_stale(tmp_path: Path) -> None:
    base = {**BASE, "okrs/2026-Q4/marketing.yaml": STALE_MARKETING}
    repo = _pull_request(tmp_path, base, {"okrs/2026-Q4/product.yaml": CHECKED_IN_PRODUCT})
    codes, summary = _run_steps(VALIDATE, "validate", repo, _env())
    assert codes == {"Validate": 0, "Summary": 0, "Build the site": 0}
    assert "check-in 230 on 2026-11-19 added" in summary, summary
    assert "OKR301 key result 'leads' is stale" in summary and "(also at origin/main)" in summary
    assert "new since origin/main: 0 errors, 0 warnings" in summary


# The weekly report and its issue


FAKE_GH = """#!/usr/bin/env python3
import json, os, sys
with open(os.environ["GH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
if sys.argv[1:3] == ["issue", "list"] and os.environ.get("OPEN_ISSUE"):
    print(os.environ["OPEN_ISSUE"])
"""


def _weekly(
    tmp_path: Path, marketing: str, open_issue: str, stale_product: bool = False
) -> tuple[list[list[str]], str]:
    files = {**BASE, "okrs/2026-Q4/marketing.yaml": marketing}
    if stale_product:
        files["okrs/2026-Q4/product.yaml"] = PRODUCT.replace("2026-11-18", "2026-10-20")
    repo = _okr_repo(tmp_path / "okrs-repo", files)
    tools = tmp_path / "bin"
    tools.mkdir()
    gh = tools / "gh"
    gh.write_text(FAKE_GH.replace("python3", sys.executable, 1), encoding="utf-8")
    gh.chmod(gh.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "gh.log"
    log.touch()
    env = _env(GH_LOG=str(log), OPEN_ISSUE=open_issue)
    env["PATH"] = f"{tools}{os.pathsep}{env['PATH']}"
    codes, summary = _run_steps(STARTER / "github" / "weekly.yml", "report", repo, env)
    assert codes == {"Digest": 0, "Stale key results issue": 0}
    assert "| Team |" in summary or "Marketing" in summary, summary
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    body = repo / "okrs-issue.md"
    return [call for call in calls if call[:2] != ["issue", "list"]], body.read_text()


def test_weekly_opens_an_issue_mentioning_the_owners_of_stale_key_results(
    tmp_path: Path,
) -> None:
    calls, body = _weekly(tmp_path, STALE_MARKETING, open_issue="")
    assert calls == [
        ["issue", "create", "--title", "Stale key results", "--body-file", "okrs-issue.md"]
    ]
    assert "| `2026-Q4/marketing/agency-demand#leads` | 300 qualified leads | 31 days" in body
    assert "| @lee |" in body
    # A person's GitHub name, when org.yaml gives one, is the one mentioned.
    calls, body = _weekly(
        tmp_path / "github-name", STALE_MARKETING, open_issue="", stale_product=True
    )
    assert "Reach 500 weekly sign-ups | 31 days since the last check-in | @sam-okafor |" in body


def test_weekly_edits_the_open_issue_then_closes_it(tmp_path: Path) -> None:
    calls, _ = _weekly(tmp_path / "stale", STALE_MARKETING, open_issue="7")
    assert calls == [["issue", "edit", "7", "--body-file", "okrs-issue.md"]]
    calls, _ = _weekly(tmp_path / "fresh", MARKETING, open_issue="7")
    assert calls == [["issue", "close", "7", "--comment", "No key result is stale any more."]]
    calls, _ = _weekly(tmp_path / "quiet", MARKETING, open_issue="")
    assert calls == []


# GitLab


def _assert_code_quality_shape(report: object) -> None:
    """The fields GitLab's code-quality report format documents, each of its documented type."""
    assert isinstance(report, list)
    for issue in report:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and isinstance(issue["fingerprint"], str)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        path = issue["location"]["path"]
        assert isinstance(path, str) and not path.startswith("/")
        begin = issue["location"]["lines"]["begin"]
        assert isinstance(begin, int) and begin >= 1


def _gitlab_report(run_line: RunLine, root: Path, *extra: str) -> list[dict[str, Any]]:
    result = run_line(["validate", "--root", str(root), "--format", "gitlab", *extra])
    assert not result.stdout.startswith("\ufeff")
    report: list[dict[str, Any]] = json.loads(result.stdout)
    return report


def test_gitlab_report_has_the_documented_shape_and_unique_fingerprints(
    run_line: RunLine, tmp_path: Path
) -> None:
    twice = MISALIGNED_PRODUCT.replace(
        "    key_results:",
        "    contributes_to: [marketing/nowhere, marketing/nowhere]\n    key_results:",
    )
    root = tmp_path / "repo"
    _write(root, {**BASE, "okrs/2026-Q4/product.yaml": twice,
                  "okrs/2026-Q4/marketing.yaml": STALE_MARKETING})  # fmt: skip
    report = _gitlab_report(run_line, root, "--as-of", AS_OF)
    _assert_code_quality_shape(report)
    assert len(report) >= 4
    assert len({issue["fingerprint"] for issue in report}) == len(report)
    severities = {issue["check_name"]: issue["severity"] for issue in report}
    assert severities["OKR110"] == "major" and severities["OKR301"] == "major"
    first = next(issue for issue in report if issue["check_name"] == "OKR110")
    assert first["location"] == {"path": "okrs/2026-Q4/product.yaml", "lines": {"begin": 6}}

    # Stable: the same findings a line lower and a week later keep their fingerprints.
    product = root / "okrs/2026-Q4/product.yaml"
    product.write_text("# moved down\n" + product.read_text())
    later = _gitlab_report(run_line, root, "--as-of", "2026-11-27")
    assert {i["fingerprint"] for i in report} <= {i["fingerprint"] for i in later}
    moved = next(issue for issue in later if issue["fingerprint"] == first["fingerprint"])
    assert moved["location"]["lines"]["begin"] == 7


def test_gitlab_warnings_are_minor(run_line: RunLine, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _write(root, {"okrs/org.yaml": ORG, "okrs/2026-Q4/company.yaml": COMPANY})
    report = _gitlab_report(run_line, root, "--as-of", AS_OF)
    assert {issue["check_name"]: issue["severity"] for issue in report} == {
        "OKR116": "minor",
        "OKR117": "minor",
    }


def test_init_for_gitlab_writes_its_pipeline(run_line: RunLine, tmp_path: Path) -> None:
    args = ["init", str(tmp_path), "--ci", "gitlab", "--as-of", AS_OF]
    out = run_line(args, expect=0).stdout
    assert "wrote .gitlab-ci.yml" in out and ".github" not in out
    pipeline = _yaml(tmp_path / ".gitlab-ci.yml")
    assert f"okrs-as-code=={__version__}" in pipeline["default"]["before_script"][0]
    script = pipeline["okrs-validate"]["script"][0]
    assert 'okrs validate --base "origin/$target" --format gitlab' in script
    assert pipeline["okrs-validate"]["artifacts"]["reports"]["codequality"] == (
        "gl-code-quality-report.json"
    )
    assert pipeline["pages"]["script"] == ["okrs build --out public"]
    assert pipeline["pages"]["artifacts"]["paths"] == ["public"]


@pytest.mark.parametrize(("head", "code"), [(MISALIGNED_PRODUCT, 1), (CHECKED_IN_PRODUCT, 0)])
def test_gitlab_merge_request_job_runs_locally(tmp_path: Path, head: str, code: int) -> None:
    repo = _okr_repo(
        tmp_path / "okrs-repo", {**BASE, "okrs/2026-Q4/marketing.yaml": STALE_MARKETING}
    )
    remote = tmp_path / "remote.git"
    _git(tmp_path, "clone", "-q", "--bare", str(repo), str(remote))
    _git(repo, "remote", "add", "origin", str(remote))
    _git(repo, "checkout", "-q", "-b", "change")
    _commit(repo, {"okrs/2026-Q4/product.yaml": head}, "The change")
    (script,) = _yaml(STARTER / "gitlab-ci.yml")["okrs-validate"]["script"]
    env = _env(CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main")
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", script], cwd=repo, env=env, capture_output=True, text=True
    )
    assert done.returncode == code, done.stdout + done.stderr
    report = json.loads((repo / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    codes = sorted(issue["check_name"] for issue in report)
    assert codes == (["OKR110", "OKR301"] if code else ["OKR301"])
    assert "new since origin/main: " + ("1 error" if code else "0 errors") in done.stdout
