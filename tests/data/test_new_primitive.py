"""Adding a rule primitive touches three files: its module (here ``tests/data/per_head.py``,
in the project ``calc/rules/<kind>.py``, with its explanation strings), one macro in
``generator/site/templates/_rules.html`` (its sentence on the page) and its page strings
(``rule.<kind>``, ``type.<kind>`` in ``calc/strings.py``). These tests register a kind from a
test module alone and show that validation, the named-parameter binding, the input
cross-check, the bundle, calc's own bundle check, evaluation with explanation, the upper bound
and the award-type column all follow — no other Python file names the kind."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import calc
from calc import rules
from calc.catalog import validate as validate_bundle
from calc.messages import MESSAGES
from generator.data import examples
from generator.data.bundle import bundle
from generator.data.load import DataError, load_all
from generator.site import facts, views

from .test_validation import MEASURE, make_data

ROOT = Path(__file__).resolve().parents[2]
PER_HEAD = MEASURE.split("parameters:")[0].replace(
    "对项目按投资额的 30% 给予补助，最高不超过 20 万元。", "每新增一名员工奖励 1000 元。").replace(
    "30% of the investment, at most CNY 200,000.", "CNY 1,000 per new employee.") + """\
parameters:
  per_head:
    value: 1000
    ref: 一（一）“每新增一名员工奖励 1000 元”
funding: shared
funding_ref: 九（二）
parts:
  - id: main
    title:
      zh: 奖励
      en: Award
    bound: exact
    rule:
      kind: per_head
      count: staff
      amount: per_head
      ref: 一（一）
      ref_en: Art. 1(1)
inputs:
  - name: staff
    type: number
    label:
      zh: 新增员工数
      en: New employees
    help:
      zh: 本年度新增员工人数
      en: Employees hired this year
examples:
  - name:
      zh: 新增 {in.staff:bare} 名员工
      en: "{in.staff:bare} new employees"
    on: 2026-06-01
    inputs: {staff: "3"}
    expect: {award: "3000.00", city: "1500.00", county: "1500.00"}
"""


@pytest.fixture
def per_head() -> Iterator[type[rules.Node]]:
    """The kind registered for one test, then forgotten (registry and strings)."""
    sys.modules.pop("tests.data.per_head", None)
    module = importlib.import_module("tests.data.per_head")
    try:
        yield module.PerHead
    finally:
        rules.Node.kinds.pop("per_head", None)
        for code in module.PerHead.strings:
            MESSAGES.pop(code, None)
        sys.modules.pop("tests.data.per_head", None)


def test_no_project_python_file_names_the_test_kind():
    sources = [*(ROOT / "calc").rglob("*.py"), *(ROOT / "generator").rglob("*.py")]
    assert sources and not [p for p in sources if "per_head" in p.read_text(encoding="utf-8")]


def test_its_fields_are_its_validation(per_head):
    found = rules.check({"kind": "per_head", "amount": "1万", "ref": "一", "extra": 1})
    assert {(p.path, p.en.split(" ")[0]) for p in found} == {
        (("extra",), "unknown"), (("count",), "required"), (("amount",), "expected")}
    assert all(p.zh for p in found)


def test_a_measure_of_the_new_kind_builds_checks_and_computes(tmp_path, per_head):
    (policy,) = load_all(make_data(tmp_path, PER_HEAD))
    measure = policy.measures[0]
    rule = measure.parts[0].rule
    assert isinstance(rule, per_head) and rule.amount == measure.parameters["per_head"].number
    compiled = bundle([policy])
    rule_data = compiled["documents"][0]["measures"][0]["parts"][0]["rule"]
    assert rule_data["amount"] == {"param": "per_head"}  # its figure field, known to the build
    assert validate_bundle(compiled) == []
    assert examples.failures([policy], tmp_path / "policy_data") == []
    (example,) = measure.examples
    result = calc.Catalog(compiled).get(measure.id)
    estimate = calc.engine.estimate(result, dict(example.inputs), example.on)
    step = next(s for s in estimate.steps if s["ref"] == rule.ref)
    assert "×" in step["zh"] and str(example.inputs["staff"]) in step["en"]
    assert facts.base_inputs(measure) == {"staff"} and facts.measure_most(measure) is None
    assert views.kinds(measure) == ("per_head",)


def test_its_reads_are_cross_checked_and_its_figures_named(tmp_path, per_head):
    with pytest.raises(DataError) as error:
        load_all(make_data(tmp_path, PER_HEAD.replace("count: staff", "count: staf")))
    assert "parts[0].rule.count: refers to undefined input 'staf'" in str(error.value)
    with pytest.raises(DataError) as error:
        load_all(make_data(tmp_path / "2", PER_HEAD.replace("amount: per_head", "amount: 1000")))
    assert "parts[0].rule.amount: the figure 1000 must be a named parameter" in str(error.value)


def test_calc_checks_the_new_kind_in_a_bundle(tmp_path, per_head):
    (policy,) = load_all(make_data(tmp_path, PER_HEAD))
    compiled = bundle([policy])
    rule = compiled["documents"][0]["measures"][0]["parts"][0]["rule"]
    rule["amount"] = {"param": "per_capita"}
    (problem,) = validate_bundle(compiled)
    assert problem.path[-1] == "amount" and "per_capita" in problem.en
    with pytest.raises(calc.CalcError, match="undefined parameter 'per_capita'"):
        calc.Catalog(compiled)
