"""The build (generator/) reaches the engine only through calc's public API: the package's
``__all__``, ``calc.rules`` and ``calc.schema`` (calc/__init__.py says so)."""

from __future__ import annotations

import ast

import calc
from tests.data.test_policy import ROOT

PUBLIC = {"calc", "calc.rules", "calc.schema"}


def _calc_uses(tree: ast.AST) -> list[str]:
    """Every calc module a file imports, and every ``calc.<name>`` it reads."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "calc":
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "calc"]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id == "calc"):
            found.append(f"calc.{node.attr}")
    return found


def test_the_build_uses_only_the_public_api() -> None:
    sources = sorted((ROOT / "generator").rglob("*.py"))
    assert sources
    allowed = PUBLIC | {f"calc.{name}" for name in calc.__all__}
    outside = {f"{path.relative_to(ROOT)}: {name}" for path in sources
               for name in _calc_uses(ast.parse(path.read_text(encoding="utf-8")))
               if name not in allowed}
    assert not outside, sorted(outside)


def test_every_public_name_exists() -> None:
    assert all(hasattr(calc, name) for name in calc.__all__)
