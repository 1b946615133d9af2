"""Progress arithmetic of SPEC section 2, on a repository read from disk."""

from __future__ import annotations

import datetime as dt

import pytest

from okrs_as_code.model import Objective
from okrs_as_code.progress import (
    cascade_progress,
    expected_progress,
    is_at_risk,
    is_behind,
    key_result_progress,
    objective_progress,
)
from okrs_as_code.validate import Loaded, load_repository

from .conftest import ORG, MakeRepo

AS_OF = dt.date(2026, 11, 20)

COMPANY = """
team: company
period: 2026-Q4
objectives:
  - id: top
    title: Top
    key_results:
      - {id: up, title: Up, baseline: 0, target: 10, check_ins: [{date: 2026-11-01, value: 5}]}
"""

PRODUCT = """
team: product
period: 2026-Q4
objectives:
  - id: kinds
    title: Every kind of key result
    aligns_to: company/top
    weight: 2
    key_results:
      - id: down
        title: Down from 50 to 30
        baseline: 50
        target: 30
        weight: 3
        check_ins:
          - {date: 2026-11-01, value: 40, confidence: 0.9}
          - {date: 2026-11-30, value: 30, confidence: 0.2}
      - id: milestone
        title: Ship it
        milestone: true
        check_ins: [{date: 2026-11-02, value: 0.25}, {date: 2026-11-09, value: true}]
      - id: uptime
        title: Keep uptime
        keep: {at_least: 99.9}
        check_ins: [{date: 2026-11-09, value: 99.95}, {date: 2026-11-16, value: 99.8}]
      - {id: never, title: No check-in yet, milestone: true}
  - id: below
    title: Aligned under kinds
    aligns_to: product/kinds
    key_results:
      - id: overshoot
        title: Over
        baseline: 0
        target: 4
        check_ins: [{date: 2026-11-01, value: 6}]
  - id: gone
    title: Dropped and left out of the roll-up
    aligns_to: company/top
    status: dropped
    reason: No longer a priority
    key_results:
      - {id: x, title: X, baseline: 0, target: 1, check_ins: [{date: 2026-11-01, value: 1}]}
  - id: scored
    title: Scored at the end
    aligns_to: company/top
    score: 0.7
    key_results:
      - {id: y, title: Y, baseline: 0, target: 1}
"""


@pytest.fixture
def loaded(make_repo: MakeRepo) -> Loaded:
    root = make_repo(
        {
            "okrs/org.yaml": ORG,
            "okrs/2026-Q4/company.yaml": COMPANY,
            "okrs/2026-Q4/product.yaml": PRODUCT,
        }
    )
    return load_repository(root)


def _objective(loaded: Loaded, ref: str) -> Objective:
    return next(o for o in loaded.model.objectives() if o.ref == ref)


def test_key_result_progress(loaded: Loaded) -> None:
    kinds = _objective(loaded, "2026-Q4/product/kinds")
    progress = {kr.id: key_result_progress(kr, AS_OF) for kr in kinds.key_results}
    # The 2026-11-30 check-in lies after the as-of date and does not count yet.
    assert progress == {"down": 0.5, "milestone": 1.0, "uptime": 0.0, "never": 0.0}
    assert key_result_progress(kinds.key_results[0], dt.date(2026, 11, 30)) == 1.0
    overshoot = _objective(loaded, "2026-Q4/product/below").key_results[0]
    assert key_result_progress(overshoot, AS_OF) == 1.5  # unclamped


def test_objective_progress_is_the_weighted_mean(loaded: Loaded) -> None:
    kinds = _objective(loaded, "2026-Q4/product/kinds")
    assert objective_progress(kinds, AS_OF) == pytest.approx((0.5 * 3 + 1 + 0 + 0) / 6)
    assert objective_progress(_objective(loaded, "2026-Q4/product/below"), AS_OF) == 1.0
    assert objective_progress(_objective(loaded, "2026-Q4/product/scored"), AS_OF) == 0.7


def test_cascade_progress(loaded: Loaded) -> None:
    kinds = _objective(loaded, "2026-Q4/product/kinds")
    kinds_own = (0.5 * 3 + 1) / 6
    kinds_cascade = (kinds_own * 2 + 1.0 * 1) / 3
    assert cascade_progress(kinds, loaded.graph, AS_OF) == pytest.approx(kinds_cascade)
    top = _objective(loaded, "2026-Q4/company/top")
    # top's own 0.5 with kinds (weight 2) and the final score of scored; dropped is left out.
    expected = (0.5 * 1 + kinds_cascade * 2 + 0.7 * 1) / 4
    assert cascade_progress(top, loaded.graph, AS_OF) == pytest.approx(expected)


def test_expected_progress_behind_and_at_risk(loaded: Loaded) -> None:
    period = loaded.graph.period("2026-Q4")
    assert period is not None
    assert expected_progress(period, AS_OF) == pytest.approx(50 / 92)
    kinds = {kr.id: kr for kr in _objective(loaded, "2026-Q4/product/kinds").key_results}
    assert not is_behind(kinds["down"], period, AS_OF)  # 0.5 against 0.54
    assert is_behind(kinds["uptime"], period, AS_OF)
    assert not is_at_risk(kinds["down"], AS_OF)
    assert is_at_risk(kinds["down"], dt.date(2026, 11, 30))
