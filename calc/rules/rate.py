"""``rate``: a base input × a rate (unbounded on its own: a cap usually holds it); with
``above``, only the part of the base above that figure counts (an alternative reading of 3.1)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import ClassVar

from ..fmt import Money, Percent
from .base import NUMERIC, ZERO, Context, Field, Node, Read, figure


class Rate(Node):
    kind = "rate"
    fields: ClassVar[dict[str, Field]] = {"base": Field("name"), "rate": Field("rate"),
                                          "above": Field("amount", required=False)}
    messages = ("step.rate", "step.rate_above", "why.zero_base", "why.rate_above")
    page = """\
<p>{{ say("rule.rate", rate=n.rate | rate, base=t(view.label(n.base))) }}</p>"""
    column = 2
    base: str
    rate: Decimal
    above: Decimal | None

    def reads(self) -> Iterator[Read]:
        yield Read(("base",), self.base, frozenset(NUMERIC))

    def grows(self) -> Iterator[str]:
        yield self.base

    def evaluate(self, ctx: Context) -> Decimal:
        item = ctx.inputs[self.base]
        base: Decimal = ctx.get(self.base)
        if base == 0:
            return ctx.why("why.zero_base", self.ref, label=item.label)
        if self.above is not None:
            excess = max(base - self.above, ZERO)
            if excess == 0:
                return ctx.why("why.rate_above", self.ref, (figure(self.above),),
                               label=item.label, base=item.shown(base),
                               above=item.shown(self.above))
            result = excess * self.rate
            ctx.step("step.rate_above", self.ref, (figure(self.rate, True), figure(self.above)),
                     label=item.label, base=item.shown(base),
                     above=item.shown(self.above), excess=item.shown(excess),
                     rate=Percent(self.rate), result=Money(result))
            return result
        result = base * self.rate
        ctx.step("step.rate", self.ref, (figure(self.rate, True),), label=item.label,
                 base=item.shown(base),
                 rate=Percent(self.rate), result=Money(result))
        return result
