"""``ceiling``: no formula, only a ceiling the responsible department sets case by case."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from ..fmt import Money
from .base import Context, Field, Node


class Ceiling(Node):
    kind = "ceiling"
    fields: ClassVar[dict[str, Field]] = {"amount": Field("amount")}
    messages = ("step.ceiling",)
    column = 7
    amount: Decimal

    def most(self) -> Decimal:
        return self.amount

    def evaluate(self, ctx: Context) -> Decimal:
        ctx.formula = False
        ctx.step("step.ceiling", self.ref, amount=Money(self.amount))
        return self.amount
