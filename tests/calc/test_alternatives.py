"""Alternative readings: a patch of one part's rule, computed beside the primary award, and the
checks that keep a patch pointing at a real node with a valid rule."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

import calc
from calc import CalcError
from calc.alternatives import check_alternatives, find, patched, steps
from calc.rules import dotted

from .conftest import DOC, measure, money, run

RATE = {"kind": "rate", "base": "fee", "rate": "0.30", "ref": "r"}
RULE = {"kind": "threshold", "input": "fee", "value": "50000", "strict": True, "ref": "t",
        "then": {"kind": "cap", "max": "300000", "less": [], "less_from": None,
                 "scope": {"zh": "每年", "en": "per year"}, "ref": "c", "of": RATE}}
EXCESS = {**RATE, "above": "50000"}


def catalog(alternatives: list[dict[str, Any]], rule: dict[str, Any] | None = None,
            inputs: list[dict[str, Any]] | None = None) -> calc.Catalog:
    data = {**measure(rule or RULE, inputs or [money("fee")]), "alternatives": alternatives}
    return calc.Catalog({"documents": [{"document": DOC, "glossary": {"terms": []},
                                        "measures": [data]}]})


def alt(**kw: Any) -> dict[str, Any]:
    return {"ref": "A-1", "label": None, "part": "main", "at": "then.of", "node": EXCESS, **kw}


def test_the_alternative_award_is_computed_beside_the_primary():
    result = run(catalog([alt()]), {"fee": "80000"})
    assert result.award == D("24000.00")
    (other,) = result.alternatives
    assert (other["award"], other["city"], other["county"]) == ("9000.00", "4500.00", "4500.00")
    assert other["differs"] and other["ref"] == "A-1"
    assert other["zh"] == "另一种理解下：9,000.00 元"
    assert other["en"] == "Under the alternative reading: CNY 9,000.00"
    assert result.as_dict()["alternatives"] == [other]


def test_an_alternative_that_agrees_says_so():
    (other,) = run(catalog([alt()]), {"fee": "40000"}).alternatives
    assert other["award"] == "0.00" and not other["differs"]


def test_a_reading_that_has_the_city_pay_it_all_keeps_the_amount():
    """8.2's A-8.2b: no rule patch, the same award, paid by the city alone."""
    result = run(catalog([alt(part=None, at="", node=None, funding="city_only")]),
                 {"fee": "80000"})
    (other,) = result.alternatives
    assert (other["award"], other["city"], other["county"]) == ("24000.00", "24000.00", "0.00")
    assert other["differs"] and (result.city, result.county) == (D("12000.00"), D("12000.00"))
    assert other["en"] == ("Under the alternative reading: CNY 24,000.00 (city CNY 24,000.00, "
                           "county CNY 0.00)")


def test_a_reading_without_a_rule_must_say_who_pays():
    data = {**measure(RULE, [money("fee")]),
            "alternatives": [alt(part=None, at="", node=None, funding="county")]}
    (problem,) = check_alternatives(data)
    assert dotted(problem.path) == "alternatives[0].funding" and "city_only" in problem.en


def test_a_labelled_alternative_and_an_upper_bound():
    data = {**measure(RULE, [money("fee")], bound="upper"),
            "alternatives": [alt(label={"zh": "理解乙", "en": "reading B"})]}
    cat = calc.Catalog({"documents": [{"document": DOC, "glossary": {"terms": []},
                                       "measures": [data]}]})
    (other,) = run(cat, {"fee": "80000"}).alternatives
    assert other["zh"] == "理解乙下：最高 9,000.00 元"
    assert other["en"] == "Under reading B: up to CNY 9,000.00"


def test_the_rate_above_a_figure_explains_itself_and_pays_nothing_below_it(one):
    result = run(one(EXCESS, [money("fee")]), {"fee": "80000"})
    assert result.award == D("9000.00")
    assert result.steps[0]["en"] == ("The part of fee (en) CNY 80,000.00 above CNY 50,000.00, "
                                     "CNY 30,000.00, × 30% = CNY 9,000.00")
    nothing = run(one(EXCESS, [money("fee")]), {"fee": "50000"})
    assert nothing.award == 0 and nothing.reasons[0]["zh"] == \
        "fee（中） 50,000.00 元 没有超过 50,000.00 元 的部分"


def test_the_root_can_be_replaced_and_a_missing_input_drops_the_alternative():
    node = {"kind": "rate", "base": "other", "rate": "0.10", "ref": "r2"}
    cat = catalog([alt(at="", node=node)], inputs=[money("fee"), money("other")])
    assert run(cat, {"fee": "80000"}).alternatives == ()
    (other,) = run(cat, {"fee": "80000", "other": "1000"}).alternatives
    assert other["award"] == "100.00"


@pytest.mark.parametrize(("change", "where", "en"), [
    ({"part": "nope"}, "alternatives[0].part", "no part 'nope' (known: main)"),
    ({"at": "then.off"}, "alternatives[0].at", "is not the path of a node"),
    ({"at": "then.of.base"}, "alternatives[0].at", "is not the path of a node"),
    ({"node": {**EXCESS, "base": "ghost"}}, "alternatives[0].node.base",
     "undefined input 'ghost'"),
    ({"node": {**EXCESS, "above": "5万"}}, "alternatives[0].node.above", "expected an amount"),
])
def test_a_broken_patch_is_refused_where_it_is(change, where, en):
    data = {**measure(RULE, [money("fee")]), "alternatives": [alt(**change)]}
    (problem,) = check_alternatives(data)
    assert dotted(problem.path) == where and en in problem.en and problem.zh
    with pytest.raises(CalcError) as error:
        calc.Catalog({"documents": [{"document": DOC, "glossary": {"terms": []},
                                     "measures": [data]}]})
    assert error.value.code == "error.bundle_invalid"


def test_alternatives_must_be_a_list_of_mappings():
    assert check_alternatives({"alternatives": {"x": 1}})[0].en == "expected a list"
    data = {**measure(RULE, [money("fee")]), "alternatives": ["x"]}
    assert check_alternatives(data)[0].en == "expected a mapping"


def test_paths_and_patches():
    assert steps("items.1.of") == ("items", 1, "of") and steps("") == ()
    assert find(RULE, ("then", "of")) == RATE and find(RULE, ("then", 5)) is None
    assert find({"items": [RATE]}, ("items", 0)) == RATE
    tree = patched(RULE, "then.of", EXCESS)
    assert tree["then"]["of"] == EXCESS and RULE["then"]["of"] == RATE  # the original is kept


@pytest.mark.parametrize(("ref", "english"), [
    ("九（二）", ("Art. 9(2)", "")),
    ("十（十一）“话”", ("Art. 10(11)", "“话”")),
    ("二十三（一）", ("Art. 23(1)", "")),
    ("A-3.1b", None),
])
def test_clause_labels_in_english(ref, english):
    from calc.fmt import article

    assert article(ref) == english


def test_a_step_carries_its_english_reference(one):
    rule = {**RATE, "ref": "三（一）“费”", "ref_en": "Art. 3(1) “fee”"}
    result = run(one(rule, [money("fee")]), {"fee": "100"})
    assert result.steps[0]["ref_en"] == "Art. 3(1) “fee”"
    assert result.steps[-1]["ref_en"] == result.steps[-1]["ref"]  # no label to translate
    bare = run(one({**RATE, "ref": "三（一）“费”"}, [money("fee")]), {"fee": "0"})
    assert bare.reasons[0]["ref_en"] == "Art. 3(1) “费”"


def test_a_lookup_can_pay_only_the_difference_over_the_tier_held_before(one):
    from .conftest import choice

    table = {"input": "grade", "rows": [{"value": "G3", "amount": "200"},
                                        {"value": "G4", "amount": "1000"}]}
    grades = ["none", "G3", "G4"]
    node = {"kind": "lookup", "table": table, "previous": "before", "difference": True,
            "ref": "g"}
    cat = one(node, [choice("grade", grades), choice("before", grades)])
    result = run(cat, {"grade": "G4", "before": "G3"})
    assert result.award == D("800.00")
    assert result.steps[0]["en"] == ("G4 (en) CNY 1,000.00 less CNY 200.00 for G3 (en), held "
                                     "before = CNY 800.00")
    assert run(cat, {"grade": "G4", "before": "none"}).award == D("1000.00")
    assert run(cat, {"grade": "G3", "before": "G4"}).award == 0
    bad = {**node, "previous": None}
    (problem,) = calc.rules.check(bad, ())
    assert dotted(problem.path) == "difference" and "needs previous" in problem.en
