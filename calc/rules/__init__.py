"""The rule primitives, one module per kind: each declares its fields (and so its validation and
the figures it holds), the inputs it reads, its children, its upper bound, its evaluation and the
explanation keys it writes. A measure's rule is a tree of them built from the rules bundle; a new
measure of a known kind is new data, a new kind is one new module here.

Amounts stay exact here; rounding happens once, in the engine.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Collection, Iterator, Mapping
from importlib import import_module
from typing import Any

from .base import (
    ZERO,
    Context,
    Field,
    InputInfo,
    Named,
    Node,
    Path,
    Problem,
    Read,
    Shape,
    dotted,
    figure,
    figures,
    parse_amount,
    parse_rate,
    walk,
)
from .table import Table

__all__ = ["ZERO", "Context", "Field", "InputInfo", "Named", "Node", "Path", "Problem", "Read",
           "Shape", "Table", "check", "check_measure", "dotted", "figure", "figures", "kinds",
           "parse_amount", "parse_rate", "walk"]
# One module per kind, found where it lies (a folder, or the browser's zip): importing a
# module registers its kind, so a new kind is one new file here and nothing else names it.
for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    import_module(f".{_module}", __name__)


def kinds() -> dict[str, type[Node]]:
    """Every registered kind by name."""
    return dict(Node.kinds)


def check(rule: Any, path: Path = (), params: Collection[str] | None = None) -> list[Problem]:
    """The structural problems of one rule tree; ``params``: parameter names a figure may name
    as ``{"param": name}`` (the bundle's form), None where figures must be written out."""
    return Node.check(rule, path, params)


def inputs_of(data: Mapping[str, Any]) -> dict[str, InputInfo]:
    """A measure's inputs (bundle form) as the reference checks see them."""
    return {str(i.get("name")): InputInfo(str(i.get("type")), tuple(
        str(c.get("value")) for c in i.get("choices") or [] if isinstance(c, Mapping)),
        i.get("default")) for i in data.get("inputs") or [] if isinstance(i, Mapping)}


def references(rule: Node, inputs: Mapping[str, InputInfo], path: Path = ()) -> list[Problem]:
    """Every input a tree reads exists with an allowed type; table rows name choices."""
    return [Problem(path + at + p.path, p.zh, p.en, p.key)
            for at, node in walk(rule) for p in node.check_inputs(inputs)]


def check_measure(data: Mapping[str, Any], path: Path = ()) -> list[Problem]:
    """One bundle measure's rule trees: structure (figures may name its parameters), then the
    inputs each tree reads."""
    params = set(data.get("parameters") or {})
    parts = data.get("parts")
    if not isinstance(parts, list) or not parts:
        return [Problem.of(path + ("parts",), "rules.no_parts")]
    found: list[Problem] = []
    inputs = inputs_of(data)
    for i, part in enumerate(parts):
        at = path + ("parts", i, "rule")
        rule = part.get("rule") if isinstance(part, Mapping) else None
        structural = check(rule, at, params)
        found += structural
        if not structural and rule is not None:
            found += references(Node.build(_zeroed(rule)), inputs, at)
    return found


def _zeroed(node: Any) -> Any:
    """A rule tree with each ``{"param": …}`` as 0: the reference checks need no figures."""
    if isinstance(node, Mapping):
        return "0" if set(node) == {"param"} else {k: _zeroed(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_zeroed(v) for v in node]
    return node


def grows(rule: Node) -> Iterator[str]:
    """Inputs a tree's amount grows with."""
    for _, node in walk(rule):
        yield from node.grows()
