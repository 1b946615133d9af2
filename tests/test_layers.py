"""The pipeline's layering, enforced: the core never imports the CLI or prints or exits."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "okrs_as_code"
OUTER = {"cli", "reporters", "terminal", "__main__"}  # may use anything; the core may not use them
CORE = sorted(
    p
    for p in PACKAGE.rglob("*.py")
    if p.relative_to(PACKAGE).parts[0].removesuffix(".py") not in OUTER
)


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_module_stays_in_its_layer(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = _imports(tree)
    for name in imported:
        last = name.lstrip(".").split(".")
        assert not OUTER & set(last), f"imports {name}"
        assert last[0] != "click", f"imports {name}"
    calls = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert "print" not in calls and "exit" not in calls
    assert "sys.exit" not in ast.unparse(tree)


def test_the_layer_check_sees_the_core() -> None:
    names = {p.name for p in CORE}
    assert {"validate.py", "loader.py", "model.py"} <= names
    assert "cli.py" not in names and "reporters.py" not in names
