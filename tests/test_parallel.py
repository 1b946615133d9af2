"""Parsing in two processes gives exactly what parsing in one gives, broken files included."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from okrs_as_code import parallel, validate

from .conftest import AS_OF, REPO_ROOT, RunLine
from .site_support import same_tree


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


@pytest.fixture
def split(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes for any size, and every file a chunk of its own."""
    monkeypatch.setattr(parallel, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(parallel, "_CHUNK_BYTES", 1)


def _only(monkeypatch: pytest.MonkeyPatch, who: str) -> None:
    """Let only the worker (or only this process) take chunks."""
    real = parallel._take

    def take(left: Any, last: bool) -> int | None:
        return real(left, last) if last == (who == "this process") else None

    monkeypatch.setattr(parallel, "_take", take)


@pytest.mark.parametrize("who", ["the worker", "this process"])
def test_two_processes_match_one(
    run_line: RunLine, mixed: Path, monkeypatch: pytest.MonkeyPatch, split: None, who: str
) -> None:
    with monkeypatch.context() as alone:
        alone.setattr(parallel, "PARALLEL_FROM_BYTES", 1 << 40)
        expected = _report(run_line, mixed)
    _only(monkeypatch, who)
    unpacked: list[int] = []
    real = parallel._unpack

    def unpack(sent: parallel.Sent, items: list[parallel.Item]) -> list[parallel.SourceFile]:
        unpacked.append(len(items))
        return real(sent, items)

    monkeypatch.setattr(parallel, "_unpack", unpack)
    assert _report(run_line, mixed) == expected
    files = len([p for p in (mixed / "okrs").rglob("*.yaml") if p.name != "org.yaml"])
    assert sum(unpacked) == (files if who == "the worker" else 0)  # which process parsed them
    codes = {d["code"] for d in expected["diagnostics"]}  # type: ignore[index]
    assert {"OKR001", "OKR002", "OKR110"} <= codes


def test_a_worker_that_dies_leaves_its_files_to_this_process(
    run_line: RunLine, mixed: Path, monkeypatch: pytest.MonkeyPatch, split: None
) -> None:
    with monkeypatch.context() as alone:
        alone.setattr(parallel, "PARALLEL_FROM_BYTES", 1 << 40)
        expected = _report(run_line, mixed)
    _only(monkeypatch, "the worker")
    monkeypatch.setattr(parallel, "_parse_packed", lambda items: os._exit(1))
    assert _report(run_line, mixed) == expected


def test_worker_results_round_trip(mixed: Path) -> None:
    items = [
        (p.relative_to(mixed).as_posix(), p.read_bytes())
        for p in sorted((mixed / "okrs").rglob("*.yaml"))
        if p.name != "deep.yaml"  # too deep for == itself; covered above
    ]
    data, metas, _ = parallel._parse_packed(items)
    unpacked = parallel._unpack((data, metas), items)
    assert [(s.path, s.text, s.data, s.error) for s in unpacked] == [
        (s.path, s.text, s.data, s.error)
        for s in (parallel.parse_bytes(path, raw) for path, raw in items)
    ]


def test_a_cache_filled_by_two_processes_is_read_back_whole(
    run_line: RunLine, mixed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split: None
) -> None:
    """The worker's files go into the cache as it packed them, this process's are packed
    here: a second build parses only the files that did not parse, and a build after an edit,
    from the outlines, writes what a build without the cache writes."""
    monkeypatch.setenv("OKRS_CACHE_DIR", str(tmp_path / "cache"))
    build = ["build", "--root", str(mixed), "--as-of", AS_OF]
    run_line([*build, "--out", str(tmp_path / "first")])
    parsed: list[str] = []
    real = parallel.parse_bytes

    def parse(path: str, raw: bytes) -> parallel.SourceFile:
        parsed.append(path.rsplit("/", 1)[-1])
        return real(path, raw)

    with monkeypatch.context() as counted:
        _only(counted, "this process")
        counted.setattr(parallel, "parse_bytes", parse)
        run_line([*build, "--out", str(tmp_path / "second")])
    assert sorted(parsed) == ["broken.yaml", "deep.yaml", "dupes.yaml"]
    assert same_tree(tmp_path / "second", tmp_path / "first")
    marketing = mixed / "okrs/2026-Q4/marketing.yaml"
    marketing.write_text(marketing.read_text().replace("Drive UK agency demand", "Win UK agencies"))
    run_line([*build, "--out", str(tmp_path / "first")])
    run_line([*build, "--out", str(tmp_path / "fresh"), "--no-cache"])
    assert same_tree(tmp_path / "first", tmp_path / "fresh")
    assert "Win UK agencies" in (tmp_path / "first/index.html").read_text()


def test_places_looked_up_on_two_cores_match_one(
    run_line: RunLine, mixed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A week nobody checked in: a diagnostic in every file. The other core looks up the
    places of half the files, and the report is the one this process alone gives."""
    args = ["validate", "--root", str(mixed), "--as-of", "2026-12-30", "--format", "json"]
    with monkeypatch.context() as alone:
        alone.setattr(validate, "PARALLEL_FROM_LOCATED_FILES", 1 << 30)
        expected = json.loads(run_line([*args, "--no-cache"]).stdout)
    monkeypatch.setattr(validate, "PARALLEL_FROM_LOCATED_FILES", 2)
    assert json.loads(run_line([*args, "--no-cache"]).stdout) == expected
    stale = {d["path"] for d in expected["diagnostics"] if d["code"] == "OKR301"}
    assert len(stale) >= 4


def _pid() -> int:
    return os.getpid()


def _pids_beside() -> tuple[int, int]:
    with parallel.beside(_pid) as theirs:
        return os.getpid(), theirs()


def _parsed_in_worker() -> tuple[int, list[object]]:
    items = [("okrs/a.yaml", b"team: a\n"), ("okrs/b.yaml", b"team: [b\n")]
    parsed = sorted(parallel.parse_many(items), key=lambda pair: pair[0])
    return os.getpid(), [source.data for _, source in parsed]


def test_a_worker_does_the_work_it_would_put_beside_itself(split: None) -> None:
    """Work beside work beside this process (the rules beside the site's statuses, which put
    the other rules beside the history rules) is done by the worker: multiprocessing lets no
    worker start another, and this process would otherwise do all the worker's work again."""
    with parallel.beside(_pids_beside) as pids:
        worker, inner = pids()
    assert worker != os.getpid() and inner == worker
    with parallel.beside(_parsed_in_worker) as parsed:
        worker, data = parsed()
    assert worker != os.getpid() and data == [{"team": "a"}, None]
