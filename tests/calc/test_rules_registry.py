"""One home per primitive: each kind's module declares what the engine and the build ask of it,
and calc checks a bundle's rule trees itself, naming the path of each mistake."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import calc
from calc import rules
from calc.catalog import FORMAT, validate
from calc.messages import MESSAGES

from .conftest import DOC, measure, money

RULES = Path(calc.__file__).parent / "rules"
RATE = {"kind": "rate", "base": "base", "rate": "0.3", "above": None, "ref": "r",
        "ref_en": "Art. 1(1) “rate”"}
CAP = {"kind": "cap", "of": RATE, "max": "200000", "max_by": None, "less": [], "less_from": None,
       "scope": {"zh": "每个项目", "en": "per project"}, "ref": "c", "ref_en": None}


def bundle(rule: Any, inputs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"format": FORMAT, "documents": [{"document": DOC, "glossary": {"terms": []},
            "measures": [measure(rule, inputs if inputs is not None else [money("base")])]}]}


def problems(rule: Any, inputs: list[dict[str, Any]] | None = None) -> list[tuple[str, str]]:
    return [(rules.dotted(p.path), p.en) for p in validate(bundle(rule, inputs))]


AT = "documents[0].measures[0].parts[0].rule"


@pytest.mark.parametrize("kind", sorted(rules.kinds()))
def test_each_kind_lives_in_its_own_module(kind):
    cls = rules.kinds()[kind]
    assert cls.__module__ == f"calc.rules.{kind}"
    assert (RULES / f"{kind}.py").is_file()


@pytest.mark.parametrize("kind", sorted(rules.kinds()))
def test_each_kind_names_explanations_that_exist_in_both_languages(kind):
    keys = rules.kinds()[kind].messages
    assert keys and all(set(MESSAGES[k]) == {"zh", "en"} for k in keys)


def test_every_rule_explanation_belongs_to_a_kind_or_the_engine():
    claimed = {k for cls in rules.kinds().values() for k in cls.messages}
    engine = (Path(calc.__file__).parent / "engine.py").read_text(encoding="utf-8")
    rule_keys = {k for k in MESSAGES if k.startswith("step.")}
    assert {k for k in rule_keys - claimed if f'"{k}"' not in engine} == set()


def test_the_packaged_bundle_is_sound():
    data = json.loads((Path(calc.__file__).parent / "rules.json").read_text(encoding="utf-8"))
    assert validate(data) == []


def test_a_sound_rule_has_no_problems():
    assert problems(CAP) == []


@pytest.mark.parametrize(("change", "where", "says"), [
    ({"maks": "1"}, f"{AT}.maks", "unknown field"),
    ({"scope": None}, f"{AT}.scope", "required field is missing"),
    ({"max": "20万"}, f"{AT}.max", "expected an amount in yuan"),
    ({"max": 1.5}, f"{AT}.max", "float money"),
    ({"max": {"param": "annual_cap"}}, f"{AT}.max", "undefined parameter 'annual_cap'"),
    ({"max": None}, AT, "exactly one of max or max_by"),
    ({"less": ["base"]}, f"{AT}.less_from", "needs less_from"),
    ({"less_from": "both", "less": ["base"]}, f"{AT}.less_from", "invalid value 'both'"),
    ({"of": {**RATE, "rate": "130%"}}, f"{AT}.of.rate", "expected a rate"),
    ({"of": {**RATE, "kind": "rates"}}, f"{AT}.of", "unknown rule kind 'rates'"),
    ({"of": {**RATE, "base": "bsae"}}, f"{AT}.of.base", "undefined input 'bsae'"),
    ({"less": ["flag"], "less_from": "cap"}, f"{AT}.less[0]", "undefined input 'flag'"),
])
def test_calc_names_the_path_of_each_mistake(change, where, says):
    rule = {**copy.deepcopy(CAP), **change}
    found = problems(rule)
    assert any(at == where and says in en for at, en in found), found


def test_a_wrong_input_type_is_named():
    rule = {**CAP, "of": {**RATE, "base": "flag"}}
    found = problems(rule, [money("base"), {"name": "flag", "type": "bool", "label": DOC["id"]}])
    assert (f"{AT}.of.base", "input 'flag' must be of type money/number") in found


def test_a_catalog_refuses_a_broken_bundle_with_the_first_path():
    with pytest.raises(calc.CalcError) as error:
        calc.Catalog(bundle({**CAP, "max": "20万"}))
    assert error.value.code == "error.bundle_invalid"
    assert f"{AT}.max" in error.value.en and f"{AT}.max" in error.value.zh


@pytest.mark.parametrize(("rule", "where", "says"), [
    ({"kind": "per_unit", "quantity": "base", "ref": "p"}, AT, "either quantity and price"),
    ({"kind": "per_unit", "ref": "p", "levels": [{"quantity": "base", "amount": "1"}],
      "paid": "base"}, f"{AT}.paid", "paid, received and paid_price go together"),
    ({"kind": "differential", "of": RATE, "ref": "d"}, AT, "exactly one of less or less_rule"),
    ({"kind": "differential", "of": RATE, "less_rule": RATE, "once": True, "ref": "d"}, AT,
     "once needs less"),
    ({"kind": "lookup", "same": "level", "ref": "l",
      "table": {"input": "base", "rows": [{"value": "a", "amount": "1"}]}}, f"{AT}.same",
     "same: level needs previous"),
])
def test_the_options_of_a_kind_are_checked_together(rule, where, says):
    assert any(at == where and says in en for at, en in problems(rule)), problems(rule)


def test_milestone_modes_are_the_engine_s_own():
    rule = {"kind": "milestones", "value": "base", "previous": "base", "inclusive": True,
            "rows": [{"threshold": "100", "amount": "10"}], "mode": "every", "ref": "m"}
    assert any("invalid value 'every'" in en for _, en in problems(rule))
    rule.update(mode="differential")
    assert (f"{AT}.received", "milestones that may be paid as a difference need received: "
            "the input of what this measure already paid") in problems(rule)


def test_figures_are_the_fields_each_kind_declares():
    table = {"input": "level", "rows": [{"value": "a", "amount": "1"}]}
    rule = {"kind": "sum", "ref": "s", "items": [CAP, {"kind": "lookup", "table": table,
                                                       "ref": "l"}]}
    assert sorted(rules.figures(rule)) == [(("items", 0), "max"), (("items", 0, "of"), "rate"),
                                          (("items", 1, "table", "rows", 0), "amount")]


def test_a_node_dumps_what_it_was_built_from():
    node = rules.Node.build(CAP)
    assert node.dump() == CAP
    assert node.most() == rules.parse_amount(CAP["max"])


def test_an_unknown_format_version_is_a_problem_at_its_path():
    assert [p.path for p in validate({**bundle(CAP), "format": FORMAT + 1})] == [("format",)]


def test_a_table_takes_no_kind():
    table = {"input": "level", "rows": [{"value": "a", "amount": "1"}], "kind": "table"}
    assert problems({"kind": "lookup", "table": table, "ref": "l"},
                    [{"name": "level", "type": "choice", "choices": [{"value": "a"}]}]) == [
        (f"{AT}.table.kind", "unknown field (a typo?)")]
