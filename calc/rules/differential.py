"""``differential``: an amount less what was already received for it (差额)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import ClassVar

from ..fmt import Money
from .base import MONEY, ZERO, Context, Field, Node, Read


class Differential(Node):
    kind = "differential"
    fields: ClassVar[dict[str, Field]] = {"of": Field("node"), "less": Field("name")}
    messages = ("step.differential", "why.differential")
    column = 6
    of: Node
    less: str

    def reads(self) -> Iterator[Read]:
        yield Read(("less",), self.less, frozenset(MONEY))

    def most(self) -> Decimal | None:
        return self.of.most()

    def evaluate(self, ctx: Context) -> Decimal:
        amount = self.of.evaluate(ctx)
        if amount == 0:
            return ZERO
        received: Decimal = ctx.get(self.less)
        if received == 0:
            return amount
        result = max(amount - received, ZERO)
        ctx.step("step.differential", self.ref, amount=Money(amount), received=Money(received),
                 result=Money(result))
        if result == 0:
            return ctx.why("why.differential", self.ref, amount=Money(amount),
                           received=Money(received))
        return result
