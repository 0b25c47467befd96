"""What would it take, on the real rules: the engine's proposals for 3.1's "超过 5 万", 7.3's
"300 万及以上", 1.5's milestones and 4.1's levels, checked against the figures of the data."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import calc
from calc import FEN, to_fen
from generator.data.bundle import bundle
from generator.data.load import load_all

ROOT = Path(__file__).resolve().parents[2]
(POLICY,) = load_all(ROOT / "policy_data")
CATALOG = calc.Catalog(bundle([POLICY]))


def number(measure_id: str, name: str) -> Decimal:
    return POLICY.measure(measure_id).parameters[name].number


def example(measure_id: str, **match: Any) -> tuple[Any, dict[str, Any]]:
    """The first worked example whose inputs include ``match``."""
    found = next(e for e in POLICY.measure(measure_id).examples
                 if all(e.inputs.get(k) == v for k, v in match.items()))
    return found.on, dict(found.inputs)


def hints(measure_id: str, inputs: dict[str, Any], on: Any) -> list[tuple[str, str, str]]:
    result = calc.engine.estimate(CATALOG.get(measure_id), inputs, on)
    return [(h["input"], h["value"], h["award"]) for h in result.hints]


def test_3_1_names_one_fen_above_the_strict_threshold():
    threshold, rate = number("3.1", "fee_threshold"), number("3.1", "rate")
    on, inputs = example("3.1", fee=str(threshold))  # the page's "exactly the threshold" case
    least = threshold + FEN
    assert hints("3.1", inputs, on) == [("fee", str(least), str(to_fen(least * rate)))]


def test_7_3_names_the_inclusive_threshold_and_nothing_once_it_is_met():
    threshold = number("7.3", "revenue_threshold")
    award = min(threshold * number("7.3", "rate"), number("7.3", "cap"))
    on, inputs = example("7.3", revenue=str(threshold - FEN))
    assert hints("7.3", inputs, on) == [("revenue", str(threshold), str(to_fen(award)))]
    assert hints("7.3", {**inputs, "revenue": str(threshold)}, on) == []


def test_1_5_names_the_next_milestone():
    on, inputs = example("1.5", reading=None, data_business=True)
    revenue = calc.engine.parse_inputs(CATALOG.get("1.5"), inputs)["revenue"]
    milestones = sorted(number("1.5", f"milestone_{i}") for i in (1, 2, 3))
    nxt = next(m for m in milestones if m > revenue)
    best = calc.engine.parse_inputs(CATALOG.get("1.5"), inputs)["best_before"]
    award = sum(number("1.5", f"award_{i}") for i in (1, 2, 3)
                if best < number("1.5", f"milestone_{i}") <= nxt)
    assert hints("1.5", inputs, on) == [("revenue", str(nxt), str(to_fen(award)))]


def test_4_1_names_the_level_that_qualifies_or_raises_the_cap():
    cases = [(e.on, dict(e.inputs)) for e in POLICY.measure("4.1").examples
             if e.inputs.get("level") == "L2"]
    capped = 0
    for on, inputs in cases:
        investment = Decimal(str(inputs["investment"]))
        due = investment * number("4.1", "rate")
        below = hints("4.1", {**inputs, "level": "L1"}, on)
        assert below == [("level", "L2", str(to_fen(min(due, number("4.1", "cap_level_2")))))]
        at_two = hints("4.1", inputs, on)
        if due > number("4.1", "cap_level_2"):
            capped += 1
            assert at_two == [("level", "L3",
                               str(to_fen(min(due, number("4.1", "cap_level_3")))))]
        else:
            assert at_two == []  # not capped: a higher level would pay no more
        assert hints("4.1", {**inputs, "level": "L4"}, on) == []
    assert capped and capped < len(cases)  # both cases occur among the worked examples


def row_of(answers: dict[str, Any], on: Any) -> list[dict[str, Any]]:
    """3.1's self-check row for these answers (the compute rental section opened)."""
    from calc.selfcheck import assess_with

    report = assess_with(CATALOG, {"has_compute_rental": True, **answers}, on)
    return [r for r in report["rows"] if r["measure"] == "3.1"]


def test_the_self_check_row_carries_the_hints_and_the_differing_alternatives():
    threshold, rate = number("3.1", "fee_threshold"), number("3.1", "rate")
    on, inputs = example("3.1", fee=str(threshold))
    (row,) = row_of({"compute_fee": str(threshold)}, on)
    assert row["status"] == "not_qualified"
    assert [(h["input"], h["value"]) for h in row["hints"]] == [("fee", str(threshold + FEN))]
    assert row["hints"][0]["award"] == str(to_fen((threshold + FEN) * rate))
    on, inputs = example("3.1", fee=next(
        e.inputs["fee"] for e in POLICY.measure("3.1").examples if set(e.inputs) == {"fee"}
        and Decimal(str(e.inputs["fee"])) > threshold))
    (row,) = row_of({"compute_fee": str(inputs["fee"])}, on)
    estimate = calc.engine.estimate(CATALOG.get("3.1"), inputs, on)
    assert row["status"] == "may_qualify" and row["hints"] == []
    assert row["alternatives"] == [a for a in estimate.alternatives if a["differs"]] != []
