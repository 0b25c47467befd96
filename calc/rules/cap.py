"""``cap``: min(amount, cap). Amounts already received in the cap's scope (``less``) come off
either

* the **entitlement** (``less_from: entitlement``) when the amount is computed on the scope's
  whole base (the year's invoices, the whole investment): min(amount, cap) − received; taking
  them off the cap instead would pay again for spending already subsidised; or
* the **cap** (``less_from: cap``) when the amount is computed on the new claim alone (a newly
  passed certification's fee): min(amount, cap − received).

The cap is a figure (``max``) or a tier table by level (``max_by``): exactly one of the two.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from ..fmt import Label, Money, to_fen
from .base import MONEY, ZERO, Context, Field, InputInfo, Node, Path, Problem, Read, figure
from .table import TABLE_MESSAGES, Table

LESS_FROM = ("entitlement", "cap")


class Cap(Node):
    kind = "cap"
    less_froms = LESS_FROM
    fields: ClassVar[dict[str, Field]] = {
        "of": Field("node"), "max": Field("amount", required=False),
        "max_by": Field("shape", required=False, shape=Table),
        "less": Field("names", required=False, default=[]),
        "less_from": Field("option", required=False, options=LESS_FROM),
        "scope": Field("i18n")}
    messages = ("step.cap_hit", "step.cap_reached", "step.cap_ok", "step.room_hit",
                "step.room_reached", "step.room_ok", "step.entitlement_less", "step.cap_room",
                "why.entitlement_used", "why.cap_used", *TABLE_MESSAGES)
    page = """\
{% if n.max is not none %}
<p>{{ say("rule.cap", max=n.max | amount, scope=t(n.scope)) }}</p>
{% else %}
<p>{{ say("rule.cap_by", input=t(view.label(n.max_by.input)), scope=t(n.scope)) }}</p>
{{ rows(view, n.max_by) }}
{% endif %}
{% if n.less %}
{% set names = [] %}
{% for name in n.less %}{% set _ = names.append(t(view.label(name))) %}{% endfor %}
<p>{{ say("rule.cap_less.entitlement" if n.less_from == "entitlement" else "rule.cap_less.cap",
          names=names | join(ui["list.sep"])) }}</p>
{% endif %}"""
    of: Node
    max: Decimal | None
    max_by: Table | None
    less: list[str]
    less_from: str | None
    scope: dict[str, str]

    @classmethod
    def constraints(cls, data: Mapping[str, Any], path: Path) -> list[Problem]:
        found = []
        if (data.get("max") is None) == (data.get("max_by") is None):
            found.append(Problem.of(path, "rules.cap_max"))
        if bool(data.get("less")) != (data.get("less_from") is not None):
            found.append(Problem.of(path + ("less_from",), "rules.cap_less_from"))
        return found

    def reads(self) -> Iterator[Read]:
        if self.max_by is not None:
            yield self.max_by.read(("max_by",))
        for i, name in enumerate(self.less):
            yield Read(("less", i), name, frozenset(MONEY))

    def check_inputs(self, inputs: Mapping[str, InputInfo]) -> list[Problem]:
        rows = self.max_by.check_rows(inputs, ("max_by",)) if self.max_by else []
        return super().check_inputs(inputs) + rows

    def most(self) -> Decimal | None:
        return self.max if self.max is not None else self.max_by.most() if self.max_by else None

    @property
    def label(self) -> Label:
        return Label.of(self.scope)

    def nearest(self, ctx: Context) -> Iterator[tuple[str, Any]]:
        """A cap by level: the level with the next higher cap."""
        return self.max_by.nearest(ctx) if self.max_by is not None else iter(())

    def evaluate(self, ctx: Context) -> Decimal:
        amount = self.of.evaluate(ctx)
        if amount == 0:
            return ZERO
        if self.max_by is not None:
            picked = self.max_by.pick(ctx, self.ref)
            if picked is None:
                return ZERO
            cap = picked[0]
        else:
            cap = self.max if self.max is not None else amount
        received = sum((ctx.get(name) for name in self.less), ZERO)
        if (self.less_from or "entitlement") == "entitlement":
            return self._off_entitlement(ctx, amount, cap, received)
        return self._off_cap(ctx, amount, cap, received)

    def _limit(self, ctx: Context, amount: Decimal, cap: Decimal,
               room: Decimal | None = None) -> Decimal:
        """min(amount, cap), or min(amount, room) where what is left of the cap is the limit;
        the step's word agrees with the figures as it shows them, to the fen (an amount a
        thousandth of a fen over a cap it equals on screen "reaches" it)."""
        limit = cap if room is None else room
        figures = (figure(cap),) if room is None else ()
        kind = "cap" if room is None else "room"
        values = {"amount": Money(amount), "cap": Money(cap), "room": Money(limit),
                  "scope": self.label}
        if amount <= limit:
            ctx.step(f"step.{kind}_ok", self.ref, figures, **values)
            return amount
        over = "hit" if to_fen(amount) > to_fen(limit) else "reached"
        ctx.step(f"step.{kind}_{over}", self.ref, figures, **values)
        return limit

    def _off_entitlement(self, ctx: Context, amount: Decimal, cap: Decimal,
                         received: Decimal) -> Decimal:
        entitled = self._limit(ctx, amount, cap)
        if received == 0:
            return entitled
        result = max(entitled - received, ZERO)
        ctx.step("step.entitlement_less", self.ref, entitled=Money(entitled), scope=self.label,
                 received=Money(received), result=Money(result))
        if result == 0:
            return ctx.why("why.entitlement_used", self.ref, entitled=Money(entitled),
                           received=Money(received), scope=self.label)
        return result

    def _off_cap(self, ctx: Context, amount: Decimal, cap: Decimal,
                 received: Decimal) -> Decimal:
        if received == 0:
            return self._limit(ctx, amount, cap)
        room = max(cap - received, ZERO)
        ctx.step("step.cap_room", self.ref, (figure(cap),), cap=Money(cap), scope=self.label,
                 received=Money(received), room=Money(room))
        if room == 0:
            return ctx.why("why.cap_used", self.ref, (figure(cap),), cap=Money(cap),
                           scope=self.label)
        return self._limit(ctx, amount, cap, room)
