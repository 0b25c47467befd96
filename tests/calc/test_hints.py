"""What would it take: each primitive proposes the smallest input that would qualify or reach
the next tier, and the engine keeps those that raise the award, with the award they give."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from .conftest import choice, flag, money, run

RATE = {"kind": "rate", "base": "base", "rate": "0.30", "ref": "r"}
ROWS = [{"threshold": "100", "amount": "10"}, {"threshold": "500", "amount": "30"}]


def hints(result):
    return [(h["input"], h["value"], h["award"]) for h in result.hints]


@pytest.mark.parametrize(("strict", "bound"), [(True, "50000.01"), (False, "50000")])
def test_a_threshold_not_met_names_the_smallest_qualifying_value(one, strict, bound):
    rule = {"kind": "threshold", "input": "base", "value": "50000", "strict": strict,
            "then": RATE, "ref": "t"}
    result = run(one(rule, [money("base")]), {"base": "40000"})
    assert hints(result) == [("base", bound, str((D(bound) * D("0.30")).quantize(D("0.01"))))]
    (hint,) = result.hints
    assert hint["zh"].startswith("base（中）至少为 ") and "测算可得" in hint["zh"]
    assert hint["en"].startswith("base (en): at least CNY ")
    assert run(one(rule, [money("base")]), {"base": "60000"}).hints == ()  # met: nothing to say


def test_the_next_milestone(one):
    rule = {"kind": "milestones", "value": "now", "previous": "best", "inclusive": True,
            "ref": "m", "rows": ROWS}
    cat = one(rule, [money("now"), money("best", "0")])
    assert hints(run(cat, {"now": "50"})) == [("now", "100", "10.00")]
    assert hints(run(cat, {"now": "200"})) == [("now", "500", "40.00")]
    assert hints(run(cat, {"now": "600"})) == []  # the top milestone is reached
    strict = one({**rule, "inclusive": False}, [money("now"), money("best", "0")])
    assert hints(run(strict, {"now": "100"})) == [("now", "100.01", "10.00")]  # not reached


def test_the_next_level_of_a_lookup_and_of_a_cap(one):
    table = {"input": "level", "rows": [{"value": "L3", "amount": "50"},
                                        {"value": "L4", "amount": "100"}]}
    lookup = one({"kind": "lookup", "table": table, "ref": "l"},
                 [choice("level", ["L1", "L3", "L4"])])
    result = run(lookup, {"level": "L1"})
    assert hints(result) == [("level", "L3", "50.00")]
    assert result.hints[0]["en"] == "level (en): “L3 (en)” would give an estimate of CNY 50.00"
    assert hints(run(lookup, {"level": "L4"})) == []
    cap = {"kind": "cap", "of": RATE, "max_by": table, "less": [], "less_from": None,
           "scope": {"zh": "每家", "en": "each"}, "ref": "c"}
    capped = one(cap, [choice("level", ["L1", "L3", "L4"]), money("base")])
    assert hints(run(capped, {"level": "L3", "base": "1000"})) == [("level", "L4", "100.00")]
    # not capped: a higher level would not pay more, so it is not proposed
    assert hints(run(capped, {"level": "L3", "base": "100"})) == []


def test_a_proposal_that_would_not_raise_the_award_is_left_out(one):
    rule = {"kind": "require", "input": "ok", "ref": "q",
            "then": {"kind": "threshold", "input": "base", "value": "100", "strict": False,
                     "then": RATE, "ref": "t"}}
    cat = one(rule, [flag("ok"), money("base")])
    assert hints(run(cat, {"ok": "否", "base": "50"})) == []
    assert hints(run(cat, {"ok": "是", "base": "50"})) == [("base", "100", "30.00")]


def test_an_input_not_given_proposes_nothing_and_a_ceiling_says_up_to_for_its_part(one):
    rule = {"kind": "threshold", "input": "base", "value": "100", "strict": False,
            "then": RATE, "ref": "t"}
    table = {"input": "level", "highest": True, "rows": [{"value": "a", "amount": "5"}]}
    parts = [{"id": "p", "title": {"zh": "甲", "en": "P"}, "bound": "upper", "rule": rule},
             {"id": "q", "title": {"zh": "乙", "en": "Q"}, "bound": "exact",
              "rule": {"kind": "lookup", "table": table, "ref": "l"}}]
    cat = one(None, [money("base"), choice("level", ["a"], multi=True)], parts=parts)
    result = run(cat, {"base": "50", "level": ["a"]})
    (hint,) = result.hints
    # Part q's 5 is a standard amount, part p's 30 a ceiling: "up to" belongs to p alone.
    assert hint["en"].endswith("would give an estimate of CNY 35.00: CNY 5.00 by the fixed "
                               "standard, and up to CNY 30.00 set by review")
    assert hint["zh"].endswith("测算可得 35.00 元（其中按标准计算 5.00 元，另有最高 30.00 元，"
                               "以评审核定为准）")
