"""Parsing in two processes gives exactly what parsing in one gives, broken files included."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from okrs_as_code import parallel

from .conftest import AS_OF, REPO_ROOT, RunLine


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    root = tmp_path / "mixed"
    shutil.copytree(REPO_ROOT / "okrs", root / "okrs")
    extra = root / "okrs" / "2026-Q4"
    (extra / "broken.yaml").write_text("team: [product\n")
    (extra / "dupes.yaml").write_text("team: a\nteam: b\n")
    (extra / "deep.yaml").write_text("team: " + "[" * 3000 + "]" * 3000 + "\n")
    (extra / "typed.yaml").write_text("team: product\nperiod: 2026-Q4\nobjectives: [{id: 5}]\n")
    product = extra / "product.yaml"
    product.write_text(
        product.read_text().replace(
            "aligns_to: company/number-one-rated", "aligns_to: company/number-one", 1
        )
    )
    return root


def _report(run_line: RunLine, root: Path) -> object:
    args = ["validate", "--root", str(root), "--as-of", AS_OF, "--format", "json", "--no-cache"]
    return json.loads(run_line(args).stdout)


def test_two_processes_match_one(
    run_line: RunLine, mixed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _report(run_line, mixed)
    monkeypatch.setattr(parallel, "PARALLEL_FROM_BYTES", 0)
    pools: list[object] = []
    real = parallel.ProcessPoolExecutor

    def recorded(*args: Any, **kwargs: Any) -> Any:
        pools.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", recorded)
    together = _report(run_line, mixed)
    assert pools, "the second process was used"
    assert together == alone
    codes = {d["code"] for d in alone["diagnostics"]}  # type: ignore[index]
    assert {"OKR001", "OKR002", "OKR110"} <= codes


def test_worker_results_round_trip(mixed: Path) -> None:
    items = [
        (p.relative_to(mixed).as_posix(), p.read_bytes())
        for p in sorted((mixed / "okrs").rglob("*.yaml"))
        if p.name != "deep.yaml"  # too deep for == itself; covered above
    ]
    unpacked = parallel._unpack(parallel._parse_packed(items), items)
    assert [(s.path, s.text, s.data, s.error) for s in unpacked] == [
        (s.path, s.text, s.data, s.error)
        for s in (parallel.parse_bytes(path, raw) for path, raw in items)
    ]
