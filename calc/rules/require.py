"""``require``: pays ``then`` only when a yes/no condition holds; with ``otherwise``, what is
paid when it does not (an alternative reading that pays another way)."""

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
        "then": Field("node"), "otherwise": Field("node", required=False)}
    messages = ("step.require", "why.require", "step.require_otherwise")
    page = """\
<p>{{ say("rule.require", input=t(view.label(n.input)),
                          answer=ui["answer.yes"] if n.equals else ui["answer.no"]) }}</p>
{% if n.otherwise %}<p>{{ ui["rule.require_otherwise"] }}</p>{% endif %}"""
    input: str
    equals: bool
    then: Node
    otherwise: Node | None

    def reads(self) -> Iterator[Read]:
        yield Read(("input",), self.input, frozenset(BOOL))

    def most(self) -> Decimal | None:
        bounds = [self.then.most(), self.otherwise.most() if self.otherwise else self.then.most()]
        return None if None in bounds else max(b for b in bounds if b is not None)

    def evaluate(self, ctx: Context) -> Decimal:
        item = ctx.inputs[self.input]
        value = ctx.get(self.input)
        answer = Label.of(ctx.answer(value))
        if value == self.equals:
            ctx.step("step.require", self.ref, label=item.label, answer=answer)
            return self.then.evaluate(ctx)
        if self.otherwise is None:
            return ctx.why("why.require", self.ref, label=item.label, answer=answer)
        ctx.step("step.require_otherwise", self.ref, label=item.label, answer=answer)
        return self.otherwise.evaluate(ctx)
