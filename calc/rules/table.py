"""The tier table several kinds share (per-unit prices, lookups, caps by level): amounts by
choice value; ``highest`` picks the best of several choices (就高不重复)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from ..fmt import Label, Listing, Money
from .base import (
    CHOICE,
    CHOICES,
    ZERO,
    Context,
    Field,
    InputInfo,
    Path,
    Problem,
    Read,
    Shape,
    figure,
)


class Row(Shape):
    """One line of a tier table: a choice value and what it pays (or prices)."""

    fields: ClassVar[dict[str, Field]] = {"value": Field("text"), "amount": Field("amount")}
    value: str
    amount: Decimal


class Table(Shape):
    fields: ClassVar[dict[str, Field]] = {
        "input": Field("name"), "rows": Field("rows", shape=Row, min_items=1),
        "highest": Field("bool", required=False, default=False)}
    input: str
    rows: list[Row]
    highest: bool

    def __init__(self, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self.amounts = {r.value: r.amount for r in self.rows}

    def read(self, at: Path) -> Read:
        return Read(at + ("input",), self.input, frozenset(CHOICES if self.highest else CHOICE))

    def check_rows(self, inputs: Mapping[str, InputInfo], at: Path) -> list[Problem]:
        """Each row's value is a choice of the table's input."""
        if self.input not in inputs:
            return []
        known = inputs[self.input].choices
        return [Problem.of(at + ("rows", r, "value"), "rules.not_a_choice", value=repr(row.value),
                           name=repr(self.input))
                for r, row in enumerate(self.rows) if row.value not in known]

    def most(self) -> Decimal:
        return max(r.amount for r in self.rows)

    def nearest(self, ctx: Context) -> Iterator[tuple[str, Any]]:
        """The choice of the next higher tier (a single choice only)."""
        if self.highest:
            return
        now = self.amounts.get(ctx.get(self.input), ZERO)
        higher = [r for r in self.rows if r.amount > now]
        if higher:
            yield self.input, min(higher, key=lambda r: r.amount).value

    def pick(self, ctx: Context, ref: str) -> tuple[Decimal, Label, str] | None:
        """The amount of the level chosen (the highest of several, with ``highest``), its label
        and its value; None, with the reason, when none of the table's levels is chosen."""
        item = ctx.inputs[self.input]
        if self.highest:
            chosen = [c for c in ctx.get(self.input) if c in self.amounts]
            if not chosen:
                ctx.why("why.none_chosen", ref, label=item.label)
                return None
            best = max(chosen, key=lambda c: self.amounts[c])
            labels = Listing(tuple(item.choices[c] for c in chosen))
            ctx.step("step.highest" if len(chosen) > 1 else "step.lookup", ref,
                     (figure(self.amounts[best]),), label=item.label, chosen=labels,
                     choice=item.choices[best], amount=Money(self.amounts[best]))
            return self.amounts[best], item.choices[best], best
        value = ctx.get(self.input)
        if value not in self.amounts:
            ctx.why("why.lookup", ref, label=item.label, choice=item.choices[value])
            return None
        return self.amounts[value], item.choices[value], value


TABLE_MESSAGES = ("step.highest", "step.lookup", "why.none_chosen", "why.lookup")
