"""``sum``: several amounts added (each part of a clause that pays on two grounds)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from ..fmt import Joined, Money
from .base import ZERO, Context, Field, Node


class Sum(Node):
    kind = "sum"
    fields: ClassVar[dict[str, Field]] = {"items": Field("nodes", min_items=2)}
    messages = ("step.sum",)
    page = """\
<p>{{ ui["rule.sum"] }}</p>"""
    items: list[Node]

    def most(self) -> Decimal | None:
        bounds = [item.most() for item in self.items]
        return None if None in bounds else sum((b for b in bounds if b is not None), ZERO)

    def evaluate(self, ctx: Context) -> Decimal:
        amounts = [item.evaluate(ctx) for item in self.items]
        total = sum(amounts, ZERO)
        terms = " + ".join(f"{{{i}}}" for i in range(len(amounts)))
        ctx.step("step.sum", self.ref,
                 terms=Joined(terms, tuple(Money(a) for a in amounts)), result=Money(total))
        return total

