"""``threshold``: pays ``then`` only when an input exceeds (``strict``) or reaches a value."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, ClassVar

from .base import NUMERIC, STEP, Context, Field, Node, Read, figure


class Threshold(Node):
    kind = "threshold"
    fields: ClassVar[dict[str, Field]] = {
        "input": Field("name"), "value": Field("amount", condition=True), "strict": Field("bool"),
        "then": Field("node")}
    messages = ("step.threshold_gt", "step.threshold_ge", "why.threshold_gt", "why.threshold_ge")
    page = """\
<p>{{ say("rule.threshold_strict" if n.strict else "rule.threshold_inclusive",
          input=t(view.label(n.input)), value=value_of(view, n.input, n.value)) }}</p>"""
    input: str
    value: Decimal
    strict: bool
    then: Node

    def reads(self) -> Iterator[Read]:
        yield Read(("input",), self.input, frozenset(NUMERIC))

    def grows(self) -> Iterator[str]:
        yield self.input

    def most(self) -> Decimal | None:
        return self.then.most()

    def nearest(self, ctx: Context) -> Iterator[tuple[str, Any]]:
        """Not met: the smallest value that meets it (one fen more, when strict)."""
        value = ctx.get(self.input)
        if not (value > self.value if self.strict else value >= self.value):
            yield self.input, self.value + STEP if self.strict else self.value

    def evaluate(self, ctx: Context) -> Decimal:
        item = ctx.inputs[self.input]
        value = ctx.get(self.input)
        met = value > self.value if self.strict else value >= self.value
        suffix = "gt" if self.strict else "ge"
        shown = {"label": item.label, "value": item.shown(value), "limit": item.shown(self.value)}
        figures = (figure(self.value),)
        if not met:
            return ctx.why(f"why.threshold_{suffix}", self.ref, figures, **shown)
        ctx.step(f"step.threshold_{suffix}", self.ref, figures, **shown)
        return self.then.evaluate(ctx)
