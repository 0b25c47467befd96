"""``differential``: an amount less what was already received for it (差额), not below 0.
What was received is an input (``less``) or, with ``less_rule``, an amount the rule computes
(what an earlier payment at a lower rate came to). With ``once``, anything already received
ends it: paid once, nothing more (an alternative reading of 1.4's awards)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from ..fmt import Money
from .base import MONEY, ZERO, Context, Field, Node, Path, Problem, Read


class Differential(Node):
    kind = "differential"
    fields: ClassVar[dict[str, Field]] = {
        "of": Field("node"), "less": Field("name", required=False),
        "less_rule": Field("node", required=False),
        "once": Field("bool", required=False, default=False)}
    messages = ("step.differential", "why.differential", "step.differential_rule",
                "why.differential_once")
    page = """\
{% if n.less_rule %}<p>{{ ui["rule.differential_rule"] }}</p>
{% elif n.once %}<p>{{ say("rule.differential_once", less=t(view.label(n.less))) }}</p>
{% else %}<p>{{ say("rule.differential", less=t(view.label(n.less))) }}</p>{% endif %}"""
    column = 6
    of: Node
    less: str | None
    less_rule: Node | None
    once: bool

    @classmethod
    def constraints(cls, data: Mapping[str, Any], path: Path) -> list[Problem]:
        if (data.get("less") is None) == (data.get("less_rule") is None) or (
                data.get("once") and data.get("less") is None):
            return [Problem.of(path, "rules.differential_less")]
        return []

    def reads(self) -> Iterator[Read]:
        if self.less:
            yield Read(("less",), self.less, frozenset(MONEY))

    def most(self) -> Decimal | None:
        return self.of.most()

    def evaluate(self, ctx: Context) -> Decimal:
        amount = self.of.evaluate(ctx)
        if amount == 0:
            return ZERO
        if self.less_rule is not None:
            before = self.less_rule.evaluate(ctx)
            result = max(amount - before, ZERO)
            ctx.step("step.differential_rule", self.ref, amount=Money(amount),
                     received=Money(before), result=Money(result))
            if result == 0:
                return ctx.why("why.differential", self.ref, amount=Money(amount),
                               received=Money(before))
            return result
        received: Decimal = ctx.get(self.less or "")
        if received == 0:
            return amount
        if self.once:
            return ctx.why("why.differential_once", self.ref, received=Money(received))
        result = max(amount - received, ZERO)
        ctx.step("step.differential", self.ref, amount=Money(amount), received=Money(received),
                 result=Money(result))
        if result == 0:
            return ctx.why("why.differential", self.ref, amount=Money(amount),
                           received=Money(received))
        return result
