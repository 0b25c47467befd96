"""``per_unit``: a quantity × a unit price from a tier table. ``limit`` names an input that,
when given (non-zero), bounds the units that count: only the minutes an earlier payment covered
earn its top-up."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import ClassVar

from ..fmt import Money
from ..inputs import InputDef, Phrase
from .base import NUMERIC, ZERO, Context, Field, InputInfo, Node, Problem, Read
from .table import TABLE_MESSAGES, Table


class PerUnit(Node):
    kind = "per_unit"
    fields: ClassVar[dict[str, Field]] = {
        "quantity": Field("name"), "price": Field("shape", shape=Table),
        "limit": Field("name", required=False)}
    messages = ("step.per_unit", "step.unit_limit", "why.zero_base", *TABLE_MESSAGES)
    column = 3
    quantity: str
    price: Table
    limit: str | None

    def reads(self) -> Iterator[Read]:
        yield Read(("quantity",), self.quantity, frozenset(NUMERIC))
        yield self.price.read(("price",))
        if self.limit:
            yield Read(("limit",), self.limit, frozenset(NUMERIC))

    def check_inputs(self, inputs: Mapping[str, InputInfo]) -> list[Problem]:
        return super().check_inputs(inputs) + self.price.check_rows(inputs, ("price",))

    def grows(self) -> Iterator[str]:
        yield self.quantity

    def evaluate(self, ctx: Context) -> Decimal:
        item = ctx.inputs[self.quantity]
        picked = self.price.pick(ctx, self.ref)
        if picked is None:
            return ZERO
        quantity: Decimal = ctx.get(self.quantity)
        if quantity == 0:
            return ctx.why("why.zero_base", self.ref, label=item.label)
        if self.limit is not None:
            quantity = self._limited(ctx, item, quantity, self.limit)
        result = quantity * picked[0]
        # The unit is the quantity input's (policy data): per minute, per unit, …
        ctx.step("step.per_unit", self.ref, label=item.label, quantity=item.shown(quantity),
                 unit=Phrase(f"unit.{item.unit}" if item.unit else "unit.unit"),
                 price=Money(picked[0]), result=Money(result))
        return result

    def _limited(self, ctx: Context, item: InputDef, quantity: Decimal, limit: str) -> Decimal:
        bound: Decimal = ctx.get(limit)
        if bound == 0 or quantity <= bound:
            return quantity
        ctx.step("step.unit_limit", self.ref, label=item.label, quantity=item.shown(quantity),
                 limit_label=ctx.inputs[limit].label, limit=item.shown(bound),
                 excess=item.shown(quantity - bound))
        return bound
