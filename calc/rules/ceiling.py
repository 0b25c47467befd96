"""``ceiling``: no formula, only a ceiling the responsible department sets case by case."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from ..fmt import Money
from .base import Context, Field, Node, figure


class Ceiling(Node):
    kind = "ceiling"
    fields: ClassVar[dict[str, Field]] = {"amount": Field("amount")}
    messages = ("step.ceiling",)
    page = """\
<p>{{ say("rule.ceiling", amount=n.amount | amount) }}</p>"""
    column = 7
    amount: Decimal

    def most(self) -> Decimal:
        return self.amount

    def evaluate(self, ctx: Context) -> Decimal:
        ctx.formula = False
        ctx.step("step.ceiling", self.ref, (figure(self.amount),), amount=Money(self.amount))
        return self.amount
