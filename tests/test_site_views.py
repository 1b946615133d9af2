"""The site's view models and its SVG chart, on the small busy organisation."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from okrs_as_code.export import statuses
from okrs_as_code.site import svg
from okrs_as_code.site.collect import Collector, search_entries
from okrs_as_code.site.views import ObjectiveView, SiteView
from okrs_as_code.validate import load_repository

from . import busy
from .conftest import MakeRepo

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture
def site(make_repo: MakeRepo) -> SiteView:
    files = dict(busy.FILES)
    files["okrs/2026-Q4/marketing.yaml"] = busy.MARKETING.replace(
        "  - id: brand\n",
        "  - id: brand\n    contributes_to: [product/creatives-love#setup-time]\n",
    )
    return Collector(load_repository(make_repo(files)), AS_OF).site([])


def _objective(site: SiteView, ref: str) -> ObjectiveView:
    return next(o for o in site.objectives if o.ref == ref)


def test_progress_and_flags_match_the_status(site: SiteView) -> None:
    love = _objective(site, "2026-Q4/product/creatives-love")
    # setup-time: (45 - 50) / (30 - 50) = 0.25; integrations 0.5: own 0.375
    assert love.own_percent == "38%" and love.own == pytest.approx(0.375)
    assert love.flags == ["stale", "behind", "at risk"]
    kr = love.key_results[0]
    assert (kr.baseline, kr.goal, kr.current, kr.percent) == ("50 min", "30 min", "45 min", "25%")
    assert kr.flags == ["stale", "behind"] and kr.owners == ["Tom Hughes (@tom)"]
    assert _objective(site, "2026-Q4/product/old-idea").flags == ["dropped"]
    assert _objective(site, "2026-Q4/marketing/brand").flags[-1] == "unaligned"


def test_cascade_progress_counts_what_is_aligned_beneath(site: SiteView) -> None:
    top = _objective(site, "2026-Q4/company/number-one-rated")
    assert top.has_children and top.cascade != top.own
    assert top.owners == ["Maya Patel (@maya)"]


def test_breadcrumb_runs_from_the_root_objective(site: SiteView) -> None:
    love = _objective(site, "2026-Q4/product/creatives-love")
    assert [link.title for link in love.breadcrumb] == [
        "Grow the agency business",
        "Become the number one rated tool",
    ]
    assert love.breadcrumb[0].url == "objectives/2026/company/grow.html"


def test_supports_and_supported_by_both_ways(site: SiteView) -> None:
    brand = _objective(site, "2026-Q4/marketing/brand")
    love = _objective(site, "2026-Q4/product/creatives-love")
    assert [link.title for link in brand.supports] == [love.title]
    assert "key result: Reduce project setup time" in brand.supports[0].detail
    assert [link.title for link in love.supported_by] == ["Refresh the brand"]
    assert love.supported_by[0].url == "objectives/2026-Q4/marketing/brand.html"


def test_the_home_cascade_nests_to_any_depth(site: SiteView) -> None:
    assert site.current is not None and site.current.id == "2026-Q4"
    groups = site.current.groups
    assert [link.title for link in groups[0].context] == ["Grow the agency business"]
    top = groups[0].nodes[0]
    assert top.objective.id == "number-one-rated"
    assert {child.objective.id for child in top.children} == {
        "creatives-love",
        "old-idea",
        "editor",
        "demand",
    }
    assert groups[-1].nodes[0].objective.id == "brand"  # aligned to nothing: a top of its own


def test_health_lists_orphans_stale_and_quiet_teams(site: SiteView) -> None:
    health = site.health
    assert [o.id for o in health.orphans] == ["brand"]
    assert "Reduce project setup time from 50 to 30 minutes" in {k.title for k in health.stale}
    assert health.unsupported == []  # number-one-rated aligns to grow
    assert health.teams_without == []


def test_health_names_root_objectives_nobody_supports(make_repo: MakeRepo) -> None:
    files = dict(busy.FILES)
    files["okrs/2026-Q4/company.yaml"] = busy.COMPANY.replace(
        "    aligns_to: 2026/company/grow\n", ""
    )
    site = Collector(load_repository(make_repo(files)), AS_OF).site([])
    assert [o.id for o in site.health.unsupported] == ["grow"]


def test_search_index_names_objectives_and_key_results(make_repo: MakeRepo) -> None:
    loaded = load_repository(make_repo(busy.FILES))
    kinds = {
        (e["kind"], e["title"]) for e in search_entries(loaded, AS_OF, statuses(loaded, AS_OF))
    }
    assert ("key result", "Generate 100 MQLs") in kinds
    assert ("objective", "Drive UK agency demand") in kinds


def test_history_fields_are_there_for_the_git_work(site: SiteView) -> None:
    love = _objective(site, "2026-Q4/product/creatives-love")
    assert love.history == [] and love.last_changed is None
    assert love.key_results[0].last_changed is None


# The chart

POINTS = [
    svg.Point(dt.date(2026, 10, 1), 50, "first"),
    svg.Point(dt.date(2026, 12, 31), 30, "last"),
]


def _coords(markup: str) -> list[tuple[float, float]]:
    found = re.search(r'points="([^"]+)"', markup)
    assert found
    return [(float(x), float(y)) for x, y in (pair.split(",") for pair in found[1].split())]


def test_points_scale_to_the_values_and_the_period() -> None:
    start, end = dt.date(2026, 10, 1), dt.date(2026, 12, 31)
    markup = svg.chart(POINTS, start, end, 30, 50, "Setup time")
    (x1, y1), (x2, y2) = _coords(markup)
    assert (x1, x2) == (svg.PAD_X, svg.WIDTH - svg.PAD_X)
    assert (y1, y2) == (svg.PAD_Y, svg.HEIGHT - svg.PAD_Y)  # 50 at the top, 30 at the bottom


def test_the_target_is_a_line() -> None:
    markup = svg.chart(POINTS[:1], dt.date(2026, 10, 1), dt.date(2026, 12, 31), 30, 50, "t")
    target = re.search(r'<line class="target"[^>]*y1="([0-9.]+)"', markup)
    assert target and float(target[1]) == svg.HEIGHT - svg.PAD_Y


def test_no_check_ins_is_an_empty_chart() -> None:
    markup = svg.chart([], dt.date(2026, 10, 1), dt.date(2026, 12, 31), 30, 50, "t")
    assert "No check-ins yet" in markup and "<polyline" not in markup


def test_text_in_the_chart_is_escaped() -> None:
    evil = '<script>alert(1)</script>"'
    points = [svg.Point(dt.date(2026, 10, 2), 1, evil)]
    markup = svg.chart(points, dt.date(2026, 10, 1), dt.date(2026, 12, 31), None, None, evil)
    assert "<script>" not in markup and '"<' not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in markup
