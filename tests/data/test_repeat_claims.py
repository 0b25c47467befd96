"""Claiming a scope in two steps never pays more than claiming it once (analysis G-2).

For every rule node of the real data that takes "already received" into account, an enterprise
pays a first claim, feeds what it was paid back as "received" with the base it now has, and the
two awards together equal the award of one claim on everything — up to a fen (each step is
rounded once). Before the fix, 3.1 with fees of 200,000 claimed as 100,000 then 200,000 paid
30,000 + 60,000 = 90,000 against 60,000 in one go.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import calc
from calc.fmt import FEN
from calc.rules import Node, walk
from calc.rules.cap import Cap
from calc.rules.differential import Differential
from calc.rules.lookup import Lookup
from calc.rules.milestones import Milestones
from calc.rules.per_unit import PerUnit
from calc.rules.rate import Rate
from calc.selfcheck import Spec, assess_with
from generator.data.model import Measure

from .test_policy import CATALOG, POLICY


@dataclass(frozen=True)
class Scope:
    """One node that subtracts amounts already received, and how a second claim is made."""

    measure: str
    part: str
    received: tuple[str, ...]
    bases: tuple[str, ...]  # inputs the amount grows with, under the node
    whole: bool  # True: the second claim gives the scope's whole base; False: only the new part
    units: bool  # priced per unit, an earlier payment's units known (7.1: minutes shown twice)
    inputs: dict[str, Any]  # an example's inputs that make the part pay
    on: str


def _bases(node: Node) -> tuple[str, ...]:
    found: list[str] = []
    for _, n in walk(node):
        if isinstance(n, (Rate, PerUnit)):
            found.extend(n.grows())
    return tuple(found)


def _paying_example(measure: Measure, part: str, received: tuple[str, ...]) -> Any:
    for example in measure.examples:
        if any(Decimal(str(example.inputs.get(r, 0))) for r in received):
            continue
        result = calc.engine.estimate(CATALOG.get(measure.id), dict(example.inputs),
                                      example.on or POLICY.document.window.start)
        if any(p.id == part and p.award > 0 for p in result.parts):
            return example
    raise AssertionError(f"{measure.id} {part}: no example pays this part")


def scopes() -> list[Scope]:
    found = []
    for measure in POLICY.measures:
        for part in measure.parts:
            for _, node in walk(part.rule):
                if isinstance(node, Cap) and node.less:
                    received, whole = tuple(node.less), node.less_from == "entitlement"
                elif isinstance(node, Differential) and node.less:
                    received, whole = (node.less,), True
                else:
                    continue
                example = _paying_example(measure, part.id, received)
                bases = tuple(b for b in _bases(node.of) if b in example.inputs)
                units = any(isinstance(n, PerUnit) and n.paid for _, n in walk(node))
                found.append(Scope(measure.id, part.id, received, bases, whole, units,
                                   dict(example.inputs),
                                   (example.on or POLICY.document.window.start).isoformat()))
    return found


SCOPES = scopes()
BASE_SCOPES = [s for s in SCOPES if s.bases and not s.units]
UNIT_SCOPES = [s for s in SCOPES if s.units]


def received_inputs(measure: Measure) -> set[str]:
    names: set[str] = set()
    for part in measure.parts:
        for _, node in walk(part.rule):
            if isinstance(node, Cap):
                names.update(node.less)
            elif isinstance(node, Differential) and node.less:
                names.add(node.less)
    return names


def test_every_received_input_of_the_data_is_covered():
    """Each "already received" input of a cap or a top-up is exercised by a scope below."""
    declared = {(m.id, n) for m in POLICY.measures for n in received_inputs(m)}
    assert {(s.measure, n) for s in SCOPES for n in s.received} == declared
    assert {s.measure for s in SCOPES} >= {"1.3", "1.4", "3.1", "4.1", "5.1", "5.2", "6.1", "7.1"}


def part_award(scope: Scope, inputs: dict[str, Any]) -> Decimal:
    result = calc.engine.estimate(CATALOG.get(scope.measure), inputs, scope.on)
    (award,) = [p.award for p in result.parts if p.id == scope.part] or [Decimal(0)]
    return award


def two_steps(scope: Scope, scale: Decimal, share: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(first claim, second claim, one claim on everything) for a base scaled by ``scale`` of
    which the first claim covers ``share``."""
    measure = CATALOG.get(scope.measure)
    whole = {b: (value(measure, b, scope.inputs[b]) * scale).quantize(FEN) for b in scope.bases}
    first = {b: (v * share).quantize(FEN) for b, v in whole.items()}
    zero = {r: "0" for r in scope.received}
    once = part_award(scope, {**scope.inputs, **_text(whole), **zero})
    a1 = part_award(scope, {**scope.inputs, **_text(first), **zero})
    rest = whole if scope.whole else {b: whole[b] - first[b] for b in whole}
    paid = {scope.received[0]: str(a1), **{r: "0" for r in scope.received[1:]}}
    a2 = part_award(scope, {**scope.inputs, **_text(rest), **paid})
    return a1, a2, once


def value(measure: calc.engine.MeasureRules, name: str, raw: object) -> Decimal:
    """An example's input as the engine reads it (``"200万"`` → 2000000)."""
    parsed: Decimal = calc.inputs.parse_value(raw, measure.inputs[name], measure.limits)
    return parsed


def _text(values: dict[str, Decimal]) -> dict[str, str]:
    return {k: str(v) for k, v in values.items()}


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(scope=st.sampled_from(BASE_SCOPES),
       scale=st.decimals(min_value=Decimal("0.05"), max_value=Decimal("40"), places=2),
       share=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("0.99"), places=2))
def test_two_claims_never_pay_more_than_one(scope, scale, share):
    a1, a2, once = two_steps(scope, scale, share)
    assert abs(a1 + a2 - once) <= FEN, (scope.measure, scope.part, a1, a2, once)


def test_the_issue_example_pays_once():
    """3.1: a year's fees of 200,000, a first claim on 100,000 paid 30,000 → 30,000 more."""
    (scope,) = [s for s in BASE_SCOPES if s.measure == "3.1"]
    fee = value(CATALOG.get("3.1"), "fee", scope.inputs["fee"])
    a1, a2, once = two_steps(scope, Decimal(200000) / fee, Decimal("0.5"))
    assert a1 + a2 == once
    assert a2 == once - a1 > 0


@pytest.mark.parametrize("scope", [s for s in SCOPES if not s.bases and not s.units],
                         ids=lambda s: f"{s.measure}-{s.part}")
def test_a_higher_level_later_tops_up_to_that_level(scope):
    """Tier awards (1.3 DCMM levels, 1.4 B competition levels): the lower level first, then the
    higher one with what was paid as "received", adds up to the higher level's award."""
    measure = POLICY.measure(scope.measure)
    (part,) = [p for p in measure.parts if p.id == scope.part]
    (lookup,) = [n for _, n in walk(part.rule) if isinstance(n, Lookup)]
    rows = sorted(lookup.table.rows, key=lambda r: r.amount)
    for low, high in itertools.pairwise(rows):
        first = low.value
        second = f"{low.value},{high.value}" if lookup.table.highest else high.value
        zero = {r: "0" for r in scope.received}
        a1 = part_award(scope, {**scope.inputs, lookup.table.input: first, **zero})
        a2 = part_award(scope, {**scope.inputs, lookup.table.input: second,
                                scope.received[0]: str(a1)})
        once = part_award(scope, {**scope.inputs, lookup.table.input: second, **zero})
        assert a1 > 0 and a1 + a2 == once, (scope.measure, low.value, high.value)


def _levels(scope: Scope) -> tuple[PerUnit, Cap]:
    measure = POLICY.measure(scope.measure)
    (part,) = [p for p in measure.parts if p.id == scope.part]
    (node,) = [n for _, n in walk(part.rule) if isinstance(n, PerUnit) and n.paid]
    (cap,) = [n for _, n in walk(part.rule) if isinstance(n, Cap) and n.less]
    return node, cap


MINUTES = st.decimals(min_value=0, max_value=Decimal("1000"), places=1)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(scope=st.sampled_from(UNIT_SCOPES), lower=MINUTES, higher=MINUTES,
       given_minutes=st.booleans())
def test_units_paid_at_a_lower_price_then_a_higher_pay_once_at_the_highest(
        scope, lower, higher, given_minutes):
    """7.1 TV (A-7.1b): a first broadcast paid at the lower rate, then the higher level with what
    was paid as "received", pays what both at once pay when the higher level shows no more
    minutes — each minute once, at the highest rate it reached; minutes added at the higher
    level afterwards earn nothing. The minutes paid may be left to the amount received."""
    node, cap = _levels(scope)
    top, low = sorted(node.levels, key=lambda level: level.amount, reverse=True)[:2]
    shown = min(lower, higher)
    first = part_award(scope, {top.quantity: "0", low.quantity: str(lower)})
    paid = {node.paid: str(lower)} if given_minutes else {}
    later = {top.quantity: str(higher), low.quantity: str(lower), cap.less[0]: str(first),
             **paid}
    second = part_award(scope, later)
    once = part_award(scope, {top.quantity: str(shown), low.quantity: str(lower)})
    if first == 0:  # nothing was paid: the later claim is a first claim
        return
    assert abs(first + second - once) <= FEN, (lower, higher, first, second, once)


MILESTONES = [(m, n) for m in POLICY.measures for p in m.parts for _, n in walk(p.rule)
              if isinstance(n, Milestones) and n.received]
REVENUES = st.decimals(min_value=0, max_value=Decimal("300000000"), places=2)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(case=st.sampled_from(MILESTONES), values=st.lists(REVENUES, min_size=3, max_size=3))
def test_milestones_reached_over_two_years_pay_as_one_under_the_difference_reading(case, values):
    """1.5 reading C (and the primary reading A): a milestone reached one year, then a higher one
    a later year with the first award as "received", pays what reaching the higher one at once
    pays. (Reading B pays per year and so may pay more over two years, by design.)"""
    measure, node = case
    before, first, second = sorted(values)
    engine = CATALOG.get(measure.id)
    (example,) = [e for e in measure.examples if node.value in e.inputs][:1]
    on = (example.on or POLICY.document.window.start).isoformat()
    mode_input = node.mode_input or ""
    for mode in ("differential", "each"):
        base = {**example.inputs, **({mode_input: mode} if mode_input else {})}

        def award(value: Decimal, best: Decimal, received: Decimal,
                  base: dict[str, Any] = base) -> Decimal:
            inputs = {**base, node.value: str(value), node.previous: str(best),
                      node.received: str(received)}
            return calc.engine.estimate(engine, inputs, on).award

        a1 = award(first, before, Decimal(0))
        a2 = award(second, first, a1)
        assert a1 + a2 == award(second, before, Decimal(0)), (mode, before, first, second)


def test_the_self_check_takes_received_amounts_off_the_same_way():
    """``calc assess``: a profile that carries amounts already received gets, per measure, what
    ``estimate`` gives for the second claim, so the two-step total equals the one-step award."""
    checked = 0
    for scope in BASE_SCOPES:
        engine = CATALOG.get(scope.measure)
        links = {i.name: i.profile for i in POLICY.measure(scope.measure).inputs if i.profile}
        if not all(links.get(n) and links[n].contains is None
                   for n in (*scope.bases, *scope.received)):
            continue
        a1, a2, once = two_steps(scope, Decimal(3), Decimal("0.4"))
        whole = {b: (value(engine, b, scope.inputs[b]) * 3).quantize(FEN) for b in scope.bases}
        if not scope.whole:  # the second claim's base is only what the first did not cover
            whole = {b: v - (v * Decimal("0.4")).quantize(FEN) for b, v in whole.items()}
        whole = {b: str(v) for b, v in whole.items()}
        profile = {links[b].field: v for b, v in whole.items()}
        profile[links[scope.received[0]].field] = str(a1)
        report = assess_with(CATALOG, _eligible_profile(scope, profile), scope.on)
        (row,) = [r for r in report["rows"] if r["measure"] == scope.measure]
        second = calc.engine.estimate(engine, {**scope.inputs, **whole,
                                               scope.received[0]: str(a1)}, scope.on)
        assert Decimal(row["award"]) == second.award, scope.measure
        assert [p.award for p in second.parts if p.id == scope.part] == [a2]
        assert a2 == once - a1 > 0, scope.measure
        checked += 1
    assert checked >= 4


def _eligible_profile(scope: Scope, profile: dict[str, Any]) -> dict[str, Any]:
    """The example's yes/no and choice answers, translated to the profile's fields and gates."""
    out: dict[str, Any] = {}
    links = {i.name: i.profile for i in POLICY.measure(scope.measure).inputs}
    for name, raw in scope.inputs.items():
        link = links[name]
        if link is None or name in scope.bases:
            continue
        if link.contains is not None:
            if raw is True:
                out.setdefault(link.field, []).append(link.contains)
        else:
            out[link.field] = "yes" if raw is True else "no" if raw is False else raw
    out.update(profile)
    for section in Spec.of(CATALOG).sections:
        if section.get("gate"):
            out[section["gate"]] = "yes"
    return out
