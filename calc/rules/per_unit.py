"""``per_unit``: units × a unit price.

* ``quantity`` × the ``price`` of the level chosen (a tier table; the highest of several with
  ``highest``: 就高不重复); or
* ``levels``: the units reached at each level (minutes shown nationally, minutes shown on a
  provincial channel), each unit paid once at the highest price it reached.

With ``received`` (an earlier payment for the same work), ``paid`` and ``paid_price``: once
something was received, only the units that payment covered count (一证一报: units added later
earn nothing); when ``paid`` is not given they are derived from the amount received at
``paid_price``, and a step says so — never taken as 0.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import ROUND_DOWN, Decimal
from typing import Any, ClassVar

from ..fmt import Joined, Listing, Money
from ..inputs import InputDef, Phrase
from .base import (
    MONEY,
    NUMERIC,
    STEP,
    ZERO,
    Context,
    Field,
    InputInfo,
    Node,
    Path,
    Problem,
    Read,
    Shape,
    figure,
)
from .table import TABLE_MESSAGES, Table

PAID = ("paid", "received", "paid_price")


class Level(Shape):
    """The units reached at one level and the price each of them earns there."""

    fields: ClassVar[dict[str, Field]] = {"quantity": Field("name"), "amount": Field("amount")}
    quantity: str
    amount: Decimal


class PerUnit(Node):
    kind = "per_unit"
    fields: ClassVar[dict[str, Field]] = {
        "quantity": Field("name", required=False),
        "price": Field("shape", required=False, shape=Table),
        "levels": Field("rows", required=False, shape=Level, min_items=1),
        "paid": Field("name", required=False), "received": Field("name", required=False),
        "paid_price": Field("amount", required=False)}
    messages = ("step.per_unit", "step.level_rest", "step.level_covered", "step.levels_sum",
                "step.units_derived", "step.units_paid", "why.zero_base", "why.zero_units",
                *TABLE_MESSAGES)
    page = """\
{% if n.levels %}
<p>{{ ui["rule.per_unit_levels"] }}</p>
<table class="qz-rows">
<tbody>
{% for row in n.levels %}
<tr><td>{{ t(view.label(row.quantity)) }}</td><td>{{ say("unit.per", amount=row.amount | amount,
                                  unit=ui["unit." ~ view.unit(row.quantity)]) }}</td></tr>
{% endfor %}
</tbody>
</table>
{% else %}
<p>{{ say("rule.per_unit", quantity=t(view.label(n.quantity)),
                           input=t(view.label(n.price.input))) }}</p>
{{ rows(view, n.price, view.unit(n.quantity)) }}
{% if n.price.highest %}<p>{{ ui["rule.highest"] }}</p>{% endif %}
{% endif %}
{% if n.paid %}<p>{{ say("rule.units_paid", received=t(view.label(n.received)),
                         paid=t(view.label(n.paid)), price=n.paid_price | amount,
                         unit=ui["unit." ~ view.unit(n.paid)]) }}</p>{% endif %}"""
    column = 3
    quantity: str | None
    price: Table | None
    levels: list[Level]
    paid: str | None
    received: str | None
    paid_price: Decimal | None

    @classmethod
    def constraints(cls, data: Mapping[str, Any], path: Path) -> list[Problem]:
        found = []
        simple = data.get("quantity") is not None and data.get("price") is not None
        if simple == bool(data.get("levels")) or (not simple and (
                data.get("quantity") is not None or data.get("price") is not None)):
            found.append(Problem.of(path, "rules.per_unit_form"))
        if len({data.get(name) is None for name in PAID}) > 1:
            found.append(Problem.of(path + ("paid",), "rules.per_unit_paid"))
        return found

    def _quantities(self) -> list[str]:
        return [row.quantity for row in self.levels] or [self.quantity or ""]

    def reads(self) -> Iterator[Read]:
        if self.price is not None:
            yield Read(("quantity",), self.quantity or "", frozenset(NUMERIC))
            yield self.price.read(("price",))
        for i, row in enumerate(self.levels):
            yield Read(("levels", i, "quantity"), row.quantity, frozenset(NUMERIC))
        if self.paid and self.received:
            yield Read(("paid",), self.paid, frozenset(NUMERIC))
            yield Read(("received",), self.received, frozenset(MONEY))

    def check_inputs(self, inputs: Mapping[str, InputInfo]) -> list[Problem]:
        rows = self.price.check_rows(inputs, ("price",)) if self.price is not None else []
        return super().check_inputs(inputs) + rows

    def grows(self) -> Iterator[str]:
        yield from self._quantities()

    def evaluate(self, ctx: Context) -> Decimal:
        if self.price is not None:
            picked = self.price.pick(ctx, self.ref)
            if picked is None:
                return ZERO
            levels = [(self.quantity or "", picked[0])]
        else:
            levels = sorted(((row.quantity, row.amount) for row in self.levels),
                            key=lambda level: -level[1])
        found = [(ctx.inputs[name], ctx.get(name), price) for name, price in levels]
        if all(quantity == 0 for _, quantity, _ in found):
            if len(found) == 1:
                return ctx.why("why.zero_base", self.ref, label=found[0][0].label)
            return ctx.why("why.zero_units", self.ref,
                           labels=Listing(tuple(item.label for item, _, _ in found)))
        limit = self._paid_units(ctx, found[0][0])
        earned, covered = [], ZERO
        for item, quantity, price in found:
            counted = quantity if limit is None else min(quantity, limit)
            if limit is not None and quantity > limit:
                ctx.step("step.units_paid", self.ref, label=item.label,
                         quantity=item.shown(quantity), limit=item.shown(limit),
                         excess=item.shown(quantity - limit))
            earned.append(self._level(ctx, item, quantity, counted, covered, price))
            covered = max(covered, counted)
        total = sum(earned, ZERO)
        if sum(1 for amount in earned if amount) > 1:
            terms = " + ".join(f"{{{i}}}" for i, amount in enumerate(earned) if amount)
            ctx.step("step.levels_sum", self.ref, result=Money(total), terms=Joined(
                terms, tuple(Money(amount) for amount in earned)))
        return total

    def _level(self, ctx: Context, item: InputDef, quantity: Decimal, counted: Decimal,
               covered: Decimal, price: Decimal) -> Decimal:
        """What one level's units earn: those not already counted at a higher price."""
        units = max(counted - covered, ZERO)
        unit = Phrase(f"unit.{item.unit}" if item.unit else "unit.unit")
        if quantity == 0:
            return ZERO
        if units == 0:
            ctx.step("step.level_covered", self.ref, label=item.label,
                     quantity=item.shown(counted))
            return ZERO
        result = units * price
        code = "step.per_unit" if covered == 0 else "step.level_rest"
        ctx.step(code, self.ref, (figure(price),), label=item.label,
                 quantity=item.shown(counted),
                 units=item.shown(units), unit=unit, price=Money(price), result=Money(result))
        return result

    def _paid_units(self, ctx: Context, item: InputDef) -> Decimal | None:
        """The units an earlier payment covered (None when nothing was received): as given,
        or the amount received at the earlier price, said in a step."""
        if not (self.received and self.paid and self.paid_price):
            return None
        received: Decimal = ctx.get(self.received)
        if received == 0:
            return None
        given: Decimal | None = ctx.given(self.paid)
        if given:
            return given
        # to the hundredth, as a quantity is typed; down, so no unit is taken as paid that was not
        units = (received / self.paid_price).quantize(STEP, rounding=ROUND_DOWN)
        paid = ctx.inputs[self.paid]
        ctx.step("step.units_derived", self.ref, (figure(self.paid_price),), label=paid.label,
                 received=Money(received), price=Money(self.paid_price),
                 unit=Phrase(f"unit.{item.unit}" if item.unit else "unit.unit"),
                 units=paid.shown(units))
        return units
