"""A rule primitive that exists only in the tests: ``per_head`` pays a figure per head counted.

It is the whole of what calc and the build need to learn a new kind — this one file: its
fields, evaluation, explanation strings, award type and its page sentence. (A real kind keeps
its strings in calc/strings.py, the one table: a second file; see ``test_new_primitive``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import ClassVar

from calc.fmt import Money
from calc.rules.base import NUMERIC, Context, Field, Node, Read, figure


class PerHead(Node):
    kind = "per_head"
    fields: ClassVar[dict[str, Field]] = {"count": Field("name"), "amount": Field("amount")}
    strings: ClassVar[dict[str, dict[str, str]]] = {
        "step.per_head": {"zh": "{label} {count} × 每人 {amount} = {result}",
                          "en": "{label} {count} × {amount} each = {result}"},
        "rule.per_head": {"zh": "“{count}”每人 {amount}", "en": "{amount} for each of “{count}”"},
        "type.per_head": {"zh": "按人数奖励", "en": "per head"}}
    messages = ("step.per_head", "why.zero_base")
    page = """\
<p>{{ say("rule.per_head", count=t(view.label(n.count)), amount=n.amount | amount) }}</p>"""
    column = 8
    count: str
    amount: Decimal

    def reads(self) -> Iterator[Read]:
        yield Read(("count",), self.count, frozenset(NUMERIC))

    def grows(self) -> Iterator[str]:
        yield self.count

    def evaluate(self, ctx: Context) -> Decimal:
        item = ctx.inputs[self.count]
        count: Decimal = ctx.get(self.count)
        if count == 0:
            return ctx.why("why.zero_base", self.ref, label=item.label)
        result = count * self.amount
        ctx.step("step.per_head", self.ref, (figure(self.amount),), label=item.label,
                 count=item.shown(count), amount=Money(self.amount), result=Money(result))
        return result
