"""Facts read off a rule tree, shared by the pages (home table) and the tests (property bounds);
each primitive knows its own bound and growing inputs (``calc.rules``)."""

from __future__ import annotations

from decimal import Decimal

from calc import rules
from calc.rules import Node
from generator.data.model import Measure


def most(node: Node) -> Decimal | None:
    """The most this rule can ever pay, or None when nothing in it bounds the amount."""
    return node.most()


def measure_most(measure: Measure) -> Decimal | None:
    """The most a measure can pay across its parts (None if some part is unbounded)."""
    bounds = [most(p.rule) for p in measure.parts]
    return None if None in bounds else sum((b for b in bounds if b is not None), Decimal(0))


def base_inputs(measure: Measure) -> set[str]:
    """Inputs the award grows with: rate bases, per-unit quantities, milestone and threshold
    values (not amounts already received, which lower it)."""
    return {name for part in measure.parts for name in rules.grows(part.rule)}
