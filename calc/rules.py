"""The rule primitives: each computes an exact amount and says, in zh and en, what it did.

A measure's rule is a tree of these built from the rules bundle; a new measure of a known kind is
new data, not new code. Amounts stay exact here; rounding happens once, in the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from .errors import CalcError
from .fmt import Label, Listing, Money, Percent
from .inputs import InputDef, parse_value
from .messages import bilingual

ZERO = Decimal(0)


@dataclass
class Context:
    """One evaluation: the inputs, and the explanation being written."""

    inputs: dict[str, InputDef]
    values: dict[str, Any]
    limits: dict[str, Decimal]
    steps: list[dict[str, str]] = field(default_factory=list)
    reasons: list[dict[str, str]] = field(default_factory=list)
    formula: bool = True

    def get(self, name: str) -> Any:
        if name not in self.values:
            item = self.inputs[name]
            if item.default is None:
                raise CalcError("error.missing", name, label=item.label)
            self.values[name] = parse_value(item.default, item, self.limits)
        return self.values[name]

    def step(self, code: str, ref: str, **values: object) -> None:
        self.steps.append({**bilingual(code, **values), "ref": ref})

    def why(self, code: str, ref: str, **values: object) -> Decimal:
        self.reasons.append({**bilingual(code, **values), "ref": ref})
        return ZERO

    def answer(self, flag: bool) -> dict[str, str]:
        return bilingual("answer.yes" if flag else "answer.no")


class Node:
    """A rule primitive; subclasses register themselves under their YAML ``kind``."""

    kinds: ClassVar[dict[str, type[Node]]] = {}
    kind: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Node.kinds[cls.kind] = cls

    def __init__(self, data: dict[str, Any]) -> None:
        self.ref: str = data.get("ref", "")

    def evaluate(self, ctx: Context) -> Decimal:
        raise NotImplementedError

    @staticmethod
    def build(data: dict[str, Any]) -> Node:
        return Node.kinds[data["kind"]](data)


class Table:
    """Amounts by choice value; ``highest`` picks the best of several choices (就高不重复)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.input: str = data["input"]
        self.rows = {r["value"]: Decimal(r["amount"]) for r in data["rows"]}
        self.highest: bool = data.get("highest", False)

    def pick(self, ctx: Context, ref: str) -> tuple[Decimal, Label] | None:
        item = ctx.inputs[self.input]
        if self.highest:
            chosen = [c for c in ctx.get(self.input) if c in self.rows]
            if not chosen:
                ctx.why("why.none_chosen", ref, label=item.label)
                return None
            best = max(chosen, key=lambda c: self.rows[c])
            labels = Listing(tuple(item.choices[c] for c in chosen))
            ctx.step("step.highest" if len(chosen) > 1 else "step.lookup", ref, label=item.label,
                     chosen=labels, choice=item.choices[best], amount=Money(self.rows[best]))
            return self.rows[best], item.choices[best]
        value = ctx.get(self.input)
        if value not in self.rows:
            ctx.why("why.lookup", ref, label=item.label, choice=item.choices[value])
            return None
        return self.rows[value], item.choices[value]


class Fixed(Node):
    kind = "fixed"

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.amount = Decimal(data["amount"])

    def evaluate(self, ctx: Context) -> Decimal:
        ctx.step("step.fixed", self.ref, amount=Money(self.amount))
        return self.amount


class Rate(Node):
    kind = "rate"

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.base: str = data["base"]
        self.rate = Decimal(data["rate"])

    def evaluate(self, ctx: Context) -> Decimal:
        item = ctx.inputs[self.base]
        base: Decimal = ctx.get(self.base)
        if base == 0:
            return ctx.why("why.zero_base", self.ref, label=item.label)
        result = base * self.rate
        ctx.step("step.rate", self.ref, label=item.label, base=item.shown(base),
                 rate=Percent(self.rate), result=Money(result))
        return result


class PerUnit(Node):
    kind = "per_unit"

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.quantity: str = data["quantity"]
        self.price = Table(data["price"])
        self.limit: str | None = data.get("limit")

    def evaluate(self, ctx: Context) -> Decimal:
        item = ctx.inputs[self.quantity]
        picked = self.price.pick(ctx, self.ref)
        if picked is None:
            return ZERO
        quantity: Decimal = ctx.get(self.quantity)
        if quantity == 0:
            return ctx.why("why.zero_base", self.ref, label=item.label)
        if self.limit is not None:
            quantity = self._limited(ctx, item, quantity)
        result = quantity * picked[0]
        ctx.step("step.per_unit", self.ref, label=item.label, quantity=item.shown(quantity),
                 price=Money(picked[0]), result=Money(result))
        return result

    def _limited(self, ctx: Context, item: InputDef, quantity: Decimal) -> Decimal:
        """``limit`` names an input that, when given (non-zero), bounds the units that count:
        e.g. only the minutes an earlier payment covered earn its top-up."""
        assert self.limit is not None
        bound: Decimal = ctx.get(self.limit)
        if bound == 0 or quantity <= bound:
            return quantity
        ctx.step("step.unit_limit", self.ref, label=item.label, quantity=item.shown(quantity),
                 limit_label=ctx.inputs[self.limit].label, limit=item.shown(bound),
                 excess=item.shown(quantity - bound))
        return bound


class Lookup(Node):
    kind = "lookup"

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.table = Table(data["table"])
        self.previous: str | None = data.get("previous")

    def evaluate(self, ctx: Context) -> Decimal:
        item = ctx.inputs[self.table.input]
        picked = self.table.pick(ctx, self.ref)
        if picked is None:
            return ZERO
        amount, choice = picked
        if self.previous is not None:
            before = ctx.get(self.previous)
            earlier = ctx.inputs[self.previous].choices[before]
            if self.table.rows.get(before, ZERO) >= amount:
                ctx.step("step.same_tier", self.ref, previous=earlier, choice=choice)
                return ctx.why("why.same_tier", self.ref, previous=earlier)
        if not self.table.highest:
            ctx.step("step.lookup", self.ref, label=item.label, choice=choice,
                     amount=Money(amount))
        return amount


class Milestones(Node):
    kind = "milestones"
    modes = ("each", "highest", "differential")

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.value: str = data["value"]
        self.previous: str = data["previous"]
        self.rows = sorted((Decimal(r["threshold"]), Decimal(r["amount"])) for r in data["rows"])
        self.inclusive: bool = data["inclusive"]
        self.mode: str = data.get("mode") or "each"
        self.mode_input: str | None = data.get("mode_input")
        self.received: str | None = data.get("received")

    def _reached(self, value: Decimal, threshold: Decimal) -> bool:
        return value >= threshold if self.inclusive else value > threshold

    def evaluate(self, ctx: Context) -> Decimal:
        value, previous = ctx.get(self.value), ctx.get(self.previous)
        mode = ctx.get(self.mode_input) if self.mode_input else self.mode
        if mode not in self.modes:  # pragma: no cover - the data check refuses other choices
            raise ValueError(f"unknown milestone mode {mode!r}")
        new = [(t, a) for t, a in self.rows
               if self._reached(value, t) and not self._reached(previous, t)]
        for threshold, amount in new:
            ctx.step("step.milestone", self.ref, threshold=Money(threshold),
                     previous=Money(previous), value=Money(value), amount=Money(amount))
        if not new:
            return ctx.why("why.milestone", self.ref, value=Money(value), previous=Money(previous))
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
            ctx.step("step.milestone_highest", self.ref, result=Money(top))
            return top
        # Like 1.3's 差额: what was actually received comes off, not the amount of a milestone
        # reached before the measures (never paid under them).
        received: Decimal = ctx.get(self.received) if self.received else ZERO
        total = max(top - received, ZERO)
        ctx.step("step.milestone_differential", self.ref, top=Money(top),
                 received=Money(received), result=Money(total))
        return total


class Cap(Node):
    """min(amount, cap). Amounts already received in the cap's scope come off either

    * the **entitlement** (``less_from: entitlement``) when the amount is computed on the scope's
      whole base (the year's invoices, the whole investment): min(amount, cap) − received;
      taking them off the cap instead would pay again for spending already subsidised; or
    * the **cap** (``less_from: cap``) when the amount is computed on the new claim alone (a newly
      passed certification's fee): min(amount, cap − received).
    """

    kind = "cap"
    less_froms = ("entitlement", "cap")

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.of = Node.build(data["of"])
        self.max = Decimal(data["max"]) if data.get("max") is not None else None
        self.max_by = Table(data["max_by"]) if data.get("max_by") else None
        self.less: list[str] = data.get("less", [])
        self.less_from: str = data.get("less_from") or "entitlement"
        self.scope = Label.of(data["scope"])

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
        if self.less_from == "entitlement":
            return self._off_entitlement(ctx, amount, cap, received)
        return self._off_cap(ctx, amount, cap, received)

    def _limit(self, ctx: Context, amount: Decimal, cap: Decimal) -> Decimal:
        if amount > cap:
            ctx.step("step.cap_hit", self.ref, amount=Money(amount), cap=Money(cap),
                     scope=self.scope)
            return cap
        ctx.step("step.cap_ok", self.ref, amount=Money(amount), cap=Money(cap), scope=self.scope)
        return amount

    def _off_entitlement(self, ctx: Context, amount: Decimal, cap: Decimal,
                         received: Decimal) -> Decimal:
        entitled = self._limit(ctx, amount, cap)
        if received == 0:
            return entitled
        result = max(entitled - received, ZERO)
        ctx.step("step.entitlement_less", self.ref, entitled=Money(entitled), scope=self.scope,
                 received=Money(received), result=Money(result))
        if result == 0:
            return ctx.why("why.entitlement_used", self.ref, entitled=Money(entitled),
                           received=Money(received), scope=self.scope)
        return result

    def _off_cap(self, ctx: Context, amount: Decimal, cap: Decimal,
                 received: Decimal) -> Decimal:
        room = max(cap - received, ZERO)
        if received > 0:
            ctx.step("step.cap_room", self.ref, cap=Money(cap), scope=self.scope,
                     received=Money(received), room=Money(room))
        if room == 0:
            return ctx.why("why.cap_used", self.ref, cap=Money(cap), scope=self.scope)
        return self._limit(ctx, amount, room)


class Threshold(Node):
    kind = "threshold"

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.input: str = data["input"]
        self.value = Decimal(data["value"])
        self.strict: bool = data["strict"]
        self.then = Node.build(data["then"])

    def evaluate(self, ctx: Context) -> Decimal:
        item = ctx.inputs[self.input]
        value = ctx.get(self.input)
        met = value > self.value if self.strict else value >= self.value
        suffix = "gt" if self.strict else "ge"
        shown = {"label": item.label, "value": item.shown(value), "limit": item.shown(self.value)}
        if not met:
            return ctx.why(f"why.threshold_{suffix}", self.ref, **shown)
        ctx.step(f"step.threshold_{suffix}", self.ref, **shown)
        return self.then.evaluate(ctx)


class Require(Node):
    kind = "require"

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.input: str = data["input"]
        self.equals: bool = data.get("equals", True)
        self.then = Node.build(data["then"])

    def evaluate(self, ctx: Context) -> Decimal:
        item = ctx.inputs[self.input]
        value = ctx.get(self.input)
        answer = ctx.answer(value)
        if value != self.equals:
            return ctx.why("why.require", self.ref, label=item.label, answer=Label.of(answer))
        ctx.step("step.require", self.ref, label=item.label, answer=Label.of(answer))
        return self.then.evaluate(ctx)


class Differential(Node):
    kind = "differential"

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.of = Node.build(data["of"])
        self.less: str = data["less"]

    def evaluate(self, ctx: Context) -> Decimal:
        amount = self.of.evaluate(ctx)
        if amount == 0:
            return ZERO
        received: Decimal = ctx.get(self.less)
        if received == 0:
            return amount
        result = max(amount - received, ZERO)
        ctx.step("step.differential", self.ref, amount=Money(amount), received=Money(received),
                 result=Money(result))
        if result == 0:
            return ctx.why("why.differential", self.ref, amount=Money(amount),
                           received=Money(received))
        return result


class Sum(Node):
    kind = "sum"

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.items = [Node.build(item) for item in data["items"]]

    def evaluate(self, ctx: Context) -> Decimal:
        amounts = [item.evaluate(ctx) for item in self.items]
        total = sum(amounts, ZERO)
        terms = " + ".join(f"{{{i}}}" for i in range(len(amounts)))
        ctx.step("step.sum", self.ref,
                 terms=_Joined(terms, tuple(Money(a) for a in amounts)), result=Money(total))
        return total


@dataclass(frozen=True)
class _Joined:
    pattern: str
    parts: tuple[Money, ...]

    def local(self, lang: str) -> str:
        return self.pattern.format(*(p.local(lang) for p in self.parts))


class Ceiling(Node):
    kind = "ceiling"

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.amount = Decimal(data["amount"])

    def evaluate(self, ctx: Context) -> Decimal:
        ctx.formula = False
        ctx.step("step.ceiling", self.ref, amount=Money(self.amount))
        return self.amount
