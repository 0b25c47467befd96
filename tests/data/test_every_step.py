"""Every step says exactly what it does (issue 20, "make the class impossible"), over every
worked example and a generated grid of inputs for every measure:

* the clause a step cites states each policy figure the step applies (``figures``: a cap, a
  rate, a unit price, a threshold it tests), as the law writes it — and the step shows it;
* a part's subtotal cites a clause that states the part's amount, not a condition gating it;
* no comparison word (exceeds, reaches, is within, 超过, 达到 …) contradicts the two figures it
  compares as they are shown, to the fen;
* an award's entitlement share holds no part the policy states as a ceiling, and the two shares
  add up to the award.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from itertools import combinations
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import calc
from calc.fmt import FEN, Money, Percent, Quantity, to_fen
from generator.data.model import Input, Measure, Parameter
from generator.data.parameters import en_forms, zh_forms

from .test_policy import CATALOG, POLICY

MEASURES = POLICY.measures

# ---------------------------------------------------------------- a figure, as written


def _parameter(figure: str) -> Parameter:
    return Parameter(value=figure, ref="“”")


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("CNY", "")


def _in_step(figure: str, text: str, lang: str) -> bool:
    """The step shows the figure: as money, a quantity or a rate."""
    if figure.endswith("%"):
        return Percent(Decimal(figure[:-1]) / 100).local(lang) in text
    value = Decimal(figure)
    return any(form in text for form in (Money(value).local(lang),
                                          Quantity(value, "minute").local(lang)))


def check_figures(note: dict[str, Any]) -> None:
    """Each figure a step applies is in the clause it cites and in the step, zh and en (a
    subtotal shows its sum, and cites the clause whose figures state it)."""
    for figure in note["figures"]:
        forms = zh_forms(_parameter(figure)), en_forms(_parameter(figure))
        assert any(f in _squeezed(note["ref"]) for f in forms[0]), (figure, note["ref"])
        assert any(f in _squeezed(note["ref_en"]) for f in forms[1]), (figure, note["ref_en"])
        for lang in ("zh", "en"):
            assert note["code"] == "step.part" or _in_step(figure, note[lang], lang), (
                figure, note[lang])


# ---------------------------------------------------------------- comparisons, as shown

NUM = {"en": r"CNY [\d,]+\.\d\d|[\d,.]+ min", "zh": r"[\d,]+\.\d\d 元|[\d,.]+分钟"}
WORDS = {"en": {"exceeds": ">", "does not exceed": "<=", "is within": "<=", "reaches": ">=",
                "does not reach": "<", "is not less than": ">="},
         "zh": {"超过": ">", "未超过": "<=", "达到": ">=", "未达到": "<", "不低于": ">="}}
BEFORE = {"en": r"(?: already received)? ", "zh": r" ?"}
AFTER = {"en": r" (?:the cap of |the )?", "zh": r"(?:上限的剩余额度|上限|本档金额)? ?"}
MILESTONE = {"en": r"First time reaching ({n}) \(best before ({n}), now ({n})\)",
             "zh": r"首次达到 ({n})（此前最高 ({n})，本次 ({n})）"}
HOLDS = {">": Decimal.__gt__, ">=": Decimal.__ge__, "<": Decimal.__lt__, "<=": Decimal.__le__}


def _value(shown: str) -> Decimal:
    return Decimal(re.sub(r"[^\d.]", "", shown))


def _comparisons(text: str, lang: str) -> list[tuple[Decimal, str, Decimal]]:
    """(left, relation, right) of every comparison in a sentence, as its figures are shown.
    A comparison word next to a figure that no pattern reads fails: a new sentence must be
    taught here, not pass unread."""
    num, found, read = NUM[lang], [], []
    words = "|".join(sorted(map(re.escape, WORDS[lang]), key=len, reverse=True))
    pattern = re.compile(rf"({num}){BEFORE[lang]}({words}){AFTER[lang]}({num})")
    for match in pattern.finditer(text):
        found.append((_value(match[1]), WORDS[lang][match[2]], _value(match[3])))
        read.append(match.span())
    for match in re.finditer(MILESTONE[lang].format(n=num), text):
        threshold, before, now = map(_value, match.groups())
        found += [(now, ">=", threshold), (before, "<", threshold)]
        read.append(match.span())
    for word in WORDS[lang]:
        for at in (m.start() for m in re.finditer(re.escape(word), text)):
            end = at + len(word)
            near = (re.search(rf"({num}){BEFORE[lang]}$", text[:at])
                    or re.match(rf"{AFTER[lang]}({num})", text[end:]))
            assert not near or any(a <= at and end <= b for a, b in read), (word, text)
    return found


def check_comparisons(note: dict[str, Any]) -> int:
    count = 0
    for lang in ("zh", "en"):
        for left, relation, right in _comparisons(note[lang], lang):
            assert HOLDS[relation](left, right), (note[lang], left, relation, right)
            count += 1
    return count


# ---------------------------------------------------------------- one estimate


def check(measure: Measure, result: calc.Estimate) -> int:
    """Every claim of one estimate; the number of comparisons read (so the test is not vacuous)."""
    compared = 0
    for note in (*result.steps, *result.reasons):
        check_figures(note)
        compared += check_comparisons(note)
    for step in result.steps:
        if step["code"] == "step.part":  # a subtotal states the part's amount: a figure
            assert step["figures"], step
    bound = {p.id: p.bound for p in measure.parts}
    upper = sum((p.award for p in result.parts if bound[p.id] == "upper"), Decimal(0))
    exact = sum((p.award for p in result.parts if bound[p.id] == "exact"), Decimal(0))
    assert (result.entitled, result.up_to) == (to_fen(exact), to_fen(upper))
    assert result.entitled + result.up_to == result.award
    shown = result.as_dict()["shown"]["headline"]
    assert ("up to" in shown["en"]) == (upper > 0), shown
    return compared


def estimate(measure: Measure, inputs: dict[str, Any], on: dt.date) -> calc.Estimate:
    return calc.engine.estimate(CATALOG.get(measure.id), inputs, on)


EXAMPLES = [pytest.param(m, e, id=f"{m.id}-{i}") for m in MEASURES
            for i, e in enumerate(m.examples)]


@pytest.mark.parametrize(("measure", "example"), EXAMPLES)
def test_every_worked_example_says_exactly_what_it_does(measure, example):
    check(measure, estimate(measure, dict(example.inputs),
                            example.on or POLICY.document.window.start))


def test_the_checks_read_the_comparisons_they_guard():
    """The worked examples' cap, threshold and milestone steps are all read."""
    read = sum(check(m, estimate(m, dict(e.inputs), e.on or POLICY.document.window.start))
               for m in MEASURES for e in m.examples)
    assert read >= 100


# ---------------------------------------------------------------- a generated grid


def _near(measure: Measure) -> list[Decimal]:
    """Amounts where a step's words change: each figure, a fen either side, and the bases at
    which a rate or a unit price reaches a figure (666,666.67 × 30 % is 200,000.001)."""
    amounts = [p.number for p in measure.parameters.values() if not p.is_rate]
    rates = [p.number for p in measure.parameters.values() if p.is_rate]
    found = {Decimal(0)}
    for figure in amounts:
        found |= {figure, figure + FEN, max(figure - FEN, Decimal(0))}
        for divisor in [*rates, *(a for a in amounts if a <= figure)]:
            if divisor:
                edge = (figure / divisor).quantize(FEN)
                found |= {edge, edge + FEN, max(edge - FEN, Decimal(0))}
    return sorted(found)


def _values(item: Input, near: list[Decimal]) -> st.SearchStrategy[Any]:
    if item.type == "bool":
        return st.booleans()
    if item.type == "choice":
        return st.sampled_from([c.value for c in item.choices])
    if item.type == "choices":
        values = [c.value for c in item.choices]
        subsets = [",".join(s) for n in range(len(values) + 1) for s in combinations(values, n)]
        return st.sampled_from(subsets)
    top = Decimal(2000) if item.type == "number" else Decimal(200_000_000)
    fitting = [v for v in near if v <= top]
    return st.one_of(st.sampled_from(fitting),
                     st.decimals(min_value=0, max_value=top, places=2)).map(str)


def _days(measure: Measure) -> list[dt.date]:
    compiled = CATALOG.get(measure.id)
    return sorted({compiled.start, compiled.end,
                   *(e.on for e in measure.examples if e.on)} - {None})


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_generated_inputs_say_exactly_what_they_do(data):
    measure = data.draw(st.sampled_from(MEASURES))
    near = _near(measure)
    inputs = {}
    for item in measure.inputs:  # an input left out tests its default, or its derivation
        left_out = data.draw(st.integers(0, 4)) == 0
        value = None if left_out else data.draw(_values(item, near), label=item.name)
        if value is not None:
            inputs[item.name] = value
    on = data.draw(st.sampled_from(_days(measure)))
    try:
        result = estimate(measure, inputs, on)
    except calc.CalcError as error:
        assert error.code == "error.missing", error.en  # a question left unanswered
        event("a question left unanswered")
        return
    event(f"compared {min(check(measure, result), 3)}+ figures")
