"""`okrs report`: the weekly digest, exact in Markdown, the same content in JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from okrs_as_code import report
from okrs_as_code.validate import load_repository

from . import busy
from .conftest import AS_OF, REPO_ROOT, MakeRepo, RunLine

QUARTER = [
    "## OKR report: Brightwork, as of 2026-11-20",
    "",
    "### 2026-Q4: 2026-10-01 to 2026-12-31, 54% elapsed",
    "",
    "| Team | Objectives | Progress | Behind | Stale | At risk |",
    "|---|--:|--:|--:|--:|--:|",
    "| Brightwork | 1 | 50% | 0 | 0 | 0 |",
    "| Product | 2 | 69% | 1 | 1 | 1 |",
    "| Marketing | 2 | 30% | 1 | 1 | 0 |",
    "",
    "#### Behind",
    "",
    "Key results more than 25 points below the expected 54%.",
    "",
    "| Key result | Team | Owner | Progress |",
    "|---|---|---|--:|",
    "| Publish the brand guide (`marketing/brand#guide`) | Marketing | @lee, @ffion | 0% |",
    "| Reduce project setup time from 50 to 30 minutes (`product/creatives-love#setup-time`)"
    " | Product | @tom | 25% |",
    "",
    "#### Stale",
    "",
    "Key results not checked in within their cadence and grace. Days count from the last"
    " check-in, or from the period start when there is none.",
    "",
    "| Key result | Team | Owner | Last check-in | Days since |",
    "|---|---|---|---|--:|",
    "| Publish the brand guide (`marketing/brand#guide`) | Marketing | @lee, @ffion | none | 50 |",
    "| Reduce project setup time from 50 to 30 minutes (`product/creatives-love#setup-time`)"
    " | Product | @tom | 2026-11-10 | 10 |",
    "",
    "#### Lowest confidence",
    "",
    "Every key result at risk (latest confidence below 0.5), and at least the 5 held with the"
    " lowest confidence.",
    "",
    "| Key result | Team | Owner | Confidence | Progress |",
    "|---|---|---|--:|--:|",
    "| Ship the top 3 requested integrations (`product/creatives-love#integrations`)"
    " | Product | @sam | 0.4 (at risk) | 50% |",
    "| Average 4.8 stars from UK users (`company/number-one-rated#rating`)"
    " | Brightwork | @maya | 0.6 | 50% |",
    "| Reduce project setup time from 50 to 30 minutes (`product/creatives-love#setup-time`)"
    " | Product | @tom | 0.7 | 25% |",
    "| Generate 100 MQLs (`marketing/demand#mqls`) | Marketing | @lee, @ffion | 0.8 | 60% |",
    "",
]


@pytest.fixture
def busy_repo(make_repo: MakeRepo) -> Path:
    return make_repo(busy.FILES)


def run_report(run_line: RunLine, root: Path, *args: str) -> str:
    result = run_line(["report", "--root", str(root), "--as-of", AS_OF, *args], expect=0)
    return result.stdout


def test_markdown_digest(run_line: RunLine, busy_repo: Path) -> None:
    lines = run_report(run_line, busy_repo).splitlines()
    assert lines[: len(QUARTER)] == QUARTER
    # Then the annual period, which also contains the as-of date.
    assert lines[len(QUARTER)] == "### 2026: 2026-01-01 to 2026-12-31, 88% elapsed"
    assert "| Brightwork | 1 | 80% | 0 | 0 | 0 |" in lines
    assert (
        lines[-1]
        == "| Grow ARR from 100 to 200 (`company/grow#arr`) | Brightwork | @maya | 0.7 | 80% |"
    )


def test_json_has_the_same_content(run_line: RunLine, busy_repo: Path) -> None:
    document = json.loads(run_report(run_line, busy_repo, "--format", "json"))
    assert list(document) == ["schema_version", "organization", "as_of", "periods"]
    assert document["schema_version"] == 1 and document["as_of"] == AS_OF
    quarter, year = document["periods"]
    assert (quarter["period"], year["period"]) == ("2026-Q4", "2026")
    assert quarter["expected"] == 0.5435
    assert [(t["team"], t["progress"]) for t in quarter["teams"]] == [
        ("company", 0.5),
        ("product", 0.6875),
        ("marketing", 0.3),
    ]
    assert [k["ref"] for k in quarter["behind"]] == [
        "2026-Q4/marketing/brand#guide",
        "2026-Q4/product/creatives-love#setup-time",
    ]
    setup = quarter["stale"][1]
    assert setup == {
        "ref": "2026-Q4/product/creatives-love#setup-time",
        "title": "Reduce project setup time from 50 to 30 minutes",
        "team": "product",
        "owners": ["@tom"],
        "progress": 0.25,
        "confidence": 0.7,
        "last_check_in": "2026-11-10",
        "days_since_check_in": 10,
        "due": "2026-11-19",
        "behind": True,
        "stale": True,
        "at_risk": False,
    }
    assert quarter["stale"][0]["last_check_in"] is None
    assert quarter["stale"][0]["days_since_check_in"] == 50
    assert quarter["lowest_confidence"][0]["at_risk"] is True


def test_markup_in_titles_stays_in_its_cell(run_line: RunLine, make_repo: MakeRepo) -> None:
    product = busy.PRODUCT.replace(
        "title: Reduce project setup time from 50 to 30 minutes",
        'title: "Setup | time <script>alert(1)</script>\\n| *bold* [x](y) `c` & \\\\ done"',
    )
    root = make_repo({**busy.FILES, "okrs/2026-Q4/product.yaml": product})
    out = run_report(run_line, root)
    row = next(line for line in out.splitlines() if "#setup-time`) | Product | @tom | 25%" in line)
    assert row == (
        r"| Setup \| time &lt;script&gt;alert(1)&lt;/script&gt; \| \*bold\* \[x\](y) \`c\` &amp; "
        r"\\ done (`product/creatives-love#setup-time`) | Product | @tom | 25% |"
    )
    assert "<script>" not in out
    # Every row of the table still has its four cells: no unescaped pipe was added.
    assert row.replace("\\|", "").count("|") == 5


def test_a_long_report_is_cut_under_the_limit(make_repo: MakeRepo) -> None:
    many = "".join(
        f"      - {{id: kr-{n}, baseline: 0, target: 100, title: Count {n}, with a"
        " title long enough to fill the report quickly}\n"
        for n in range(200)
    )
    product = busy.PRODUCT.replace("    key_results:\n", "    key_results:\n" + many, 1)
    root = make_repo({**busy.FILES, "okrs/2026-Q4/product.yaml": product})
    digest = report.digest(load_repository(root), dt.date(2026, 11, 20))
    whole = report.to_markdown(digest)
    cut = report.to_markdown(digest, max_bytes=20_000)
    assert len(whole.encode("utf-8")) > 30_000
    assert len(cut.encode("utf-8")) <= 20_000
    *kept, blank, note = cut.splitlines()
    assert blank == ""  # so the note is not read as one more table row
    assert note.startswith("_and ")
    assert note.endswith(" more rows, left out to keep this report under 20,000 bytes_")
    assert _data_rows(kept) + int(note.split()[1]) == _data_rows(whole.splitlines())
    assert kept[-1].startswith("| ")  # cut after a row, never after a lone table header


def _data_rows(lines: list[str]) -> int:
    following = [*lines[1:], ""]
    return sum(
        line.startswith("| ") and not after.startswith("|-")
        for line, after in zip(lines, following, strict=True)
    )


def test_no_active_period(run_line: RunLine, busy_repo: Path) -> None:
    out = run_line(["report", "--root", str(busy_repo), "--as-of", "2027-03-01"], expect=0).stdout
    assert out.splitlines() == [
        "## OKR report: Brightwork, as of 2027-03-01",
        "",
        "No period with OKR files contains 2027-03-01.",
    ]


def test_the_example_organisation(run_line: RunLine) -> None:
    out = run_report(run_line, REPO_ROOT)
    assert "### 2026-Q4: 2026-10-01 to 2026-12-31, 54% elapsed" in out
    assert "| Customer Success | 1 | 77% | 0 | 0 | 0 |" in out
    assert (
        "| Get 40 agencies syncing invoices to Xero (`integrations/fit-agency-stack#xero-sync`)"
        " | Integrations | @priya | 0.4 (at risk) | 15% |"
    ) in out
    document = json.loads(run_report(run_line, REPO_ROOT, "--format", "json"))
    quarter = document["periods"][0]
    assert [k["ref"].split("/", 1)[1] for k in quarter["behind"]] == [
        "integrations/fit-agency-stack#xero-sync",
        "company/number-one-rated#market-share",
        "marketing/agency-demand#case-studies",
        "product/creatives-love#creative-dau",
    ]
    assert quarter["stale"] == []


def test_the_format_choices_are_the_registry() -> None:
    from okrs_as_code.cli import report as command

    option = next(p for p in command.params if p.name == "output_format")
    assert list(option.type.choices) == list(report.FORMATS)  # type: ignore[attr-defined]
