"""Estimate one measure's award: validity window, rule tree, one rounding, funding split."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from .alternatives import patched
from .documents import Window
from .errors import CalcError
from .fmt import FEN, Label, Money, award_texts, money_texts, to_fen
from .inputs import InputDef, parse_date, parse_value
from .messages import bilingual
from .parameters import Dated, Value, bind, original, values_on
from .parameters import read as read_parameters
from .rules import ZERO, Context, Node, walk


@dataclass(frozen=True)
class Alternative:
    """An alternative reading that changes one part's rule, or who pays (bundle
    ``alternatives``)."""

    ref: str
    label: Label
    part: str | None
    rule: Any  # the part's raw rule tree with the patch applied, parameters still named
    funding: str | None = None  # "city_only": the reading has the city pay it all


@dataclass(frozen=True)
class RulePart:
    id: str
    title: Label
    upper: bool
    rule: Node


@dataclass(frozen=True)
class MeasureRules:
    """One measure, ready to compute. ``parts`` are its rules as the measure states them (their
    ids, titles and bounds); an estimate computes with :meth:`parts_on` its date."""

    id: str
    document: str
    title: Label
    window: Window
    window_ref: str
    clause: str
    city_share: Decimal  # the city's fraction of the award (1 for city-only measures)
    ratio: tuple[int, int]
    funding_ref: str
    parts: tuple[RulePart, ...]
    inputs: dict[str, InputDef]
    limits: dict[str, Decimal]
    warn_days: int
    data: dict[str, Any] = field(repr=False)
    parameters: dict[str, Dated] = field(default_factory=dict, repr=False)
    alternatives: tuple[Alternative, ...] = ()
    _built: dict[tuple[Value, ...], tuple[RulePart, ...]] = field(default_factory=dict,
                                                                  repr=False, compare=False)

    @property
    def start(self) -> dt.date:
        return self.window.start

    @property
    def end(self) -> dt.date:
        """The last day in force, as last amended."""
        return self.window.last_end

    def parts_on(self, day: dt.date) -> tuple[RulePart, ...]:
        """The rule trees with each named parameter bound to its value in force on ``day``
        (built once per distinct set of values)."""
        return self._bound(values_on(self.parameters, day))

    def _bound(self, values: dict[str, Value]) -> tuple[RulePart, ...]:
        key = tuple(values[name] for name in sorted(values))
        if key not in self._built:
            self._built[key] = _parts(bind(self.data["parts"], values))
        return self._built[key]

    def alternative_parts(self, alt: Alternative, day: dt.date) -> tuple[RulePart, ...]:
        """The parts in force on ``day`` with one part's rule read the alternative way."""
        if alt.rule is None:
            return self.parts_on(day)
        values = values_on(self.parameters, day)
        return tuple(RulePart(p.id, p.title, p.upper, Node.build(bind(alt.rule, values)))
                     if p.id == alt.part else p for p in self.parts_on(day))

    def status(self, day: dt.date) -> str:
        """not_yet, in_force, ends_early, ends_soon, expired or replaced (calc.documents)."""
        return self.window.state(day)

    @classmethod
    def from_bundle(cls, doc: dict[str, Any], data: dict[str, Any],
                    parameters: dict[str, Dated] | None = None,
                    replaced_on: dt.date | None = None,
                    ends: tuple[tuple[dt.date, dt.date], ...] = ()) -> MeasureRules:
        """One measure of a bundle document; ``parameters`` with the amendments of other
        documents merged in (``calc.parameters.timelines``; its own values without them),
        ``replaced_on`` the day a successor replaces the document, ``ends`` the amended ends
        of its window (from, end)."""
        window = data.get("validity") or doc["window"]
        funding = doc["funding"]
        ratio = RATIOS.get(data["funding"]) or (funding["city"], funding["county"])
        limits = doc["limits"]
        own = read_parameters(data.get("parameters", {}))
        end = min(dt.date.fromisoformat(window["end"]), dt.date.fromisoformat(doc["window"]["end"]))
        return cls(
            id=data["id"],
            document=doc["id"],
            title=Label.of(data["title"]),
            window=Window(max(dt.date.fromisoformat(window["start"]),
                              dt.date.fromisoformat(doc["window"]["start"])),
                          ((None, end), *ends), limits["expiry_warning_days"], replaced_on,
                          end < dt.date.fromisoformat(doc["window"]["end"])),
            window_ref=window["ref"],
            clause=data["clause"]["zh"],
            city_share=Decimal(ratio[0]) / Decimal(sum(ratio)),
            ratio=ratio,
            funding_ref=data["funding_ref"],
            parts=_parts(bind(data["parts"], original(own))),
            inputs={i["name"]: InputDef.from_bundle(i) for i in data["inputs"]},
            limits={"max_amount": Decimal(limits["max_amount"]),
                    "max_quantity": Decimal(limits["max_quantity"])},
            warn_days=limits["expiry_warning_days"],
            data=data,
            parameters=own if parameters is None else parameters,
            alternatives=_alternatives(data),
        )


# Measures paid by one level alone: (city, county) shares.
RATIOS = {"city_only": (1, 0), "county_only": (0, 1)}


def _alternatives(data: dict[str, Any]) -> tuple[Alternative, ...]:
    rules = {p["id"]: p["rule"] for p in data["parts"]}
    default = bilingual("alt.reading")
    return tuple(Alternative(a["ref"], Label.of(a.get("label") or default), a.get("part"),
                             patched(rules[a["part"]], a["at"], a["node"])
                             if a.get("node") is not None else None, a.get("funding"))
                 for a in data.get("alternatives") or [])


def _parts(data: list[dict[str, Any]]) -> tuple[RulePart, ...]:
    return tuple(RulePart(p["id"], Label.of(p["title"]), p["bound"] == "upper",
                          Node.build(p["rule"])) for p in data)


@dataclass(frozen=True)
class PartResult:
    id: str
    title: Label
    award: Decimal
    upper_bound: bool


@dataclass(frozen=True)
class Estimate:
    """The answer: amounts are ``Decimal`` rounded to the fen; texts are bilingual.
    ``entitled`` + ``up_to`` = ``award``: the parts computed by a standard, and those the
    policy states as a ceiling ("不超过/最高"), split the way the parts' subtotals are."""

    measure: str
    on: dt.date
    award: Decimal
    city: Decimal
    county: Decimal
    upper_bound: bool
    eligible: bool
    formula: bool
    parts: tuple[PartResult, ...]
    steps: tuple[dict[str, Any], ...]
    reasons: tuple[dict[str, Any], ...]
    warnings: tuple[dict[str, str], ...]
    missing: tuple[dict[str, str], ...] = ()
    alternatives: tuple[dict[str, Any], ...] = ()
    hints: tuple[dict[str, Any], ...] = ()  # what would qualify or reach the next tier

    @property
    def up_to(self) -> Decimal:
        return to_fen(sum((p.award for p in self.parts if p.upper_bound), ZERO))

    @property
    def entitled(self) -> Decimal:
        return self.award - self.up_to

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: amounts as decimal strings."""
        return {
            "measure": self.measure,
            "on": self.on.isoformat(),
            "award": str(self.award),
            "entitled": str(self.entitled),
            "up_to": str(self.up_to),
            "city": str(self.city),
            "county": str(self.county),
            "upper_bound": self.upper_bound,
            "eligible": self.eligible,
            "formula": self.formula,
            "parts": [{"id": p.id, "title": {"zh": p.title.zh, "en": p.title.en},
                       "award": str(p.award), "upper_bound": p.upper_bound} for p in self.parts],
            "steps": list(self.steps),
            "reasons": list(self.reasons),
            "warnings": list(self.warnings),
            "missing": list(self.missing),
            "alternatives": list(self.alternatives),
            "hints": list(self.hints),
            # The amounts written out in each language (calc/fmt.py): the page shows these;
            # ``headline`` is the award as its parts' bounds state it ("up to", or both shares).
            "shown": {**{key: money_texts(getattr(self, key))
                         for key in ("award", "entitled", "up_to", "city", "county")},
                      "headline": award_texts(self.entitled, self.up_to)},
        }


def check_window(measure: MeasureRules, on: dt.date) -> None:
    """Refuse a date the measure is not in force on (its status says why)."""
    state = measure.status(on)
    if state == "not_yet":
        raise CalcError("error.not_yet", "on", measure=measure.id, start=measure.start, on=on)
    if state == "expired":
        raise CalcError("error.expired", "on", measure=measure.id, end=measure.window.end_on(on),
                        on=on)
    if state == "replaced":
        raise CalcError("error.replaced", "on", measure=measure.id,
                        day=measure.window.replaced_on, on=on)


def parse_inputs(measure: MeasureRules, raw: dict[str, Any]) -> dict[str, Any]:
    """Every given value parsed now, so a bad one is reported even if the rule never reads it."""
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in measure.inputs:
            raise CalcError("error.unknown_input", name, measure=measure.id, name=name,
                            known=", ".join(measure.inputs) or "—")
        values[name] = parse_value(value, measure.inputs[name], measure.limits)
    return values


def split(measure: MeasureRules, award: Decimal,
          ratio: tuple[int, int] | None = None) -> tuple[Decimal, Decimal]:
    """City share rounded to the fen; the county gets the rest, so the two always add up
    (``ratio``: another reading's split, city : county)."""
    city_share = measure.city_share if ratio is None else Decimal(ratio[0]) / sum(ratio)
    city = to_fen(award * city_share)
    return city, award - city


def allocate(amounts: list[Decimal], total: Decimal) -> list[Decimal]:
    """Parts in fen that add up to ``total`` (the exact sum rounded once): each part is cut
    down to the fen, and the fen left over go to the parts that lost most (largest remainder),
    so the parts shown never disagree with the award."""
    floors = [a.quantize(FEN, rounding=ROUND_DOWN) for a in amounts]
    left = int((total - sum(floors, ZERO)) / FEN)
    order = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += FEN
    return floors


def _moot(part: RulePart, ctx: Context, field: str | None) -> Context | None:
    """An unanswered yes/no or single-choice question this part cannot pay with, whatever the
    answer (1.4's "is the winning project in use?" when no award was won): the evaluation with
    its first answer, whose reasons say why nothing is paid; None when an answer matters."""
    item = ctx.inputs.get(field or "")
    if item is None or item.type not in ("bool", "choice"):
        return None
    first = None
    for answer in (True, False) if item.type == "bool" else tuple(item.choices):
        probe = Context(ctx.inputs, {**ctx.values, item.name: answer}, ctx.limits,
                        english=ctx.english)
        try:
            if part.rule.evaluate(probe) > 0:
                return None
        except CalcError:  # another question unanswered: this one may matter
            return None
        first = first or probe
    return first


def _evaluate_part(part: RulePart, ctx: Context, lenient: bool,
                   missing: list[CalcError]) -> Decimal | None:
    """A part's amount; with ``lenient``, None (and the steps it wrote undone) when it lacks an
    input that could change it, so the self-check can still count the parts it can compute."""
    marks = len(ctx.steps), len(ctx.reasons)
    try:
        return part.rule.evaluate(ctx)
    except CalcError as error:
        if not lenient or error.code != "error.missing":
            raise
        del ctx.steps[marks[0]:], ctx.reasons[marks[1]:]
        moot = _moot(part, ctx, error.field)
        if moot is not None:
            ctx.reasons += moot.reasons
            return ZERO
        missing.append(error)
        return None


def _computed(measure: MeasureRules, day: dt.date, ctx: Context, lenient: bool,
           missing: list[CalcError]) -> list[tuple[RulePart, Decimal, int]]:
    """Each part computed: (part, exact amount, where its subtotal step goes). With several
    parts, each reason says which part it is about."""
    several = len(measure.parts) > 1
    exact = []
    for part in measure.parts_on(day):
        mark = len(ctx.reasons)
        found = _evaluate_part(part, ctx, lenient and several, missing)
        if several:
            for reason in ctx.reasons[mark:]:
                reason.update(bilingual("why.part", title=part.title,
                                        why=Label(reason["zh"], reason["en"])))
        if found is not None:
            exact.append((part, found, len(ctx.steps)))
    return exact


def _subtotals(measure: MeasureRules, ctx: Context, exact: list[tuple[RulePart, Decimal, int]],
               shown: list[Decimal], award: Decimal) -> None:
    """Each part's subtotal, citing the clause that states its amount (the node holding its
    figures, not a condition that gates it)."""
    for (part, _, at), fen in reversed(list(zip(exact, shown, strict=True))):
        source = part.rule.amount_node()
        ctx.steps.insert(at, ctx.note("step.part", source.ref,
                                      tuple(source.amount_figures()), title=part.title,
                                      amount=Money(fen)))
    if shown != [to_fen(amount) for _, amount, _ in exact]:
        ctx.step("step.parts_allocated", measure.clause, amount=Money(award))


def _warnings(measure: MeasureRules, ctx: Context, day: dt.date,
              parts: list[PartResult]) -> list[dict[str, str]]:
    up_to = sum((p.award for p in parts if p.upper_bound), ZERO)
    entitled = sum((p.award for p in parts if not p.upper_bound), ZERO)
    found = []
    if not ctx.formula:
        found.append({**bilingual("warn.no_formula"), "ref": measure.clause,
                      "ref_en": ctx.english_ref(measure.clause)})
    elif any(p.upper_bound for p in parts):
        bound = (bilingual("warn.upper_bound") if entitled == 0 else
                 bilingual("warn.upper_bound_part", up_to=Money(up_to), entitled=Money(entitled)))
        found.append({**bound, "ref": measure.clause, "ref_en": ctx.english_ref(measure.clause)})
    if measure.status(day) == "ends_soon":
        found.append({**bilingual("warn.expires", end=measure.window.end_on(day)),
                      "ref": measure.window_ref,
                      "ref_en": ctx.english_ref(measure.window_ref)})
    return found


def estimate(measure: MeasureRules, raw: dict[str, Any], on: dt.date | str | None = None,
             *, lenient: bool = False) -> Estimate:
    day = parse_date(on)
    values = parse_inputs(measure, raw)
    check_window(measure, day)
    ctx = Context(measure.inputs, values, measure.limits,
                  english=english(measure.parts_on(day)))
    missing: list[CalcError] = []
    exact = _computed(measure, day, ctx, lenient, missing)
    award = to_fen(sum((amount for _, amount, _ in exact), ZERO))
    shown = allocate([amount for _, amount, _ in exact], award)
    parts = [PartResult(part.id, part.title, fen, part.upper and amount > 0)
             for (part, amount, _), fen in zip(exact, shown, strict=True)]
    if len(measure.parts) > 1:
        _subtotals(measure, ctx, exact, shown, award)
    city, county = split(measure, award)
    ctx.step("step.total", measure.clause, amount=Money(award))
    if award > 0:
        if not measure.ratio[0]:
            ctx.step("step.split_county", measure.funding_ref, county=Money(county))
        elif measure.ratio[1]:
            ctx.step("step.split_shared", measure.funding_ref, city_ratio=measure.ratio[0],
                     county_ratio=measure.ratio[1], city=Money(city), county=Money(county))
        else:
            ctx.step("step.split_city", measure.funding_ref, city=Money(city))
    if missing and not parts:
        raise missing[0]
    upper = any(p.upper_bound for p in parts)
    alternatives = tuple(_alternative(measure, alt, day, values, (award, city))
                         for alt in measure.alternatives)
    return Estimate(
        measure=measure.id, on=day, award=award, city=city, county=county, upper_bound=upper,
        eligible=award > 0, formula=ctx.formula, parts=tuple(parts), steps=tuple(ctx.steps),
        reasons=tuple(ctx.reasons), warnings=tuple(_warnings(measure, ctx, day, parts)),
        missing=tuple({"zh": e.zh, "en": e.en, "field": e.field or ""} for e in missing),
        alternatives=tuple(a for a in alternatives if a is not None),
        hints=_hints(measure, day, values, award),
    )


def english(parts: tuple[RulePart, ...]) -> dict[str, str]:
    """Each rule reference's English form (the data's ``ref_en``), by the Chinese one."""
    return {node.ref: node.ref_en for part in parts for _, node in walk(part.rule)
            if node.ref_en}


@dataclass(frozen=True)
class _Quiet:
    """An award computed without explanation (another reading, a hint): its total and the
    share of it the policy states as a ceiling, split like an estimate's parts."""

    award: Decimal
    up_to: Decimal

    def texts(self) -> dict[str, str]:
        return award_texts(self.award - self.up_to, self.up_to)


def _quiet(measure: MeasureRules, parts: tuple[RulePart, ...],
           values: dict[str, Any]) -> _Quiet | None:
    """The rounded award of these parts for these values, without explanation (None when they
    cannot be computed, e.g. an input they need was not given)."""
    ctx = Context(measure.inputs, dict(values), measure.limits)
    try:
        exact = [part.rule.evaluate(ctx) for part in parts]
    except CalcError:  # an input not given (the primary award was computed without it)
        return None
    award = to_fen(sum(exact, ZERO))
    shown = allocate(exact, award)
    up_to = sum((fen for part, fen in zip(parts, shown, strict=True) if part.upper), ZERO)
    return _Quiet(award, to_fen(up_to))


def _alternative(measure: MeasureRules, alt: Alternative, day: dt.date, values: dict[str, Any],
                 primary: tuple[Decimal, Decimal]) -> dict[str, Any] | None:
    """The award under one alternative reading (None when it needs an input not given): the
    same inputs, the same single rounding, one part's rule read the other way or the award
    split another way."""
    found = _quiet(measure, measure.alternative_parts(alt, day), values)
    if found is None:
        return None
    city, county = split(measure, found.award, None if alt.funding is None else (1, 0))
    amount = Label(**found.texts())
    text = (bilingual("alt.award", label=alt.label, amount=amount) if alt.funding is None else
            bilingual("alt.award_split", label=alt.label, amount=amount, city=Money(city),
                      county=Money(county)))
    return {"ref": alt.ref, "label": {"zh": alt.label.zh, "en": alt.label.en},
            "award": str(found.award), "city": str(city), "county": str(county),
            "differs": (found.award, city) != primary, **text}


def _hints(measure: MeasureRules, day: dt.date, values: dict[str, Any],
           primary: Decimal) -> tuple[dict[str, Any], ...]:
    """What would qualify or reach the next tier: each primitive proposes the smallest value of
    one of its inputs that would (a threshold's bound, the next milestone, the next level);
    those that raise the award are kept, with the award they would give."""
    parts = measure.parts_on(day)
    probe = Context(measure.inputs, dict(values), measure.limits)
    proposed: dict[str, Any] = {}
    for part in parts:
        for _, node in walk(part.rule):
            try:
                for name, value in node.nearest(probe):
                    proposed.setdefault(name, value)
            except CalcError:  # an input not given yet: nothing to propose from it
                continue
    found = []
    for name, value in proposed.items():
        award = _quiet(measure, parts, {**values, name: value})
        if award is None or award.award <= primary:
            continue
        item = measure.inputs[name]
        shown = Label(**award.texts())
        if item.type == "choice":
            text = bilingual("hint.choice", label=item.label, choice=item.choices[value],
                             award=shown)
        else:
            text = bilingual("hint.value", label=item.label, value=item.shown(value),
                             award=shown)
        found.append({"input": name, "value": str(value), "award": str(award.award), **text})
    return tuple(found)
