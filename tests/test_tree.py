"""`okrs tree`: the cascade in the terminal, exactly as a user sees it at 80 columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from okrs_as_code.cli import main
from okrs_as_code.textfit import width

from . import busy
from .conftest import AS_OF, REPO_ROOT, MakeRepo, RunLine

COLUMNS_80 = {"COLUMNS": "80", "NO_COLOR": ""}


@pytest.fixture
def busy_repo(make_repo: MakeRepo) -> Path:
    return make_repo(busy.FILES)


def tree(run_line: RunLine, root: Path, *args: str, columns: int = 80) -> str:
    env = {"COLUMNS": str(columns)}
    result = run_line(["tree", "--root", str(root), "--as-of", AS_OF, *args], expect=0, env=env)
    return result.stdout


def test_the_cascade_at_80_columns(run_line: RunLine, busy_repo: Path) -> None:
    assert tree(run_line, busy_repo) == (
        "Brightwork · 2026-Q4 · 2026-10-01 to 2026-12-31 · 54% elapsed on 2026-11-20\n"
        "Σ cascade progress: the objective and everything aligned beneath it\n"
        "\n"
        "2026 company: Grow the agency business\n"
        "└─ ██████░░░░  62% Σ Become the number one rated tool                  company\n"
        "   ├─ ██████░░░░  60%   Drive UK agency demand                         marketing\n"
        "   ├─ ███░░░░░░░  38%   Launch features that c…  product  stale, behind, at risk\n"
        "   ├─ ░░░░░░░░░░   0%   Try a plugin marketplace                product  dropped\n"
        "   └─ ██████████ 100%   Keep the editor fast                   product  achieved\n"
        "\n"
        "░░░░░░░░░░   0%   Refresh the brand          marketing  stale, behind, unaligned\n"
    )


def test_key_results_under_their_objectives(run_line: RunLine, busy_repo: Path) -> None:
    # Marketing's objective aligns to the company's rating key result, so it sits beneath it.
    assert tree(run_line, busy_repo, "--key-results") == (
        "Brightwork · 2026-Q4 · 2026-10-01 to 2026-12-31 · 54% elapsed on 2026-11-20\n"
        "Σ cascade progress: the objective and everything aligned beneath it\n"
        "\n"
        "2026 company: Grow the agency business\n"
        "└─ ██████░░░░  62% Σ Become the number one rated tool       company\n"
        "   ├─ ◦ █████░░░░░  50% Average 4.8 stars from UK users     4.7/4.8 stars\n"
        "   │  └─ ██████░░░░  60%   Drive UK agency demand           marketing\n"
        "   │     └─ ◦ ██████░░░░  60% Generate 100 MQLs             60/100 leads\n"
        "   ├─ ███░░░░░░░  38%   Launch features that c…  product  stale, behind, at risk\n"
        "   │  ├─ ◦ ██░░░░░░░░  25% Reduce project setup time…   45/30 min  stale, behind\n"
        "   │  └─ ◦ █████░░░░░  50% Ship the top 3 requested integ…  milestone  at risk\n"
        "   ├─ ░░░░░░░░░░   0%   Try a plugin marketplace            product  dropped\n"
        "   │  └─ ◦ ░░░░░░░░░░   0% List 10 plugins                  —/10\n"
        "   └─ ██████████ 100%   Keep the editor fast                product  achieved\n"
        "      └─ ◦ ██████████ 100% Keep editor uptime at or above…  99.95% (keep ≥ 99.9)\n"
        "\n"
        "░░░░░░░░░░   0%   Refresh the brand          marketing  stale, behind, unaligned\n"
        "└─ ◦ ░░░░░░░░░░   0% Publish the brand guide            milestone  stale, behind\n"
    )


def test_a_team_with_the_chain_above_it(run_line: RunLine, busy_repo: Path) -> None:
    lines = tree(run_line, busy_repo, "--team", "marketing").splitlines()
    assert lines[2] == "Team marketing: its objectives, what is aligned beneath and the chain above"
    assert lines[4:] == [
        "2026 company: Grow the agency business",
        "└─ ██████░░░░  62% Σ Become the number one rated tool  company",
        "   └─ ██████░░░░  60%   Drive UK agency demand         marketing",
        "",
        "░░░░░░░░░░   0%   Refresh the brand          marketing  stale, behind, unaligned",
    ]


def test_an_annual_period_shows_the_quarters_beneath_it(run_line: RunLine, busy_repo: Path) -> None:
    lines = tree(run_line, busy_repo, "--period", "2026").splitlines()
    assert lines[0] == "Brightwork · 2026 · 2026-01-01 to 2026-12-31 · 88% elapsed on 2026-11-20"
    assert lines[3].startswith("███████░░░  71% Σ Grow the agency business")
    assert lines[4].endswith("company 2026-Q4")
    assert "Refresh the brand" not in "\n".join(lines)


def test_a_team_in_an_annual_period(run_line: RunLine, busy_repo: Path) -> None:
    # Product's quarterly objectives, beneath the annual one their chain reaches; not Marketing's.
    out = tree(run_line, busy_repo, "--team", "product", "--period", "2026")
    assert "Grow the agency business" in out and "Keep the editor fast" in out
    assert "product 2026-Q4  achieved" in out
    assert "Drive UK agency demand" not in out


def test_a_team_without_objectives(run_line: RunLine, make_repo: MakeRepo) -> None:
    org = busy.ORG.replace("people:", "  sales: {name: Sales, parent: company}\npeople:")
    root = make_repo({**busy.FILES, "okrs/org.yaml": org})
    out = tree(run_line, root, "--team", "sales")
    assert out.splitlines()[-1] == "No objectives for team sales in 2026-Q4."


def test_every_line_fits_the_terminal(run_line: RunLine, make_repo: MakeRepo) -> None:
    # Wide characters take two columns each.
    marketing = busy.MARKETING.replace(
        "Refresh the brand", "ブランドを刷新して英国の代理店に届ける"
    )
    root = make_repo({**busy.FILES, "okrs/2026-Q4/marketing.yaml": marketing})
    for columns in (40, 60, 80, 120):
        out = tree(run_line, root, "--key-results", columns=columns)
        assert max(width(line) for line in out.splitlines()) <= columns, out
    assert "   0%   ブランドを刷新して英国の…  marketing" in tree(run_line, root, columns=80)


def test_unknown_period_names_the_choices(run_line: RunLine, busy_repo: Path) -> None:
    result = run_line(["tree", "--root", str(busy_repo), "--period", "2027-Q1"], expect=2)
    assert result.stderr == (
        "okrs: error: unknown period '2027-Q1'; periods with files: 2026, 2026-Q4\n"
    )


def test_unknown_team_names_the_choices(run_line: RunLine, busy_repo: Path) -> None:
    args = ["tree", "--root", str(busy_repo), "--as-of", AS_OF, "--team", "sales"]
    result = run_line(args, expect=2)
    choices = "teams: company, marketing, product"
    assert result.stderr == f"okrs: error: unknown team 'sales'; {choices}\n"


def test_no_current_period_asks_for_one(run_line: RunLine, busy_repo: Path) -> None:
    result = run_line(["tree", "--root", str(busy_repo), "--as-of", "2027-02-01"], expect=2)
    assert "no period with OKR files contains 2027-02-01" in result.stderr
    assert "--period" in result.stderr


def test_as_of_from_the_environment(run_line: RunLine, busy_repo: Path) -> None:
    env = {"OKRS_AS_OF": "2026-10-15", "COLUMNS": "80"}
    result = run_line(["tree", "--root", str(busy_repo)], expect=0, env=env)
    assert "15% elapsed on 2026-10-15" in result.stdout


def test_files_with_errors_do_not_stop_it(run_line: RunLine, make_repo: MakeRepo) -> None:
    root = make_repo({**busy.FILES, "okrs/2026-Q4/broken.yaml": "team: [product\n"})
    assert "Become the number one rated tool" in tree(run_line, root)


def test_titles_cannot_drive_the_terminal(run_line: RunLine, make_repo: MakeRepo) -> None:
    company = busy.COMPANY.replace(
        "title: Become the number one rated tool", 'title: "Become\\e[2J the\\nbest"'
    )
    root = make_repo({**busy.FILES, "okrs/2026-Q4/company.yaml": company})
    out = tree(run_line, root)
    assert "\x1b" not in out
    assert "Become [2J the best" in out


def test_colours_follow_progress_and_no_color(busy_repo: Path) -> None:
    args = ["tree", "--root", str(busy_repo), "--as-of", AS_OF]
    coloured = CliRunner().invoke(main, args, color=True, env=COLUMNS_80).stdout
    assert "\x1b[32m██████████ 100%" in coloured  # achieved: green
    assert "\x1b[33m███░░░░░░░  38%" in coloured  # a little behind the period's pace: yellow
    assert "\x1b[31m░░░░░░░░░░   0%" in coloured  # more than 25 points behind: red
    assert "\x1b[2m░░░░░░░░░░   0%   Try a plugin marketplace" in coloured  # dropped: dim
    plain = CliRunner().invoke(main, args, color=True, env={**COLUMNS_80, "NO_COLOR": "1"})
    assert "\x1b" not in plain.stdout


def test_the_example_organisation(run_line: RunLine) -> None:
    out = tree(run_line, REPO_ROOT)
    lines = out.splitlines()
    assert lines[0] == "Brightwork · 2026-Q4 · 2026-10-01 to 2026-12-31 · 54% elapsed on 2026-11-20"
    assert lines[3] == "2026 company: Become the platform UK creative agencies run their work on"
    assert lines[4].startswith("└─ █████░░░░░  52% Σ Become the #1 rated")
    assert lines[5].startswith("   ├─ ███████░░░  77%   Ensure new UK agencies")
    assert "Make Brightwork fit" in out and "integrations  behind, at risk" in out
    assert "2026 company: Grow efficiently, whatever the economy does" in out
    assert max(width(line) for line in lines) <= 80


def test_the_readme_shows_what_it_prints(run_line: RunLine) -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("$ okrs tree --as-of 2026-11-20\n", 1)[1].split("```", 1)[0]
    assert shown == tree(run_line, REPO_ROOT)
