"""`okrs init` and `okrs new-period`: what they write validates, and nothing is overwritten."""

from __future__ import annotations

import shutil
from pathlib import Path

from okrs_as_code import yamlsafe

from .conftest import REPO_ROOT, RunLine


def test_init_writes_a_repository_that_validates(run_line: RunLine, tmp_path: Path) -> None:
    target = tmp_path / "acme"
    args = ["init", str(target), "--name", "Acme", "--owner", "@jo", "--as-of", "2026-11-24"]
    out = run_line(args, expect=0).stdout
    assert "wrote okrs/2026-Q4/product.yaml" in out
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == [
        ".github/workflows/publish.yml", ".github/workflows/validate.yml",
        ".github/workflows/weekly.yml",
        ".gitignore", ".pre-commit-config.yaml", "okrs/2026-Q4/company.yaml",
        "okrs/2026-Q4/product.yaml", "okrs/org.yaml", "schema/okrs.schema.json",
        "schema/org.schema.json",
    ]  # fmt: skip
    args = ["validate", "--root", str(target), "--as-of", "2026-11-24", "--strict"]
    assert run_line(args, expect=0).stdout.startswith("no problems")
    assert yamlsafe.parse((target / "okrs/org.yaml").read_text())["organization"] == "Acme"
    hook = yamlsafe.parse((target / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"][0]
    assert hook["id"] == "okrs-validate" and hook["require_serial"] is True
    for path in target.glob("okrs/**/*.yaml"):
        modeline = path.read_text().splitlines()[0].split("$schema=")[1]
        assert (path.parent / modeline).resolve().is_file()


def test_init_refuses_to_overwrite(run_line: RunLine, tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("mine\n")
    result = run_line(["init", str(tmp_path)], expect=2)
    assert "would overwrite .gitignore; nothing written" in result.stderr
    assert (tmp_path / ".gitignore").read_text() == "mine\n"
    assert not (tmp_path / "okrs").exists()


def _example(tmp_path: Path) -> Path:
    root = tmp_path / "example"
    shutil.copytree(REPO_ROOT / "okrs", root / "okrs")
    shutil.copytree(REPO_ROOT / "schema", root / "schema")
    return root


def test_new_period_carries_over_unfinished_objectives(run_line: RunLine, tmp_path: Path) -> None:
    root = _example(tmp_path)
    out = run_line(["new-period", "2027-Q1", "--from", "2026-Q4", "--root", str(root),
                    "--as-of", "2026-12-30"], expect=0).stdout  # fmt: skip
    teams = ["company", "product", "integrations", "marketing", "customer-success"]
    assert out.splitlines() == [f"wrote okrs/2027-Q1/{team}.yaml" for team in teams]
    product = yamlsafe.parse((root / "okrs/2027-Q1/product.yaml").read_text())
    creatives = product["objectives"][0]
    assert creatives["aligns_to"] == "company/number-one-rated"  # the parent was carried too
    setup = creatives["key_results"][0]
    assert (setup["id"], setup["baseline"], setup["target"]) == ("setup-time", 38, 30)
    assert all("check_ins" not in kr for o in product["objectives"] for kr in o["key_results"])
    marketing = (root / "okrs/2027-Q1/marketing.yaml").read_text()
    assert "paid-social" not in marketing  # dropped objectives stay behind
    assert "# Note: referral-pipeline aligned to 2026/company/grow-efficiently" in marketing
    result = run_line(
        ["validate", "--root", str(root), "--as-of", "2027-01-04", "--format", "json"]
    )
    assert "OKR111" in result.stdout and "referral-pipeline" in result.stdout
    assert result.stdout.count('"code"') == 1  # that orphan is the only decision left open


def test_new_period_never_overwrites(run_line: RunLine, tmp_path: Path) -> None:
    root = _example(tmp_path)
    mine = root / "okrs/2027-Q1/product.yaml"
    mine.parent.mkdir()
    mine.write_text("team: product\nperiod: 2027-Q1\nobjectives: []\n")
    out = run_line(["new-period", "2027-Q1", "--root", str(root)], expect=0).stdout
    assert "kept okrs/2027-Q1/product.yaml (it exists)" in out
    assert mine.read_text() == "team: product\nperiod: 2027-Q1\nobjectives: []\n"
    fresh = yamlsafe.parse((root / "okrs/2027-Q1/marketing.yaml").read_text())
    assert fresh == {"team": "marketing", "period": "2027-Q1", "objectives": []}


def test_new_period_rejects_unknown_periods(run_line: RunLine, tmp_path: Path) -> None:
    root = _example(tmp_path)
    assert "unknown period '2026-Q5'" in run_line(["new-period", "2026-Q5", "--root", str(root)],
                                                  expect=2).stderr  # fmt: skip
    result = run_line(["new-period", "2027-Q1", "--from", "2025-Q1", "--root", str(root)], expect=2)
    assert "has no objectives to carry over" in result.stderr
