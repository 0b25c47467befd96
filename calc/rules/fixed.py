"""``fixed``: a set amount."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from ..fmt import Money
from .base import Context, Field, Node, figure


class Fixed(Node):
    kind = "fixed"
    fields: ClassVar[dict[str, Field]] = {"amount": Field("amount")}
    messages = ("step.fixed",)
    page = """\
<p>{{ say("rule.fixed", amount=n.amount | amount) }}</p>"""
    column = 1
    amount: Decimal

    def most(self) -> Decimal:
        return self.amount

    def evaluate(self, ctx: Context) -> Decimal:
        ctx.step("step.fixed", self.ref, (figure(self.amount),), amount=Money(self.amount))
        return self.amount
