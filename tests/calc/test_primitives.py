"""Each rule primitive, on a synthetic measure: the amount, and the sentence it explains it with."""

from __future__ import annotations

from decimal import Decimal

import pytest

from calc import CalcError

from .conftest import choice, flag, minutes, money, run

D = Decimal
RATE = {"kind": "rate", "base": "base", "rate": "0.3", "ref": "r"}


def cap(of: dict, max_: str = "200000", less: list[str] | None = None,
        less_from: str | None = None) -> dict:
    return {"kind": "cap", "of": of, "max": max_, "less": less or [], "less_from": less_from,
            "scope": {"zh": "每个项目", "en": "per project"}, "ref": "c"}


def test_fixed_pays_its_amount(one):
    result = run(one({"kind": "fixed", "amount": "300000", "ref": "f"}, []), {})
    assert (result.award, result.city, result.county) == (D("300000.00"), D("150000.00"),
                                                          D("150000.00"))
    assert result.steps[0]["zh"] == "固定金额 300,000.00 元"
    assert result.steps[0]["ref"] == "f"


def test_rate_times_base_explained_in_both_languages(one):
    result = run(one(RATE, [money("base")]), {"base": "60000"})
    assert result.award == D("18000.00")
    assert result.steps[0]["zh"] == "base（中） 60,000.00 元 × 30% = 18,000.00 元"
    assert result.steps[0]["en"] == "base (en) CNY 60,000.00 × 30% = CNY 18,000.00"


def test_rate_on_zero_base_pays_nothing_and_says_why(one):
    result = run(one(RATE, [money("base")]), {"base": "0"})
    assert result.award == 0 and not result.eligible
    assert result.reasons[0]["en"] == "base (en): 0, so nothing to compute"


def test_cap_limits_and_says_so(one):
    result = run(one(cap(RATE), [money("base")]), {"base": "1000000"})
    assert result.award == D("200000.00")
    assert "exceeds the cap of CNY 200,000.00 (per project)" in result.steps[-3]["en"]


def test_cap_below_limit_keeps_amount(one):
    result = run(one(cap(RATE), [money("base")]), {"base": "100000"})
    assert result.award == D("30000.00")
    assert "is within the cap" in result.steps[1]["en"]


def test_cap_takes_received_off_the_cap_for_a_new_claim(one):
    catalog = one(cap(RATE, "300000", ["got"], "cap"), [money("base"), money("got", "0")])
    assert run(catalog, {"base": "1000000", "got": "280000"}).award == D("20000.00")
    assert run(catalog, {"base": "1000000"}).award == D("300000.00")
    # base only the new claim: 30% of 400,000 fits in the 250,000 left under the cap
    assert run(catalog, {"base": "400000", "got": "50000"}).award == D("120000.00")
    used = run(catalog, {"base": "1000000", "got": "300000"})
    assert used.award == 0
    assert used.reasons[0]["en"] == "the cap of CNY 300,000.00 (per project) is used up"


def test_cap_takes_received_off_the_entitlement_of_the_whole_scope(one):
    catalog = one(cap(RATE, "300000", ["got"], "entitlement"), [money("base"), money("got", "0")])
    assert run(catalog, {"base": "1000000", "got": "280000"}).award == D("20000.00")
    # base the scope's whole total: 30% of 400,000 is due in all, 50,000 of it already paid
    result = run(catalog, {"base": "400000", "got": "50000"})
    assert result.award == D("70000.00")
    assert result.steps[2]["en"] == ("Due for the whole scope (per project): CNY 120,000.00, "
                                     "minus CNY 50,000.00 already received = CNY 70,000.00")
    used = run(catalog, {"base": "400000", "got": "120000"})
    assert used.award == 0
    assert used.reasons[0]["zh"] == (
        "本范围（每个项目）应得 120,000.00 元，已获得 120,000.00 元，无剩余可补")


def test_cap_by_level_table(one):
    rule = {"kind": "cap", "of": {"kind": "rate", "base": "base", "rate": "0.5", "ref": "r"},
            "max_by": {"input": "level", "rows": [{"value": "L2", "amount": "200000"},
                                                  {"value": "L3", "amount": "300000"}]},
            "less": [], "scope": {"zh": "每家", "en": "per enterprise"}, "ref": "c"}
    catalog = one(rule, [money("base"), choice("level", ["L1", "L2", "L3"])])
    assert run(catalog, {"base": "1000000", "level": "L3"}).award == D("300000.00")
    assert run(catalog, {"base": "1000000", "level": "L2"}).award == D("200000.00")
    low = run(catalog, {"base": "1000000", "level": "L1"})
    assert low.award == 0 and low.reasons[0]["en"] == "level (en): L1 (en) earns no award"


@pytest.mark.parametrize(("strict", "value", "award"), [
    (True, "50000", "0.00"), (True, "50000.01", "15000.00"),
    (False, "50000", "15000.00"), (False, "49999.99", "0.00"),
])
def test_threshold_strict_and_inclusive(one, strict, value, award):
    rule = {"kind": "threshold", "input": "base", "value": "50000", "strict": strict,
            "then": RATE, "ref": "t"}
    result = run(one(rule, [money("base")]), {"base": value})
    assert result.award == D(award)
    if award == "0.00":
        expected = "does not exceed" if strict else "does not reach"
        assert expected in result.reasons[0]["en"]


def test_require_yes_and_no(one):
    rule = {"kind": "require", "input": "ok", "then": RATE, "ref": "q"}
    catalog = one(rule, [flag("ok"), money("base")])
    assert run(catalog, {"ok": "是", "base": "100"}).award == D("30.00")
    refused = run(catalog, {"ok": "否"})  # base is never asked for once the condition fails
    assert refused.award == 0
    assert refused.reasons[0]["zh"] == "条件未满足：“ok（中）”的回答为“否”"


def test_require_can_demand_no(one):
    rule = {"kind": "require", "input": "paid", "equals": False, "then": RATE, "ref": "q"}
    catalog = one(rule, [flag("paid"), money("base")])
    assert run(catalog, {"paid": "no", "base": "100"}).award == D("30.00")
    assert run(catalog, {"paid": "yes"}).award == 0


LEVELS = {"input": "level", "rows": [{"value": "L3", "amount": "50000"},
                                     {"value": "L4", "amount": "100000"},
                                     {"value": "L5", "amount": "200000"}]}


def test_lookup_and_differential(one):
    rule = {"kind": "differential", "less": "got", "ref": "d",
            "of": {"kind": "lookup", "table": LEVELS, "ref": "l"}}
    catalog = one(rule, [choice("level", ["L1", "L2", "L3", "L4", "L5"]), money("got", "0")])
    assert run(catalog, {"level": "L5"}).award == D("200000.00")
    assert run(catalog, {"level": "L4", "got": "50000"}).award == D("50000.00")
    assert run(catalog, {"level": "L2"}).award == 0
    same = run(catalog, {"level": "L3", "got": "50000"})
    assert same.award == 0
    assert "not less than" in same.reasons[0]["en"]


def test_lookup_highest_only(one):
    table = {"input": "won", "highest": True,
             "rows": [{"value": "national", "amount": "500000"},
                      {"value": "provincial", "amount": "100000"},
                      {"value": "city", "amount": "30000"}]}
    catalog = one({"kind": "lookup", "table": table, "ref": "h"},
                  [choice("won", ["national", "provincial", "city"], multi=True)])
    both = run(catalog, {"won": "city,provincial"})
    assert both.award == D("100000.00")
    assert both.steps[0]["zh"].startswith("就高不重复")
    assert run(catalog, {"won": ["national", "city"]}).award == D("500000.00")
    none = run(catalog, {"won": ""})
    assert none.award == 0 and none.reasons[0]["en"] == "won (en): nothing selected"


def test_lookup_previous_same_tier_pays_nothing(one):
    table = {"input": "grade", "rows": [{"value": "CS3", "amount": "200000"},
                                        {"value": "CS4", "amount": "1000000"},
                                        {"value": "CS5", "amount": "1000000"}]}
    grades = ["none", "CS3", "CS4", "CS5"]
    catalog = one({"kind": "lookup", "table": table, "previous": "before", "ref": "g"},
                  [choice("grade", grades), choice("before", grades)])
    assert run(catalog, {"grade": "CS4", "before": "CS3"}).award == D("1000000.00")
    assert run(catalog, {"grade": "CS5", "before": "CS4"}).award == 0
    assert run(catalog, {"grade": "CS3", "before": "none"}).award == D("200000.00")


def test_lookup_previous_same_level_pays_a_new_higher_level_in_the_same_tier(one):
    """``same: level`` (a literal "newly obtains CS5"): only the same or a higher level held
    before pays nothing."""
    table = {"input": "grade", "rows": [{"value": "CS3", "amount": "200000"},
                                        {"value": "CS4", "amount": "1000000"},
                                        {"value": "CS5", "amount": "1000000"}]}
    grades = ["none", "CS3", "CS4", "CS5"]
    catalog = one({"kind": "lookup", "table": table, "previous": "before", "same": "level",
                   "ref": "g"}, [choice("grade", grades), choice("before", grades)])
    assert run(catalog, {"grade": "CS5", "before": "CS4"}).award == D("1000000.00")
    renewal = run(catalog, {"grade": "CS4", "before": "CS4"})
    assert renewal.award == 0 and renewal.reasons[0]["en"] == (
        "CS4 (en), the same or a higher level, was obtained before")
    assert run(catalog, {"grade": "CS4", "before": "CS5"}).award == 0


def test_require_otherwise_pays_the_other_case(one):
    rule = {"kind": "require", "input": "paid", "equals": False, "ref": "q",
            "then": {"kind": "fixed", "amount": "300", "ref": "f"},
            "otherwise": {"kind": "fixed", "amount": "100", "ref": "o"}}
    catalog = one(rule, [flag("paid")])
    assert run(catalog, {"paid": "no"}).award == D("300.00")
    other = run(catalog, {"paid": "yes"})
    assert other.award == D("100.00")
    assert other.steps[0]["en"] == ("The answer to “paid (en)” is “yes”, so the other case "
                                    "applies")


def test_differential_less_what_a_rule_computes_or_nothing_once_paid(one):
    national = {"kind": "per_unit", "levels": [{"quantity": "minutes", "amount": "2500"}],
                "ref": "n"}
    regional = {"kind": "per_unit", "levels": [{"quantity": "minutes", "amount": "1500"}],
                "ref": "r"}
    top_up = {"kind": "differential", "of": cap(national, "500000"),
              "less_rule": cap(regional, "500000"), "ref": "d"}
    catalog = one(top_up, [minutes("minutes")])
    assert run(catalog, {"minutes": "90"}).award == D("90000.00")
    assert run(catalog, {"minutes": "300"}).award == D("50000.00")  # both within one cap
    once = {"kind": "differential", "less": "got", "once": True, "ref": "d",
            "of": {"kind": "lookup", "table": LEVELS, "ref": "l"}}
    catalog = one(once, [choice("level", ["L1", "L2", "L3", "L4", "L5"]), money("got", "0")])
    assert run(catalog, {"level": "L5"}).award == D("200000.00")
    assert run(catalog, {"level": "L5", "got": "50000"}).award == 0


def test_milestones_each_first_reached(one):
    rule = {"kind": "milestones", "value": "now", "previous": "best", "inclusive": True,
            "ref": "m", "rows": [{"threshold": "10000000", "amount": "100000"},
                                 {"threshold": "50000000", "amount": "300000"},
                                 {"threshold": "100000000", "amount": "500000"}]}
    catalog = one(rule, [money("now"), money("best", "0")])
    assert run(catalog, {"now": "6000万", "best": "800万"}).award == D("400000.00")
    assert run(catalog, {"now": "1000万"}).award == D("100000.00")  # inclusive
    assert run(catalog, {"now": "9999999.99"}).award == 0
    assert run(catalog, {"now": "6000万", "best": "1100万"}).award == D("300000.00")
    assert run(catalog, {"now": "2亿"}).award == D("900000.00")


MILESTONES = [{"threshold": "10000000", "amount": "100000"},
              {"threshold": "50000000", "amount": "300000"},
              {"threshold": "100000000", "amount": "500000"}]


def test_milestones_highest_only(one):
    rule = {"kind": "milestones", "value": "now", "previous": "best", "inclusive": True,
            "mode": "highest", "ref": "m", "rows": MILESTONES}
    catalog = one(rule, [money("now"), money("best", "0")])
    assert run(catalog, {"now": "6000万", "best": "800万"}).award == D("300000.00")
    assert run(catalog, {"now": "2亿"}).award == D("500000.00")
    assert run(catalog, {"now": "6000万", "best": "1100万"}).award == D("300000.00")


def test_milestones_differential(one):
    """The highest new milestone less what was actually received (as 1.3's 差额): a milestone
    reached before but never paid is not deducted."""
    rule = {"kind": "milestones", "value": "now", "previous": "best", "inclusive": True,
            "mode": "differential", "received": "got", "ref": "m", "rows": MILESTONES}
    catalog = one(rule, [money("now"), money("best", "0"), money("got", "0")])
    assert run(catalog, {"now": "6000万", "best": "800万"}).award == D("300000.00")
    assert run(catalog, {"now": "5500万", "best": "1200万", "got": "10万"}).award == D("200000.00")
    assert run(catalog, {"now": "5500万", "best": "1200万"}).award == D("300000.00")
    assert run(catalog, {"now": "1亿", "best": "5000万", "got": "30万"}).award == D("200000.00")
    assert run(catalog, {"now": "2亿", "best": "1000万", "got": "10万"}).award == D("400000.00")
    assert run(catalog, {"now": "900万"}).award == 0


def test_milestones_mode_from_a_reading_switch(one):
    rule = {"kind": "milestones", "value": "now", "previous": "best", "inclusive": True,
            "mode_input": "reading", "received": "got", "ref": "m", "rows": MILESTONES}
    switch = choice("reading", ["each", "highest", "differential"])
    switch["default"] = "each"
    catalog = one(rule, [money("now"), money("best", "0"), money("got", "0"), switch])
    assert run(catalog, {"now": "6000万", "best": "800万"}).award == D("400000.00")
    result = run(catalog, {"now": "6000万", "best": "800万", "reading": "highest"})
    assert result.award == D("300000.00")
    assert any(step["en"] == "reading (en): highest (en)" for step in result.steps)
    assert run(catalog, {"now": "5500万", "best": "1200万", "got": "10万",
                         "reading": "differential"}).award == D("200000.00")


def test_per_unit_highest_rate_with_cap_and_top_up(one):
    price = {"input": "stations", "highest": True,
             "rows": [{"value": "national", "amount": "2500"},
                      {"value": "provincial", "amount": "1500"}]}
    per_unit = {"kind": "per_unit", "quantity": "minutes", "price": price, "ref": "p"}
    rule = {"kind": "differential", "less": "paid", "ref": "d",
            "of": cap(per_unit, "1000000")}
    catalog = one(rule, [choice("stations", ["national", "provincial"], multi=True),
                         minutes("minutes"), money("paid", "0")])
    assert run(catalog, {"stations": "provincial", "minutes": "100"}).award == D("150000.00")
    top_up = run(catalog, {"stations": "national,provincial", "minutes": "100",
                           "paid": "150000"})
    assert top_up.award == D("100000.00")  # the 1,000 per minute difference
    assert run(catalog, {"stations": "national", "minutes": "1000"}).award == D("1000000.00")
    assert run(catalog, {"stations": "national", "minutes": "22.5"}).award == D("56250.00")


def _broadcast(one):
    """A fictional per-minute subsidy: each minute once at the highest rate it reached; after an
    earlier payment at the lower rate, only the minutes it covered count (a cap on the work)."""
    levels = [{"quantity": "national", "amount": "2500"},
              {"quantity": "provincial", "amount": "1500"}]
    per_unit = {"kind": "per_unit", "levels": levels, "paid": "paid_minutes",
                "received": "received", "paid_price": "1500", "ref": "p"}
    rule = cap(per_unit, "1000000", ["received"], "entitlement")
    national, provincial = minutes("national"), minutes("provincial")
    national["default"] = provincial["default"] = "0"
    return one(rule, [national, provincial, money("received", "0"), minutes("paid_minutes")])


def test_per_unit_levels_pay_each_unit_once_at_the_highest_price_it_reached(one):
    catalog = _broadcast(one)
    both = run(catalog, {"national": "300", "provincial": "400"})
    assert both.award == D("900000.00")  # 300 × 2,500 + the other 100 × 1,500
    assert both.steps[1]["en"] == ("provincial (en) 400 min: the 100 min not paid at a higher "
                                   "price × CNY 1,500.00 per minute = CNY 150,000.00")
    assert run(catalog, {"national": "200", "provincial": "200"}).award == D("500000.00")
    assert run(catalog, {"provincial": "200"}).award == D("300000.00")
    nothing = run(catalog, {})
    assert nothing.award == 0 and nothing.reasons[0]["en"] == (
        "national (en), provincial (en): all 0, so nothing to compute")


def test_an_earlier_payment_counts_only_the_units_it_covered(one):
    """A shorter national broadcast after a paid provincial one: only the minutes shown at both
    levels get the difference; the provincial minutes paid stay paid (issue 20, item 3)."""
    catalog = _broadcast(one)
    shorter = run(catalog, {"national": "300", "provincial": "400", "received": "600000",
                            "paid_minutes": "400"})
    assert shorter.award == D("300000.00")
    later = run(catalog, {"national": "400", "provincial": "300", "received": "450000",
                          "paid_minutes": "300"})
    assert later.award == D("300000.00")  # the 100 minutes shown only nationally earn nothing
    assert "only the 300 min an earlier payment covered count; the other 100 min earn " \
           "nothing" in later.steps[0]["en"]


def test_units_paid_before_are_derived_from_the_amount_received_and_said(one):
    """Not given, the minutes an earlier payment covered are its amount at the lower rate, and
    a step says so; they are never taken as 0 (issue 20, item 2)."""
    catalog = _broadcast(one)
    derived = run(catalog, {"national": "400", "provincial": "400", "received": "450000"})
    assert derived.award == D("300000.00")
    assert derived.steps[0]["en"] == ("“paid_minutes (en)” not given: the CNY 450,000.00 "
                                      "received at CNY 1,500.00 per minute covers 300 min")
    assert derived.steps[0]["figures"] == ["1500"]
    assert run(catalog, {"national": "400", "provincial": "400", "received": "450000",
                         "paid_minutes": "0"}).award == D("300000.00")  # 0 is not an answer
    odd = run(catalog, {"national": "400", "provincial": "400", "received": "450001"})
    assert odd.steps[0]["en"].endswith("covers 300 min")  # to the hundredth, never over


def test_sum_then_shared_cap(one):
    rule = cap({"kind": "sum", "ref": "s", "items": [
        {"kind": "rate", "base": "mpw", "rate": "0.8", "ref": "a"},
        {"kind": "rate", "base": "eng", "rate": "0.5", "ref": "b"}]}, "2000000", ["got"],
        "entitlement")
    catalog = one(rule, [money("mpw"), money("eng"), money("got", "0")])
    assert run(catalog, {"mpw": "100万", "eng": "100万"}).award == D("1300000.00")
    assert run(catalog, {"mpw": "200万", "eng": "200万"}).award == D("2000000.00")
    assert run(catalog, {"mpw": "200万", "eng": "200万", "got": "150万"}).award == D("500000.00")
    assert run(catalog, {"mpw": "100万", "eng": "100万", "got": "80万"}).award == D("500000.00")


def test_ceiling_is_marked_as_no_formula(one):
    result = run(one({"kind": "ceiling", "amount": "2000000", "ref": "c"}, [], funding="city_only",
                     bound="upper"), {})
    assert result.award == D("2000000.00") and not result.formula and result.upper_bound
    assert (result.city, result.county) == (D("2000000.00"), D("0.00"))
    assert result.warnings[0]["en"].startswith("This measure has no formula")


def test_parts_add_up_and_round_once(one):
    parts = [{"id": "a", "title": {"zh": "甲", "en": "A"}, "bound": "exact",
              "rule": {"kind": "rate", "base": "x", "rate": "0.5", "ref": "a"}},
             {"id": "b", "title": {"zh": "乙", "en": "B"}, "bound": "upper",
              "rule": {"kind": "rate", "base": "y", "rate": "0.5", "ref": "b"}}]
    catalog = one(None, [money("x"), money("y")], parts=parts)
    result = run(catalog, {"x": "0.01", "y": "0.01"})
    # 0.005 + 0.005 = 0.01 exactly: rounding each part first would give 0.02
    assert result.award == D("0.01")
    assert (result.city, result.county) == (D("0.01"), D("0.00"))
    assert result.upper_bound
    # the parts shown add up to the award: the one fen goes to one part, not to both
    assert [p.award for p in result.parts] == [D("0.01"), D("0.00")]
    subtotals = [s["en"] for s in result.steps if s["en"].startswith("[")]
    assert subtotals == ["[A] subtotal CNY 0.01", "[B] subtotal CNY 0.00"]
    assert any("leftover fen" in s["en"] for s in result.steps)
    uneven = run(catalog, {"x": "100000.01", "y": "100000.05"})  # 50,000.005 + 50,000.025
    assert [p.award for p in uneven.parts] == [D("50000.01"), D("50000.02")]  # not .01 + .03
    assert uneven.award == sum(p.award for p in uneven.parts) == D("100000.03")


def test_split_rounds_city_half_up_and_county_takes_rest(one):
    result = run(one(RATE, [money("base")]), {"base": "0.05"})  # 0.015 → 0.02
    assert (result.award, result.city, result.county) == (D("0.02"), D("0.01"), D("0.01"))
    odd = run(one(RATE, [money("base")]), {"base": "0.1"})  # 0.03
    assert (odd.award, odd.city, odd.county) == (D("0.03"), D("0.02"), D("0.01"))


def test_validity_window_and_expiry_warning(one):
    catalog = one(RATE, [money("base")], validity={"start": "2026-02-01", "end": "2026-12-31",
                                                     "ref": "v"})
    soon = run(catalog, {"base": "100"}, on="2026-12-01")
    assert soon.warnings[-1]["zh"] == "本条措施有效期至 2026-12-31（含当日），请在当日或之前申报"
    assert run(catalog, {"base": "100"}, on="2026-12-31").warnings[-1]["en"] == (
        "This measure is valid until 2026-12-31, that day included; apply by then")
    assert not run(catalog, {"base": "100"}, on="2026-06-01").warnings
    with pytest.raises(CalcError) as late:
        run(catalog, {"base": "100"}, on="2027-01-01")
    assert late.value.field == "on" and "expired on 2026-12-31" in late.value.en
    with pytest.raises(CalcError) as early:
        run(catalog, {"base": "100"}, on="2026-01-31")
    assert "takes effect on 2026-02-01" in early.value.en


def test_missing_input_names_its_label(one):
    with pytest.raises(CalcError) as error:
        run(one(RATE, [money("base")]), {})
    assert error.value.field == "base"
    assert error.value.zh == "请填写“base（中）”"
