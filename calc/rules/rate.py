"""``rate``: a base input × a rate (unbounded on its own: a cap usually holds it)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import ClassVar

from ..fmt import Money, Percent
from .base import NUMERIC, Context, Field, Node, Read


class Rate(Node):
    kind = "rate"
    fields: ClassVar[dict[str, Field]] = {"base": Field("name"), "rate": Field("rate")}
    messages = ("step.rate", "why.zero_base")
    column = 2
    base: str
    rate: Decimal

    def reads(self) -> Iterator[Read]:
        yield Read(("base",), self.base, frozenset(NUMERIC))

    def grows(self) -> Iterator[str]:
        yield self.base

    def evaluate(self, ctx: Context) -> Decimal:
        item = ctx.inputs[self.base]
        base: Decimal = ctx.get(self.base)
        if base == 0:
            return ctx.why("why.zero_base", self.ref, label=item.label)
        result = base * self.rate
        ctx.step("step.rate", self.ref, label=item.label, base=item.shown(base),
                 rate=Percent(self.rate), result=Money(result))
        return result
