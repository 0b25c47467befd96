"""``milestones``: awards for thresholds first reached (previous best < threshold ≤ value).
``mode``: ``each`` pays every one of them; ``highest`` only the highest; ``differential`` the
highest one's amount less what this measure already paid (``received``). ``mode_input`` names a
choice input whose values are modes: a reading the visitor may switch (its default is the
primary reading)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from ..fmt import Money
from .base import (
    CHOICE,
    MONEY,
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

MODES = ("each", "highest", "differential")


class Milestone(Shape):
    fields: ClassVar[dict[str, Field]] = {"threshold": Field("amount"), "amount": Field("amount")}
    threshold: Decimal
    amount: Decimal


class Milestones(Node):
    kind = "milestones"
    modes = MODES
    fields: ClassVar[dict[str, Field]] = {
        "value": Field("name"), "previous": Field("name"),
        "rows": Field("rows", shape=Milestone, min_items=1), "inclusive": Field("bool"),
        "mode": Field("option", required=False, default="each", options=MODES),
        "mode_input": Field("name", required=False), "received": Field("name", required=False)}
    messages = ("step.milestone", "step.milestone_sum", "step.milestone_mode",
                "step.milestone_highest", "step.milestone_differential", "why.milestone")
    page = """\
<p>{{ say("rule.milestones", value=t(view.label(n.value)),
                             previous=t(view.label(n.previous))) }}</p>
<table class="qz-rows">
<tbody>
{% for row in n.rows %}
<tr><td>{{ say("rule.milestone_inclusive" if n.inclusive else "rule.milestone_strict",
               threshold=row.threshold | amount) }}</td><td>{{ row.amount | amount }}</td></tr>
{% endfor %}
</tbody>
</table>
{% if n.mode_input %}
{% set switch = view.input(n.mode_input) %}
<p>{{ ui["rule.mode." ~ switch.default] }} {{ say("rule.mode_switch", input=t(switch.label)) }}</p>
{% else %}
<p>{{ ui["rule.mode." ~ n.mode] }}</p>
{% endif %}"""
    column = 5
    value: str
    previous: str
    rows: list[Milestone]
    inclusive: bool
    mode: str
    mode_input: str | None
    received: str | None

    @classmethod
    def constraints(cls, data: Mapping[str, Any], path: Path) -> list[Problem]:
        if data.get("received") is None and (data.get("mode") == "differential"
                                             or data.get("mode_input")):
            return [Problem.of(path + ("received",), "rules.milestones_received")]
        return []

    def reads(self) -> Iterator[Read]:
        yield Read(("value",), self.value, frozenset(MONEY))
        yield Read(("previous",), self.previous, frozenset(MONEY))
        if self.mode_input:
            yield Read(("mode_input",), self.mode_input, frozenset(CHOICE))
        if self.received:
            yield Read(("received",), self.received, frozenset(MONEY))

    def check_inputs(self, inputs: Mapping[str, InputInfo]) -> list[Problem]:
        """A reading switch offers known modes and defaults to one (the primary reading)."""
        found = super().check_inputs(inputs)
        item = inputs.get(self.mode_input or "")
        if item is None or self.mode_input is None:
            return found
        at, known, name = ("mode_input",), "/".join(sorted(MODES)), self.mode_input
        found += [Problem.of(at, "rules.mode_choice", name=repr(name), choice=repr(c),
                             known=known) for c in item.choices if c not in MODES]
        if item.default not in item.choices:
            found.append(Problem.of(at, "rules.mode_default", name=repr(name)))
        return found

    def grows(self) -> Iterator[str]:
        yield self.value

    def most(self) -> Decimal:
        return sum((r.amount for r in self.rows), ZERO)

    def nearest(self, ctx: Context) -> Iterator[tuple[str, Any]]:
        """The lowest milestone that would pay: reached neither now nor before (one passed in
        an earlier year pays nothing again)."""
        value, previous = ctx.get(self.value), ctx.get(self.previous)
        ahead = sorted(r.threshold for r in self.rows
                       if not self._reached(max(value, previous), r.threshold))
        if ahead:
            yield self.value, ahead[0] if self.inclusive else ahead[0] + STEP

    def _reached(self, value: Decimal, threshold: Decimal) -> bool:
        return value >= threshold if self.inclusive else value > threshold

    def evaluate(self, ctx: Context) -> Decimal:
        value, previous = ctx.get(self.value), ctx.get(self.previous)
        mode = ctx.get(self.mode_input) if self.mode_input else self.mode
        if mode not in MODES:  # pragma: no cover - the data check refuses other choices
            raise ValueError(f"unknown milestone mode {mode!r}")
        rows = sorted((r.threshold, r.amount) for r in self.rows)
        new = [(t, a) for t, a in rows
               if self._reached(value, t) and not self._reached(previous, t)]
        for threshold, amount in new:
            ctx.step("step.milestone", self.ref, (figure(threshold), figure(amount)),
                     threshold=Money(threshold),
                     previous=Money(previous), value=Money(value), amount=Money(amount))
        if not new:
            return ctx.why("why.milestone", self.ref, label=ctx.inputs[self.value].label,
                           value=Money(value), previous=Money(previous))
        if self.mode_input:
            item = ctx.inputs[self.mode_input]
            ctx.step("step.milestone_mode", self.ref, label=item.label,
                     choice=item.choices[mode])
        if mode == "each":
            total = sum((a for _, a in new), ZERO)
            ctx.step("step.milestone_sum", self.ref, result=Money(total))
            return total
        top = max(a for _, a in new)
        if mode == "highest":
            ctx.step("step.milestone_highest", self.ref, (figure(top),), result=Money(top))
            return top
        # Like 1.3's 差额: what was actually received comes off, not the amount of a milestone
        # reached before the measures (never paid under them).
        received: Decimal = ctx.get(self.received) if self.received else ZERO
        total = max(top - received, ZERO)
        ctx.step("step.milestone_differential", self.ref, (figure(top),), top=Money(top),
                 received=Money(received), result=Money(total))
        return total
