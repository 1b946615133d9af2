"""Real git repositories for tests: a three-team organisation and commits with fixed
identities and dates, in an environment no git hook or user setting leaks into."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

ORG = """
organization: Brightwork
teams:
  company: {name: Brightwork, owners: ["@maya"]}
  product: {name: Product, parent: company, owners: ["@sam"]}
  marketing: {name: Marketing, parent: company, owners: ["@lee"]}
policy:
  cadence: {check_in_every: 7d, grace: 2d}
"""

COMPANY = """
team: company
period: 2026-Q4
objectives:
  - id: number-one-rated
    title: Become the number one rated tool
    key_results:
      - id: rating
        title: Average 4.8 stars
        baseline: 4.6
        target: 4.8
        check_ins:
          - {date: 2026-11-18, value: 4.7}
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
      - id: integrations
        title: Ship the top 3 integrations
        milestone: true
        check_ins:
          - {date: 2026-11-18, value: 0.5}
"""

MARKETING = """
team: marketing
period: 2026-Q4
objectives:
  - id: agency-demand
    title: Create demand among agencies
    aligns_to: company/number-one-rated
    key_results:
      - id: leads
        title: 300 qualified leads
        baseline: 0
        target: 300
        check_ins:
          - {date: 2026-11-18, value: 120}
"""

MAYA = ("Maya Patel", "maya@example.com")
SAM = ("Sam Okafor", "sam@example.com")


def git_env(
    author: tuple[str, str] = MAYA, date: str = "2026-10-01T09:00:00+00:00"
) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME=author[0],
        GIT_AUTHOR_EMAIL=author[1],
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_NAME=author[0],
        GIT_COMMITTER_EMAIL=author[1],
        GIT_COMMITTER_DATE=date,
    )
    return env


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=repo, env=git_env(), capture_output=True, text=True, check=True
    )
    return result.stdout


def write(repo: Path, files: dict[str, str | None]) -> None:
    """Write (or, for None, delete) files given as {relative path: YAML text}."""
    for relative, text in files.items():
        path = repo / relative
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def commit(
    repo: Path, files: dict[str, str | None], message: str, date: str, author: tuple[str, str]
) -> str:
    write(repo, files)
    env = git_env(author, date)
    subprocess.run(["git", "add", "-A"], cwd=repo, env=env, check=True)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo, env=env, check=True)
    return git(repo, "rev-parse", "--short=7", "HEAD").strip()


def edit(repo: Path, path: str, old: str, new: str) -> str:
    text = (repo / path).read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new)


def start(root: Path) -> Path:
    """A new git repository at ``root`` holding one commit of the three-team organisation."""
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, env=git_env(), check=True)
    files: dict[str, str | None] = {
        "okrs/org.yaml": ORG,
        "okrs/2026-Q4/company.yaml": COMPANY,
        "okrs/2026-Q4/product.yaml": PRODUCT,
        "okrs/2026-Q4/marketing.yaml": MARKETING,
    }
    commit(root, files, "Start Q4", "2026-10-01T09:00:00+00:00", MAYA)
    return root
