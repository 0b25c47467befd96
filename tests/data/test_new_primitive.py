"""Adding a rule primitive touches at most three files: its module (in the project
``calc/rules/<kind>.py``; here ``tests/data/per_head.py``) with its fields, evaluation,
explanation and page sentence, its words in ``calc/strings.py`` (the test kind brings its own),
and a test. Nothing registers it: calc finds every module of ``calc/rules/``. These tests show
that validation, the named-parameter binding, the input cross-check, the bundle, calc's own
bundle check, evaluation with explanation, the upper bound, the award-type column and the
measure page all follow — no other Python file or template names the kind — and that a kind
without a page sentence stops the build."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

import pytest

import calc
from calc import rules
from calc.catalog import validate as validate_bundle
from calc.messages import MESSAGES
from generator.data import examples
from generator.data.bundle import bundle
from generator.data.load import DataError, load_all
from generator.site import facts, views
from generator.site.pages import Site
from generator.site.render import TEMPLATES, MissingSentence, environment, load_ui

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


def test_no_project_file_names_the_test_kind():
    sources = [*(ROOT / "calc").rglob("*.py"), *(ROOT / "generator").rglob("*.py"),
               *(ROOT / "generator" / "site" / "templates").iterdir()]
    assert sources and not [p for p in sources if "per_head" in p.read_text(encoding="utf-8")]


def test_a_module_dropped_into_calc_rules_is_a_kind_with_its_page_sentence(tmp_path):
    """Nothing lists the kinds: a copy of calc with one more module in rules/ knows the kind,
    and the build's templates find its sentence."""
    shutil.copytree(ROOT / "calc", tmp_path / "calc",
                    ignore=shutil.ignore_patterns("__pycache__", "rules.json"))
    shutil.copy(ROOT / "tests" / "data" / "per_head.py", tmp_path / "calc" / "rules")
    script = ("from calc import rules; from generator.site.render import rule_sentences; "
              "print(sorted(rules.kinds())); print(sorted(rule_sentences()))")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, env={"PYTHONPATH": f"{tmp_path}:{ROOT}"}, check=True)
    kinds, pages = done.stdout.splitlines()
    assert "'per_head'" in kinds and "'rule/per_head.html'" in pages
    assert kinds.count("'") // 2 == len(rules.kinds()) + 1


def test_a_kind_without_a_page_sentence_stops_the_build():
    class Silent(rules.Node):
        kind = "silent_test_kind"
        fields: ClassVar[dict[str, rules.Field]] = {"amount": rules.Field("amount")}
        messages = ("step.fixed",)

        def evaluate(self, ctx: rules.Context) -> Decimal:
            return self.amount  # type: ignore[attr-defined, no-any-return]

    try:
        with pytest.raises(MissingSentence, match=re.escape(
                "'silent_test_kind' has no page sentence: give its class in "
                "calc/rules/silent_test_kind.py a `page`")):
            environment(TEMPLATES)
    finally:
        rules.Node.kinds.pop("silent_test_kind")
    assert environment(TEMPLATES) is not None


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
    site = Site([policy], calc.Catalog(compiled), dt.date(2026, 6, 1), load_ui(),
                environment(TEMPLATES))
    (spec,) = [s for s in site.specs if s.template == "measure.md"]
    for lang, sentence in (("zh", "“新增员工数”每人 1,000 元"), ("en", "CNY 1,000 for each of")):
        page = site.render(spec, lang)
        assert "qz-rule qz-rule--per_head" in page and sentence in page, lang
        assert per_head.strings["type.per_head"][lang] in page


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
