"""Facts read off a rule tree, shared by the pages (home table) and the tests (property bounds)."""

from __future__ import annotations

from decimal import Decimal

from .crosscheck import walk
from .model import (
    Cap,
    Ceiling,
    Differential,
    Fixed,
    Lookup,
    Measure,
    Milestones,
    PerUnit,
    RateOf,
    Require,
    RuleNode,
    Sum,
    Threshold,
)


def most(node: RuleNode) -> Decimal | None:
    """The most this rule can ever pay, or None when nothing in it bounds the amount."""
    if isinstance(node, (Fixed, Ceiling)):
        return node.amount
    if isinstance(node, Lookup):
        return max(r.amount for r in node.table.rows)
    if isinstance(node, Milestones):
        return sum((r.amount for r in node.rows), Decimal(0))
    if isinstance(node, Cap):
        return node.max if node.max is not None else max(
            r.amount for r in node.max_by.rows) if node.max_by else None
    if isinstance(node, (Require, Threshold)):
        return most(node.then)
    if isinstance(node, Differential):
        return most(node.of)
    if isinstance(node, Sum):
        bounds = [most(item) for item in node.items]
        return None if None in bounds else sum((b for b in bounds if b is not None), Decimal(0))
    return None  # rate and per_unit grow with their base


def measure_most(measure: Measure) -> Decimal | None:
    """The most a measure can pay across its parts (None if some part is unbounded)."""
    bounds = [most(p.rule) for p in measure.parts]
    return None if None in bounds else sum((b for b in bounds if b is not None), Decimal(0))


def base_inputs(measure: Measure) -> set[str]:
    """Inputs the award grows with: rate bases, per-unit quantities, milestone and threshold
    values (not amounts already received, which lower it)."""
    names: set[str] = set()
    for part in measure.parts:
        for _, node in walk(part.rule, ()):
            if isinstance(node, RateOf):
                names.add(node.base)
            elif isinstance(node, PerUnit):
                names.add(node.quantity)
            elif isinstance(node, Milestones):
                names.add(node.value)
            elif isinstance(node, Threshold):
                names.add(node.input)
    return names
