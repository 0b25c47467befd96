"""The generator's folders are layers (issue 23): data (YAML → checked model) ← site, runtime
(what is made of the model) ← serve (what happens to the built site). No module imports from
a layer above its own — today's regression was generator/data/parameters.py importing
generator/site/render.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GENERATOR = Path(__file__).resolve().parents[2] / "generator"
ABOVE = {"data": {"site", "runtime", "serve"}, "site": {"serve"}, "runtime": {"site", "serve"}}


def imports(path: Path) -> set[str]:
    """The generator modules a module imports (relative imports resolved)."""
    package = path.relative_to(GENERATOR.parent).with_suffix("").parts[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found |= {module, *(f"{module}.{a.name}" for a in node.names)}
    return {name for name in found if name.startswith("generator.")}


@pytest.mark.parametrize("layer", sorted(ABOVE))
def test_no_module_imports_from_a_layer_above_its_own(layer: str) -> None:
    wrong = [f"{path.relative_to(GENERATOR.parent)}: {name}"
             for path in sorted((GENERATOR / layer).rglob("*.py")) for name in imports(path)
             if name.split(".")[1] in ABOVE[layer]]
    assert wrong == []

