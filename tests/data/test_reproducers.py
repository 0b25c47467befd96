"""Issue 20's reproducers (tests/reproducers.py) give the right figure and the right words, in zh
and en, through the Python API and the command line — one test per numbered item, each of
which failed before its fix. Every figure comes from the policy data."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import calc
from calc.__main__ import main
from calc.fmt import Money, Quantity, to_fen
from generator.data.bundle import bundle
from generator.data.load import load_all
from generator.data.parameters import en_forms, zh_forms
from tests.reproducers import ESTIMATES, PROFILE, Reproducer

ROOT = Path(__file__).resolve().parents[2]
(POLICY,) = load_all(ROOT / "policy_data")


@pytest.fixture(autouse=True, scope="module")
def real_rules():
    calc.use_bundle(bundle([POLICY]))


def param(measure: str, name: str) -> Decimal:
    return POLICY.measure(measure).parameters[name].number


def the(items: str, measure: str) -> Reproducer:
    (found,) = [r for r in ESTIMATES if r.items == items and r.measure == measure]
    return found


def run(r: Reproducer, **more: str) -> calc.Estimate:
    return calc.estimate(r.measure, {**r.inputs, **more}, r.on)


def cli(capsys: pytest.CaptureFixture[str], r: Reproducer, lang: str) -> str:
    pairs = [f"{k}={v}" for k, v in r.inputs.items()]
    assert main(["estimate", r.measure, *pairs, "--on", r.on, "--lang", lang]) == 0
    return capsys.readouterr().out


def money(value: Decimal, lang: str) -> str:
    return Money(value).local(lang)


# ---------------------------------------------------------------- 1. totals by part


def test_1_an_award_is_split_by_its_parts_bounds(capsys):
    """1.4 A is a standard 30 % (an entitlement), 1.4 B an award of at most …: the estimate,
    its JSON and the command line say which share is which."""
    r = the("1", "1.4")
    entitled = to_fen(param("1.4", "rate") * Decimal(r.inputs["investment"]))
    up_to = to_fen(param("1.4", "award_city"))
    result = run(r)
    assert (result.award, result.entitled, result.up_to) == (entitled + up_to, entitled, up_to)
    data = result.as_dict()
    assert (data["entitled"], data["up_to"]) == (str(entitled), str(up_to))
    award = entitled + up_to
    assert (f"Award: {money(award, 'en')}: {money(entitled, 'en')} by the fixed standard, and "
            f"up to {money(up_to, 'en')} set by review") in cli(capsys, r, "en")
    assert (f"奖补金额: {money(award, 'zh')}（其中按标准计算 {money(entitled, 'zh')}，另有最高 "
            f"{money(up_to, 'zh')}，以评审核定为准）") in cli(capsys, r, "zh")
    assert f"City share: {money(award / 2, 'en')}" in cli(capsys, r, "en")  # not "up to"


def test_1_the_self_check_totals_each_part_where_it_belongs(capsys, tmp_path):
    profile, on = PROFILE
    entitled = to_fen(param("1.4", "rate") * Decimal(profile["big_data_demo_investment"]))
    up_to = to_fen(param("1.4", "award_city"))
    report = calc.assess(profile, on)
    (row,) = [r for r in report["rows"] if r["measure"] == "1.4"]
    assert (row["entitled"], row["up_to"]) == (str(entitled), str(up_to))
    assert report["totals"]["entitlements"] == str(entitled)
    assert report["totals"]["upper_bounds"] == str(up_to)
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    assert main(["assess", str(path), "--on", on, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"Sum of entitlements: {money(entitled, 'en')}" in out
    assert f"Sum of upper bounds: {money(up_to, 'en')}" in out
    assert (f"May qualify  {money(entitled + up_to, 'en')}: {money(entitled, 'en')} by the fixed "
            "standard") in out


# ---------------------------------------------------------------- 2, 3. 7.1's minutes


def test_2_minutes_already_paid_are_derived_from_the_amount_received_and_said():
    """Received at the provincial rate and the minutes not given: they are the amount at that
    rate, never 0 (which paid the 100 minutes shown only nationally)."""
    r = the("2", "7.1")
    national, provincial = param("7.1", "tv_national_rate"), param("7.1", "tv_provincial_rate")
    paid = Decimal(r.inputs["tv_received"]) / provincial
    assert paid < Decimal(r.inputs["tv_national_minutes"])
    result = run(r)
    assert result.award == paid * (national - provincial)
    said = result.steps[0]
    for lang, words in (("zh", "未填"), ("en", "not given")):
        assert words in said[lang] and Quantity(paid, "minute").local(lang) in said[lang]
        assert money(Decimal(r.inputs["tv_received"]), lang) in said[lang]
    assert run(r, tv_paid_minutes=str(paid)).award == result.award


def test_3_a_shorter_national_broadcast_tops_up_only_the_minutes_it_showed():
    r = the("3", "7.1")
    national, provincial = param("7.1", "tv_national_rate"), param("7.1", "tv_provincial_rate")
    shown_nationally = Decimal(r.inputs["tv_national_minutes"])
    assert run(r).award == shown_nationally * (national - provincial)
    paid = Decimal(r.inputs["tv_received"]) / provincial
    assert run(r, tv_paid_minutes=str(paid)).award == shown_nationally * (national - provincial)


# ---------------------------------------------------------------- 4. the clause of a subtotal


def _figures(measure: str) -> list[tuple[set[str], set[str]]]:
    return [(zh_forms(p), en_forms(p)) for p in POLICY.measure(measure).parameters.values()]


def _states_a_figure(ref: str, forms: list[set[str]]) -> bool:
    squeezed = "".join(ref.split()).replace("CNY", "")
    return any(f in squeezed for group in forms for f in group)


@pytest.mark.parametrize("measure", [m.id for m in POLICY.measures if len(m.parts) > 1])
def test_4_a_subtotal_cites_the_clause_that_states_its_amount(measure):
    figures = _figures(measure)
    seen = 0
    for example in POLICY.measure(measure).examples:
        result = calc.estimate(measure, dict(example.inputs), example.on)
        for step in result.steps:
            if "] subtotal " not in step["en"]:
                continue
            seen += 1
            assert _states_a_figure(step["ref"], [zh for zh, _ in figures]), step["ref"]
            assert _states_a_figure(step["ref_en"], [en for _, en in figures]), step["ref_en"]
    assert seen


def test_4_the_issue_example_cites_the_grade_award_and_the_cap(capsys):
    r = the("4 5", "6.1")
    out = cli(capsys, r, "en")
    (grade,) = [line for line in out.splitlines() if "[CS grade award] subtotal" in line]
    assert "CNY 1,000,000 or CNY 200,000 respectively" in grade
    assert "that newly obtains a certificate of information-system construction and service " \
           "capability”〕" not in grade  # the gate's words


# ---------------------------------------------------------------- 5. comparisons as shown


@pytest.mark.parametrize("r", [the("5", "1.4"), the("5", "2.1")], ids=lambda r: r.measure)
def test_5_an_amount_a_thousandth_of_a_fen_over_a_cap_reaches_it(capsys, r):
    cap = money(param(r.measure, "cap"), "en")
    assert f"{cap} reaches the cap of {cap}" in cli(capsys, r, "en")
    assert "exceeds the cap" not in cli(capsys, r, "en")
    zh = money(param(r.measure, "cap"), "zh")
    assert f"{zh} 达到上限 {zh}" in cli(capsys, r, "zh")


def test_5_what_is_left_of_a_cumulative_cap_is_not_called_the_cap(capsys):
    r = the("4 5", "6.1")
    room = param("6.1", "cert_cap") - Decimal(r.inputs["cert_received"])
    out = cli(capsys, r, "en")
    assert f"exceeds the {money(room, 'en')} left of the cap (per enterprise, cumulative)" in out
    assert f"the cap of {money(room, 'en')}" not in out
    assert f"超过上限的剩余额度 {money(room, 'zh')}" in cli(capsys, r, "zh")


# ---------------------------------------------------------------- 6. the readings' figures


def _alternatives(r: Reproducer) -> list[dict[str, Any]]:
    return [a for a in run(r).alternatives if a["differs"]]


def test_6_cs4_to_cs5_read_literally_pays_a_further_award():
    r = the("6", "6.1")
    assert run(r).award == 0
    (literal,) = _alternatives(r)
    assert literal["ref"] == "A-6.1a（CS4 → CS5）"
    assert Decimal(literal["award"]) == param("6.1", "award_excellent")


def test_6_a_film_paid_at_the_regional_rate_tops_up_by_analogy_with_tv():
    r = the("6", "7.1")
    minutes = Decimal(r.inputs["film_minutes"])
    top_up = minutes * (param("7.1", "film_national_rate") - param("7.1", "film_regional_rate"))
    assert run(r).award == 0
    (analogy,) = _alternatives(r)
    assert (analogy["ref"], Decimal(analogy["award"])) == ("A-7.1d", top_up)


def test_6_82_paid_by_the_city_alone():
    r = the("6 8", "8.2")
    result = run(r)
    (alone,) = _alternatives(r)
    assert alone["ref"] == "A-8.2b" and alone["award"] == str(result.award)
    assert (alone["city"], alone["county"]) == (str(result.award), "0.00")
    assert money(result.award, "en") in alone["en"] and "county CNY 0.00" in alone["en"]


def test_6_14_nothing_more_is_a_figure_of_its_own_with_its_own_label():
    r = the("6", "1.4")
    figures = {a["label"]["en"]: Decimal(a["award"]) for a in _alternatives(r)}
    assert figures == {
        "the reading that pays a later award in full": param("1.4", "award_national"),
        "the reading that pays nothing more once rewarded": Decimal(0)}


# ---------------------------------------------------------------- 7. what would it take


def test_7_the_hint_names_the_milestone_that_pays():
    r = the("7", "1.5")
    assert run(r).award == 0
    (hint,) = run(r).hints
    assert (hint["input"], Decimal(hint["value"])) == ("revenue", param("1.5", "milestone_2"))
    assert Decimal(hint["award"]) == param("1.5", "award_2")


# ---------------------------------------------------------------- 8. small slips


def test_8_a_zero_fee_is_not_called_is_0():
    reason = run(the("8", "6.1")).reasons[-1]["en"]
    assert " is 0" not in reason and reason.endswith(": 0, so nothing to compute")


def test_8_the_highest_only_step_keeps_the_list_apart():
    r = Reproducer("8", "1.4", {"selected": "no", "in_use": "yes", "awards": "provincial,city"},
                   "2026-11-20")
    (step,) = [s for s in run(r).steps if s["en"].startswith("Highest only")]
    assert "Provincial pays the most of those chosen (Provincial, City)" in step["en"]
    assert "所选的省级、市级中，省级最高" in step["zh"]


def test_8_the_last_day_is_still_a_day_to_apply():
    r = the("6 8", "8.2")
    assert r.on == run(r).on.isoformat() == calc.catalog().get("8.2").end.isoformat()
    (warning,) = [w for w in run(r).warnings if r.on in w["en"]]
    assert "that day included; apply by then" in warning["en"]
    assert "before then" not in warning["en"] and "截止前" not in warning["zh"]
    assert "（含当日），请在当日或之前申报" in warning["zh"]


def test_8_the_calendar_names_one_department_in_the_singular():
    one = calc.calendar_text(calc.catalog(), ["7.1"], "en").replace("\r\n ", "")
    two = calc.calendar_text(calc.catalog(), ["8.1"], "en").replace("\r\n ", "")
    assert "responsible department: " in one and "departments" not in one
    assert "responsible departments: " in two


def test_8_a_part_that_pays_nothing_is_no_warning_under_a_positive_award(capsys):
    r = the("8", "7.1")
    assert run(r).award > 0
    out = cli(capsys, r, "en")
    assert not [line for line in out.splitlines() if line.startswith("  !")
                and "nothing selected" in line]
    assert "  What pays nothing here, and why:\n    · [Animated film screening subsidy] " in out


def test_8_conditions_are_stated_not_asked():
    step = run(the("1", "1.4")).steps[0]
    assert step["en"].startswith("Condition met: the answer to “")
    assert step["en"].endswith("” is “yes”") and "? — yes" not in step["en"]
    assert step["zh"].endswith("”的回答为“是”")


def test_8_the_self_check_asks_nothing_of_a_contest_nobody_entered():
    profile = {k: v for k, v in PROFILE[0].items() if not k.startswith("data_contest")}
    report = calc.assess(profile, PROFILE[1])
    (row,) = [r for r in report["rows"] if r["measure"] == "1.4"]
    assert row["status"] == "may_qualify" and row["why"] is None
    closed = {**profile, "big_data_demo_selected": "no"}
    (row,) = [r for r in calc.assess(closed, PROFILE[1])["rows"] if r["measure"] == "1.4"]
    assert row["status"] == "not_qualified"
