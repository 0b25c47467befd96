"""The alternative readings written in the data: each is checked at its own line, computes with
the same primitives, and changes the amount for some of the measure's own example inputs."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import calc
from generator.data.bundle import alternatives, bundle
from generator.data.load import DataError, load_all

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "policy_data" / "qz-2025-18"
(POLICY,) = load_all(ROOT / "policy_data")
CATALOG = calc.Catalog(bundle([POLICY]))
ENCODED = [(m.id, i) for m in POLICY.measures for i, _ in enumerate(alternatives(m))]


def variants(measure_id: str) -> list[tuple[Any, dict[str, Any]]]:
    """Each example's inputs, and each with one choice input set to each of its choices."""
    measure = POLICY.measure(measure_id)
    found = []
    for example in measure.examples:
        found.append((example.on, dict(example.inputs)))
        for item in measure.inputs:
            for choice in item.choices if item.type == "choice" else []:
                found.append((example.on, {**example.inputs, item.name: choice.value}))
    return found


def test_some_readings_are_encoded():
    assert {m for m, _ in ENCODED} >= {"3.1"}


@pytest.mark.parametrize(("measure_id", "index"), ENCODED)
def test_each_alternative_computes_and_differs_for_some_input(measure_id, index):
    rules = CATALOG.get(measure_id)
    differs = []
    for on, inputs in variants(measure_id):
        try:
            result = calc.engine.estimate(rules, inputs, on)
        except calc.CalcError:
            continue
        other = result.alternatives[index]
        assert other["ref"] == alternatives(POLICY.measure(measure_id))[index][1]["ref"]
        if other["differs"]:  # the amount, or who pays it (8.2: the city alone)
            assert (other["award"], other["city"]) != (str(result.award), str(result.city))
            differs.append(inputs)
    assert differs, f"{measure_id}: alternative {index} never changes the amount"


def test_the_issue_example_for_3_1():
    """3.1's A-3.1b, as the issue states it: the rate on the excess only; figures from data."""
    measure = POLICY.measure("3.1")
    threshold, rate = measure.parameters["fee_threshold"].number, measure.parameters["rate"].number
    example = next(e for e in measure.examples if set(e.inputs) == {"fee"}
                   and Decimal(str(e.inputs["fee"])) > threshold)  # the page's first example
    fee = Decimal(str(example.inputs["fee"]))
    result = calc.engine.estimate(CATALOG.get("3.1"), {"fee": str(fee)}, example.on)
    (other,) = result.alternatives
    assert result.award == fee * rate
    assert other["award"] == f"{(fee - threshold) * rate:.2f}" and other["ref"] == "A-3.1b"


def _broken(tmp_path: Path, old: str, new: str) -> list[str]:
    root = tmp_path / "policy_data"
    shutil.copytree(REAL.parent, root)
    target = root / "qz-2025-18" / "measures" / "3.1.yaml"
    text = target.read_text(encoding="utf-8")
    assert old in text, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_all(root)
    return [str(p) for p in error.value.problems]


def _line(old: str) -> int:
    text = (REAL / "measures" / "3.1.yaml").read_text(encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


@pytest.mark.parametrize(("old", "new", "field", "en"), [
    ("- at: then.of", "- at: then.off", "readings[1].alternative.rules[0].at",
     "is not the path of a node"),
    ("above: fee_threshold", "above: 40000", "readings[1].alternative.rules[0].node.above",
     "must be a named parameter"),
    ("above: fee_threshold", "above: ghost", "readings[1].alternative.rules[0].node.above",
     "undefined parameter 'ghost'"),
    ("            base: fee\n            rate: rate\n            above",
     "            base: feex\n            rate: rate\n            above",
     "readings[1].alternative.rules[0].node.base", "undefined input 'feex'"),
])
def test_a_broken_alternative_is_reported_at_its_line(tmp_path, old, new, field, en):
    (found,) = _broken(tmp_path, old, new)
    assert f"3.1.yaml:{_line(old)}:" in found and f"{field}:" in found and en in found


def test_the_readings_section_gets_a_worked_figure_from_the_engine():
    import datetime as dt

    from generator.site.views import measure_view

    view = measure_view(POLICY, POLICY.measure("3.1"), CATALOG, dt.date(2026, 6, 1))
    ((example, figure),) = view.reading_figures("A-3.1b")
    inputs = next(e.inputs for e in POLICY.measure("3.1").examples if e.name == example.name)
    result = calc.engine.estimate(CATALOG.get("3.1"), dict(inputs), example.on)
    assert example.award == result.award and figure == result.alternatives[0]
    assert figure["award"] != str(result.award)
    assert view.reading_figures("A-3.1a") == []  # a reading without an alternative figure
