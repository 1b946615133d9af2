"""A build that reuses the cache writes exactly what a fresh build writes, whatever changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import generate
from benchmarks.run import AS_OF as BENCHMARK_AS_OF
from okrs_as_code import snapshot, validate
from okrs_as_code.site import build, changelog, write

from . import busy
from .conftest import AS_OF, MakeRepo, RunLine
from .gitrepo import MARKETING, SAM, commit, edit, start
from .site_support import same_tree


@pytest.fixture(autouse=True)
def _settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as settled once written, so that the next build trusts their status and
    reads them only when it renders from them (in a real repository, three seconds after they
    were last changed)."""
    monkeypatch.setattr(snapshot, "_SETTLED_NS", 0)


def _build(run_line: RunLine, root: Path, out: Path, *more: str) -> str:
    args = ["build", "--root", str(root), "--as-of", AS_OF, "--out", str(out), *more]
    return str(run_line(args, expect=0).output)


def _built_then_retitled(run_line: RunLine, make_repo: MakeRepo) -> Path:
    """The busy organisation built into ``site``, then one of marketing's objectives retitled."""
    root = make_repo(busy.FILES)
    _build(run_line, root, root / "site")
    path = root / "okrs/2026-Q4/marketing.yaml"
    path.write_text(path.read_text().replace("Refresh the brand", "Our brand"), encoding="utf-8")
    return root


def _fresh(run_line: RunLine, root: Path, tmp_path: Path) -> Path:
    out = tmp_path / "fresh"
    shutil.rmtree(out, ignore_errors=True)
    _build(run_line, root, out, "--no-cache")
    return out


EDITS = {
    "title": ("marketing.yaml", "Refresh the brand", "Our brand"),
    # The company objective's page lists what aligns to each key result; its file is the same.
    "alignment": (
        "product.yaml",
        "title: Keep the editor fast\n    aligns_to: company/number-one-rated\n",
        "title: Keep the editor fast\n    aligns_to: company/number-one-rated#rating\n",
    ),
    "check-in": ("product.yaml", "value: 99.95", "value: 98.5"),
    # A schema error in a file whose skeleton stays: only that file's diagnostics are new.
    "error": ("marketing.yaml", "milestone: true", "milestone: maybe"),
    # An alignment cycle (OKR114): no page's inputs can be told, so every page is rendered.
    "cycle": ("company.yaml", "aligns_to: 2026/company/grow", "aligns_to: product/creatives-love"),
}


@pytest.mark.parametrize("edit_name", EDITS)
def test_a_rebuild_after_an_edit_equals_a_fresh_build(
    run_line: RunLine, make_repo: MakeRepo, tmp_path: Path, edit_name: str
) -> None:
    name, old, new = EDITS[edit_name]
    root = make_repo(busy.FILES)
    _build(run_line, root, root / "site")
    path = root / "okrs/2026-Q4" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    before = (root / "site/objectives/2026-Q4/company/number-one-rated.html").read_bytes()
    _build(run_line, root, root / "site")
    assert same_tree(root / "site", _fresh(run_line, root, tmp_path))
    if edit_name not in ("title", "error"):
        after = (root / "site/objectives/2026-Q4/company/number-one-rated.html").read_bytes()
        assert after != before


def test_a_rebuild_follows_references_that_come_to_resolve_and_files_that_go(
    run_line: RunLine, make_repo: MakeRepo, tmp_path: Path
) -> None:
    """Pages that name what another file declares change when that file does, even where the
    name did not resolve before."""
    files = dict(busy.FILES)
    brand = "  - id: brand\n"
    files["okrs/2026-Q4/marketing.yaml"] = busy.MARKETING.replace(
        brand, f"{brand}    contributes_to: [product/pricing]\n"
    )
    root = make_repo(files)
    _build(run_line, root, root / "site")
    product = root / "okrs/2026-Q4/product.yaml"
    pricing = "  - id: pricing\n    title: Simplify pricing\n    key_results:\n"
    pricing += "      - {id: tiers, title: Two tiers, milestone: true}\n"
    product.write_text(product.read_text(encoding="utf-8") + pricing, encoding="utf-8")
    _build(run_line, root, root / "site")
    assert same_tree(root / "site", _fresh(run_line, root, tmp_path / "resolved"))
    page = (root / "site/objectives/2026-Q4/marketing/brand.html").read_text(encoding="utf-8")
    assert "Simplify pricing" in page
    (root / "okrs/2026-Q4/company.yaml").unlink()  # what product and marketing align to
    _build(run_line, root, root / "site")
    assert same_tree(root / "site", _fresh(run_line, root, tmp_path / "gone"))


def test_a_rebuild_after_an_edit_reads_the_other_files_outlines(
    run_line: RunLine, make_repo: MakeRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an edit, the unchanged files come from their outlines and their figures from the
    cache: no file is read whole but the edited one, and others' check-ins only for the pages
    rendered again."""
    root = _built_then_retitled(run_line, make_repo)
    parsed: list[str] = []
    real_parse = validate.parse_bytes

    def parse(name: str, raw: bytes) -> Any:
        parsed.append(name)
        return real_parse(name, raw)

    def whole(*args: Any) -> Any:
        raise AssertionError("every file read whole")

    monkeypatch.setattr(validate, "parse_bytes", parse)
    monkeypatch.setattr(build, "load_whole", whole)
    _build(run_line, root, root / "site")
    monkeypatch.undo()
    assert same_tree(root / "site", _fresh(run_line, root, tmp_path))
    # Read for their check-ins: the company's files, whose objectives' pages show a cascade
    # that marketing's objective is part of; product's file is not read at all.
    assert sorted(parsed) == ["okrs/2026-Q4/company.yaml", "okrs/2026/company.yaml"]


def test_a_rebuild_on_a_later_day_equals_a_fresh_build(
    run_line: RunLine, make_repo: MakeRepo, tmp_path: Path
) -> None:
    """Statuses kept in the cache hold for their day only: a week on, key results are stale."""
    root = make_repo(busy.FILES)
    _build(run_line, root, root / "site")
    later = ["build", "--root", str(root), "--as-of", "2026-11-30"]
    run_line([*later, "--out", str(root / "site")], expect=0)
    run_line([*later, "--out", str(tmp_path / "fresh"), "--no-cache"], expect=0)
    assert same_tree(root / "site", tmp_path / "fresh")
    health = (root / "site/health.html").read_text(encoding="utf-8")
    assert "Generate 100 MQLs" in health  # checked in on 2026-11-19: due by 2026-11-28


def test_nothing_changed_reports_the_same_and_keeps_the_site(
    run_line: RunLine, make_repo: MakeRepo, tmp_path: Path
) -> None:
    root = make_repo(busy.FILES)
    first = _build(run_line, root, root / "site")
    assert _build(run_line, root, root / "site") == first
    assert same_tree(root / "site", _fresh(run_line, root, tmp_path))


def test_a_damaged_site_is_repaired(run_line: RunLine, make_repo: MakeRepo, tmp_path: Path) -> None:
    root = make_repo(busy.FILES)
    _build(run_line, root, root / "site")
    (root / "site/objectives/2026-Q4/marketing/brand.html").unlink()
    (root / "site/index.html").write_text("edited by hand", encoding="utf-8")
    (root / "site/teams/stray.html").write_text("left by someone", encoding="utf-8")
    _build(run_line, root, root / "site")
    assert same_tree(root / "site", _fresh(run_line, root, tmp_path))


def test_a_page_written_again_with_the_same_bytes_keeps_its_time(
    run_line: RunLine, make_repo: MakeRepo, tmp_path: Path
) -> None:
    """Every page is rendered again with the cache off; those whose bytes are the same are not
    written, so their modification time stays (what a server or a sync tool goes by)."""
    root = make_repo(busy.FILES)
    out = root / "site"
    _build(run_line, root, out, "--no-cache")
    kept, edited = out / "teams/marketing.html", out / "teams/product.html"
    edited.write_text("edited by hand", encoding="utf-8")
    for page in (kept, edited):
        os.utime(page, ns=(1_000_000_000, 1_000_000_000))
    _build(run_line, root, out, "--no-cache")
    assert kept.stat().st_mtime_ns == 1_000_000_000
    assert edited.stat().st_mtime_ns > 1_000_000_000
    assert same_tree(out, _fresh(run_line, root, tmp_path))


def test_a_new_template_override_is_used_at_once(run_line: RunLine, make_repo: MakeRepo) -> None:
    root = make_repo(busy.FILES)
    _build(run_line, root, root / "site")
    override = '{% extends "base.html" %}{% block main %}<h1>Ours</h1>{% endblock %}\n'
    (root / "site_templates").mkdir()
    (root / "site_templates/index.html").write_text(override, encoding="utf-8")
    _build(run_line, root, root / "site")
    assert "<h1>Ours</h1>" in (root / "site/index.html").read_text(encoding="utf-8")


def test_a_corrupt_cache_only_costs_time(
    run_line: RunLine, make_repo: MakeRepo, tmp_path: Path, _own_cache: Path
) -> None:
    root = make_repo(busy.FILES)
    _build(run_line, root, root / "site")
    for path in _own_cache.rglob("*"):
        if path.is_file():
            path.write_bytes(b"\x00not what it was")
    _build(run_line, root, root / "site")
    assert same_tree(root / "site", _fresh(run_line, root, tmp_path))


def test_a_new_commit_shows_in_the_history_of_a_rebuild(run_line: RunLine, tmp_path: Path) -> None:
    root = start(tmp_path / "okrs-repo")
    _build(run_line, root, tmp_path / "site")
    moved = edit(root, "okrs/2026-Q4/marketing.yaml", "target: 300", "target: 250")
    sha = commit(
        root, {"okrs/2026-Q4/marketing.yaml": moved}, "Lower", "2026-11-20T10:00:00+00:00", SAM
    )
    _build(run_line, root, tmp_path / "site")
    page = tmp_path / "site/objectives/2026-Q4/marketing/agency-demand.html"
    assert sha in page.read_text(encoding="utf-8")
    assert same_tree(tmp_path / "site", _fresh(run_line, root, tmp_path))


def test_a_build_after_new_commits_reads_the_history_of_the_files_they_changed(
    run_line: RunLine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the publish workflow builds: a new output folder each time, the cache kept."""
    root = start(tmp_path / "okrs-repo")
    _build(run_line, root, tmp_path / "first")
    moved = edit(root, "okrs/2026-Q4/marketing.yaml", "target: 300", "target: 250")
    commit(root, {"okrs/2026-Q4/marketing.yaml": moved}, "Lower", "2026-11-20T10:00:00+00:00", SAM)
    asked: list[list[str] | None] = []
    real = changelog.read_timeline

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("paths"))
        return real(*args, **kwargs)

    monkeypatch.setattr(changelog, "read_timeline", spy)
    _build(run_line, root, tmp_path / "second")
    assert asked == [["okrs/2026-Q4/marketing.yaml"]]
    page = tmp_path / "second/objectives/2026-Q4/marketing/agency-demand.html"
    assert "target 300 -&gt; 250" in page.read_text(encoding="utf-8")
    monkeypatch.undo()
    assert same_tree(tmp_path / "second", _fresh(run_line, root, tmp_path))


# Objectives whose versions are in more than one file: those files' words are never kept, and
# a file to read that shares an objective with a kept one makes the whole history read again.
MOVES: dict[str, dict[str, str | None]] = {
    "renamed": {"okrs/2026-Q4/marketing.yaml": None, "okrs/2026-Q4/brand.yaml": MARKETING},
    "copied": {"okrs/2026-Q4/marketing-again.yaml": MARKETING},
    "removed": {"okrs/2026-Q4/product.yaml": None},
}


@pytest.mark.parametrize("move", MOVES)
def test_the_history_from_the_cache_equals_a_fresh_read_when_files_move(
    run_line: RunLine, tmp_path: Path, move: str
) -> None:
    root = start(tmp_path / "okrs-repo")
    _build(run_line, root, tmp_path / "first")
    commit(root, MOVES[move], f"{move} a file", "2026-11-20T10:00:00+00:00", SAM)
    _build(run_line, root, tmp_path / "second")
    _build(run_line, root, tmp_path / "fresh", "--no-cache")
    assert same_tree(tmp_path / "second", tmp_path / "fresh")
    moved = edit(root, "okrs/2026-Q4/company.yaml", "value: 4.7}", "value: 4.72}")
    commit(root, {"okrs/2026-Q4/company.yaml": moved}, "Up", "2026-11-21T10:00:00+00:00", SAM)
    _build(run_line, root, tmp_path / "third")
    _build(run_line, root, tmp_path / "fresh-again", "--no-cache")
    assert same_tree(tmp_path / "third", tmp_path / "fresh-again")


def test_a_site_written_on_both_cores_equals_one_written_on_one(
    run_line: RunLine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "org"
    generate(110, 3, root)  # 440 objectives: enough pages for the worker processes
    _build(run_line, root, tmp_path / "both")
    monkeypatch.setattr(write, "PARALLEL_FROM_PAGES", 10**9)
    _build(run_line, root, tmp_path / "one", "--no-cache")
    assert same_tree(tmp_path / "both", tmp_path / "one")


def test_strict_on_both_cores_writes_nothing_when_the_rules_find_errors(
    run_line: RunLine, tmp_path: Path
) -> None:
    """On a large site the pages start while the rules are still at work; with --strict they
    wait for the rules, and their errors leave the output folder unwritten."""
    root = tmp_path / "org"
    generate(110, 3, root)
    strict = ["build", "--root", str(root), "--as-of", BENCHMARK_AS_OF, "--strict"]
    run_line([*strict, "--out", str(tmp_path / "clean")], expect=0)
    assert (tmp_path / "clean/index.html").is_file()
    broken = sorted((root / "okrs/2026-Q4").glob("*.yaml"))[0]
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("    title: ", "    titel: ", 1), encoding="utf-8")
    result = run_line([*strict, "--out", str(tmp_path / "strict")], expect=1)
    assert "site not written" in result.stderr
    assert not (tmp_path / "strict").exists()
    run_line([*strict[:-1], "--out", str(tmp_path / "published")], expect=0)
    health = (tmp_path / "published/health.html").read_text(encoding="utf-8")
    assert "OKR002" in health and broken.relative_to(root).as_posix() in health


def test_a_rebuild_renders_only_the_pages_an_edit_reaches(
    run_line: RunLine, make_repo: MakeRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new title shows on its objective's page, its team's page, the pages that link to it
    and the pages that list every objective. The pages of the objectives it aligns to, and
    their teams', are worked out from its file too (their figures come from it); every other
    page is left as it was."""
    root = _built_then_retitled(run_line, make_repo)
    rendered: list[str] = []
    real = write._write_chunk

    def chunk(job: write._Job, indices: range) -> write.Stamps:
        rendered.extend(job.pages[i][0] for i in indices)
        return real(job, indices)

    monkeypatch.setattr(write, "_write_chunk", chunk)
    _build(run_line, root, root / "site")
    again = list(rendered)
    assert same_tree(root / "site", _fresh(run_line, root, tmp_path))
    # Marketing's other objective aligns to a company objective: company's pages show its figure.
    assert sorted(p for p in again if p.startswith("teams/")) == [
        "teams/company.html",
        "teams/marketing.html",
    ]
    assert not [p for p in again if "/product" in p]
    assert "objectives/2026-Q4/marketing/brand.html" in again
    assert len(again) < len(rendered) - len(again)  # fewer than half of a fresh build's
