"""``require``: pays ``then`` only when a yes/no condition holds."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import ClassVar

from ..fmt import Label
from .base import BOOL, Context, Field, Node, Read


class Require(Node):
    kind = "require"
    fields: ClassVar[dict[str, Field]] = {
        "input": Field("name"), "equals": Field("bool", required=False, default=True),
        "then": Field("node")}
    messages = ("step.require", "why.require")
    input: str
    equals: bool
    then: Node

    def reads(self) -> Iterator[Read]:
        yield Read(("input",), self.input, frozenset(BOOL))

    def most(self) -> Decimal | None:
        return self.then.most()

    def evaluate(self, ctx: Context) -> Decimal:
        item = ctx.inputs[self.input]
        value = ctx.get(self.input)
        answer = ctx.answer(value)
        if value != self.equals:
            return ctx.why("why.require", self.ref, label=item.label, answer=Label.of(answer))
        ctx.step("step.require", self.ref, label=item.label, answer=Label.of(answer))
        return self.then.evaluate(ctx)
