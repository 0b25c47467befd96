"""``lookup``: a tier by level. With ``previous`` (the level held before), nothing when what was
held counts as the same award: by default a level of the same or a higher tier (``same: tier``,
an amount as large); with ``same: level``, only the same or a higher level, read in the table's
order (a literal "newly obtains CS5" after CS4). With ``difference`` as well, only what the new
tier pays beyond the old one (an alternative reading of 6.1's upgrades)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from ..fmt import Money
from .base import CHOICE, ZERO, Context, Field, InputInfo, Node, Path, Problem, Read, figure
from .table import TABLE_MESSAGES, Table

SAME = ("tier", "level")


class Lookup(Node):
    kind = "lookup"
    fields: ClassVar[dict[str, Field]] = {
        "table": Field("shape", shape=Table), "previous": Field("name", required=False),
        "same": Field("option", required=False, default="tier", options=SAME),
        "difference": Field("bool", required=False, default=False)}
    messages = ("step.same_tier", "why.same_tier", "step.same_level", "why.same_level",
                "step.tier_difference", *TABLE_MESSAGES)
    page = """\
<p>{{ say("rule.lookup", input=t(view.label(n.table.input))) }}</p>
{{ rows(view, n.table) }}
{% if n.table.highest %}<p>{{ ui["rule.highest"] }}</p>{% endif %}
{% if n.previous %}<p>{{ say("rule.previous." ~ n.same,
                               previous=t(view.label(n.previous))) }}</p>{% endif %}"""
    column = 4
    table: Table
    previous: str | None
    same: str
    difference: bool

    @classmethod
    def constraints(cls, data: Mapping[str, Any], path: Path) -> list[Problem]:
        found = []
        if data.get("difference") and not data.get("previous"):
            found.append(Problem.of(path + ("difference",), "rules.difference_previous"))
        if data.get("same") == "level" and not data.get("previous"):
            found.append(Problem.of(path + ("same",), "rules.same_previous"))
        return found

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

    def _held(self, before: str, now: str, amount: Decimal) -> bool:
        """What was held before counts as the award now claimed."""
        if self.same == "level":
            order = [r.value for r in self.table.rows]
            return before in order and order.index(before) >= order.index(now)
        return self.table.amounts.get(before, ZERO) >= amount

    def evaluate(self, ctx: Context) -> Decimal:
        item = ctx.inputs[self.table.input]
        picked = self.table.pick(ctx, self.ref)
        if picked is None:
            return ZERO
        amount, choice, value = picked
        if self.previous is not None:
            before = ctx.get(self.previous)
            earlier = ctx.inputs[self.previous].choices[before]
            if self._held(before, value, amount):
                ctx.step(f"step.same_{self.same}", self.ref, previous=earlier, choice=choice)
                return ctx.why(f"why.same_{self.same}", self.ref, previous=earlier)
            held = self.table.amounts.get(before, ZERO)
            if self.difference and held > 0:
                ctx.step("step.tier_difference", self.ref, (figure(amount), figure(held)),
                         choice=choice, amount=Money(amount), previous=earlier,
                         before=Money(held), result=Money(amount - held))
                return amount - held
        if not self.table.highest:
            ctx.step("step.lookup", self.ref, (figure(amount),), label=item.label,
                     choice=choice, amount=Money(amount))
        return amount
