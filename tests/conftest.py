"""Shared fixtures: run the CLI as a user would, and build small OKR repositories on disk."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

from okrs_as_code.cli import main

REPO_ROOT = Path(__file__).resolve().parent.parent

# Property tests: the same examples on every run (no database, no random seed), few enough to
# keep the suite fast. HYPOTHESIS_PROFILE=thorough explores more when hunting for a bug.
settings.register_profile(
    "okrs",
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", settings.get_profile("okrs"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "okrs"))
AS_OF = "2026-11-20"


def render(result: Result) -> str:
    return (
        f"exit code {result.exit_code}\n"
        f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
    )


RunLine = Callable[..., Result]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets an empty cache folder, never the user's."""
    directory = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("OKRS_CACHE_DIR", str(directory))
    monkeypatch.delenv("OKRS_NO_CACHE", raising=False)
    return directory


@pytest.fixture
def run_line() -> RunLine:
    """Invoke `okrs ARGS...`; exceptions propagate, and ``expect`` checks the exit code loudly."""

    def run(
        args: list[str], expect: int | None = None, env: dict[str, str] | None = None
    ) -> Result:
        result = CliRunner().invoke(main, args, catch_exceptions=False, env=env)
        if expect is not None:
            assert result.exit_code == expect, render(result)
        return result

    return run


MakeRepo = Callable[[dict[str, str]], Path]


@pytest.fixture
def make_repo(tmp_path: Path) -> MakeRepo:
    """Write {relative path: YAML text} under a fresh folder and return that folder."""

    def make(files: dict[str, str]) -> Path:
        for relative, text in files.items():
            path = tmp_path / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return tmp_path

    return make


ORG = """
organization: Brightwork
teams:
  company: {name: Brightwork, owners: ["@maya"]}
  product: {name: Product, parent: company, owners: ["@sam"]}
people:
  "@maya": {name: Maya Patel}
  "@sam": {name: Sam Okafor}
policy:
  cadence: {check_in_every: 7d, grace: 2d}
"""

COMPANY = """
team: company
period: 2026-Q4
objectives:
  - id: number-one-rated
    title: Become the number one rated tool for UK creative agencies
    key_results:
      - id: rating
        title: Average 4.8 stars from UK users
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
      - id: setup-time
        title: Reduce project setup time by 40%
        baseline: 50
        target: 30
        check_ins:
          - {date: 2026-11-11, value: 45, confidence: 0.8}
          - {date: 2026-11-18, value: 40, confidence: 0.4}
      - id: integrations
        title: Ship the top 3 requested integrations
        milestone: true
        check_ins:
          - {date: 2026-11-18, value: 0.5}
"""


@pytest.fixture
def small_repo(make_repo: MakeRepo) -> Path:
    """A clean three-file organisation as of 2026-11-20."""
    return make_repo(
        {
            "okrs/org.yaml": ORG,
            "okrs/2026-Q4/company.yaml": COMPANY,
            "okrs/2026-Q4/product.yaml": PRODUCT,
        }
    )
