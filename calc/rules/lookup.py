"""``lookup``: a tier by level; with ``previous``, nothing when the level held before paid as
much or more, and with ``difference`` as well, only what the new tier pays beyond the old one
(an alternative reading of 6.1's upgrades)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from ..fmt import Money
from .base import CHOICE, ZERO, Context, Field, InputInfo, Node, Path, Problem, Read
from .table import TABLE_MESSAGES, Table


class Lookup(Node):
    kind = "lookup"
    fields: ClassVar[dict[str, Field]] = {
        "table": Field("shape", shape=Table), "previous": Field("name", required=False),
        "difference": Field("bool", required=False, default=False)}
    messages = ("step.same_tier", "why.same_tier", "step.tier_difference", *TABLE_MESSAGES)
    column = 4
    table: Table
    previous: str | None
    difference: bool

    @classmethod
    def constraints(cls, data: Mapping[str, Any], path: Path) -> list[Problem]:
        if data.get("difference") and not data.get("previous"):
            return [Problem.of(path + ("difference",), "rules.difference_previous")]
        return []

    def reads(self) -> Iterator[Read]:
        yield self.table.read(("table",))
        if self.previous:
            yield Read(("previous",), self.previous, frozenset(CHOICE))

    def check_inputs(self, inputs: Mapping[str, InputInfo]) -> list[Problem]:
        return super().check_inputs(inputs) + self.table.check_rows(inputs, ("table",))

    def most(self) -> Decimal:
        return self.table.most()

    def nearest(self, ctx: Context) -> Iterator[tuple[str, Any]]:
        return self.table.nearest(ctx)

    def evaluate(self, ctx: Context) -> Decimal:
        item = ctx.inputs[self.table.input]
        picked = self.table.pick(ctx, self.ref)
        if picked is None:
            return ZERO
        amount, choice = picked
        if self.previous is not None:
            before = ctx.get(self.previous)
            earlier = ctx.inputs[self.previous].choices[before]
            if self.table.amounts.get(before, ZERO) >= amount:
                ctx.step("step.same_tier", self.ref, previous=earlier, choice=choice)
                return ctx.why("why.same_tier", self.ref, previous=earlier)
            held = self.table.amounts.get(before, ZERO)
            if self.difference and held > 0:
                ctx.step("step.tier_difference", self.ref, choice=choice, amount=Money(amount),
                         previous=earlier, before=Money(held), result=Money(amount - held))
                return amount - held
        if not self.table.highest:
            ctx.step("step.lookup", self.ref, label=item.label, choice=choice,
                     amount=Money(amount))
        return amount
