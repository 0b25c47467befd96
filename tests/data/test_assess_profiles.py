"""Realistic enterprise profiles through the self-check: each row equals what the calculator
gives for the inputs the profile stands for, and the totals add up (no figure typed here)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

import calc
from calc.__main__ import main
from calc.fmt import Money
from generator.data.bundle import bundle
from generator.data.load import load_all

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ROOT / "tests" / "profiles"


@pytest.fixture(autouse=True, scope="module")
def real_rules():
    calc.use_bundle(bundle(load_all(ROOT / "policy_data")))


def assess(name: str, on: str, **changes: object) -> tuple[dict, dict]:
    profile = {**json.loads((PROFILES / f"{name}.json").read_text("utf-8")), **changes}
    report = calc.assess(profile, on=on)
    return report, {r["measure"]: r for r in report["rows"]}


def qualifying(rows: dict) -> dict[str, str]:
    return {k: r["award"] for k, r in rows.items() if r["status"] == "may_qualify"}


def estimated(measure_id: str, inputs: dict[str, object], on: str) -> str:
    """What the calculator gives for the inputs a profile stands for: each row's reference, so
    the profile tests check the self-check's mapping and totals without typing a figure."""
    return str(calc.estimate(measure_id, inputs, on=on).award)


def total(rows: dict, key: str = "award") -> str:
    return str(sum((Decimal(r[key]) for r in rows.values() if r["status"] == "may_qualify"),
                   Decimal("0.00")))


def test_ic_design_house():
    on = "2026-06-01"
    report, rows = assess("ic_design_house", on)
    assert qualifying(rows) == {
        "3.1": estimated("3.1", {"fee": "50001"}, on),
        "5.1": estimated("5.1", {"ic_design": True, "mpw_cost": "150万",
                                 "engineering_fee": "2,000,000"}, on),
        "5.2": estimated("5.2", {"ic_design": True, "layout_cost": "100万",
                                 "platform_fee": "300万"}, on),
        "6.1": estimated("6.1", {"software_enterprise": True, "grade": "CS3",
                                 "cert_fee": "100000"}, on)}
    assert report["totals"]["entitlements"] == total(rows)
    assert report["totals"]["upper_bounds"] == "0.00"
    assert Decimal(report["totals"]["city"]) + Decimal(report["totals"]["county"]) == Decimal(
        total(rows))
    assert rows["6.2"]["status"] == "not_qualified"
    assert rows["7.1"]["why"]["en"].startswith("not applicable")


def test_data_company_growing_past_two_milestones():
    on = "2026-06-01"
    report, rows = assess("data_company", on)
    assert qualifying(rows) == {
        "1.1": estimated("1.1", {"selected": True, "investment": "5,000,000"}, on),
        "1.3": estimated("1.3", {"first_time": True, "level": "L3"}, on),
        "1.4": estimated("1.4", {"selected": True, "investment": "80万", "in_use": True,
                                 "awards": "provincial,city"}, on),
        "1.5": estimated("1.5", {"data_business": True, "revenue": "6000万",
                                 "best_before": "800万"}, on)}
    assert all(rows[m]["upper_bound"] for m in qualifying(rows))
    # Totals by part: 1.4's demonstration subsidy is a standard 30 % (an entitlement), its
    # competition award a ceiling; the two sums split each award, never a whole row.
    a14 = calc.estimate("1.4", {"selected": True, "investment": "80万", "in_use": True,
                                "awards": "provincial,city"}, on)
    assert a14.entitled > 0 and a14.up_to > 0
    assert report["totals"]["entitlements"] == str(a14.entitled)
    assert report["totals"]["upper_bounds"] == str(Decimal(total(rows)) - a14.entitled)
    assert (rows["1.4"]["entitled"], rows["1.4"]["up_to"]) == (str(a14.entitled),
                                                               str(a14.up_to))


def test_revenue_one_yuan_short_of_the_first_milestone():
    (m15,) = [m for m in load_all(ROOT / "policy_data")[0].measures if m.id == "1.5"]
    short = m15.parameters["milestone_1"].number - 1
    _, rows = assess("data_company", "2026-06-01", operating_revenue=str(short))
    assert rows["1.5"]["status"] == "not_qualified"
    assert "reaches no milestone for the first time" in rows["1.5"]["why"]["en"]


def test_animation_studio_one_yuan_short_of_licensing_threshold():
    on = "2026-06-01"
    report, rows = assess("animation_studio", on)
    assert qualifying(rows) == {"7.1": estimated("7.1", {"tv_provincial_minutes": "300"}, on)}
    short = estimate_error("7.3", {"animation_game": True, "revenue": "2999999"}, on)
    assert rows["7.3"]["why"]["zh"] == short
    assert report["totals"]["city"] == str(Decimal(total(rows)) / 2)
    (m73,) = [m for m in load_all(ROOT / "policy_data")[0].measures if m.id == "7.3"]
    threshold = str(m73.parameters["revenue_threshold"].number)
    _, reached = assess("animation_studio", on, character_licensing_revenue=threshold)
    assert reached["7.3"]["award"] == estimated("7.3", {"animation_game": True,
                                                        "revenue": threshold}, on)
    assert reached["7.3"]["county"] == "0.00"  # paid by the city alone


def estimate_error(measure_id: str, inputs: dict[str, object], on: str) -> str:
    """The reason the calculator gives for paying nothing (zh)."""
    result = calc.estimate(measure_id, inputs, on=on)
    assert result.award == 0
    return str(result.reasons[0]["zh"])


def test_sme_pilot_just_before_and_after_the_41_deadline():
    (m41,) = [m for m in load_all(ROOT / "policy_data")[0].measures if m.id == "4.1"]
    assert m41.validity is not None
    end = m41.validity.end
    before, after = str(end - dt.timedelta(days=16)), str(end + dt.timedelta(days=1))
    report, rows = assess("sme_pilot", before)
    assert qualifying(rows) == {"4.1": estimated("4.1", {"newly_listed": True, "level": "L3",
                                                         "investment": "80万"}, before)}
    assert any(end.isoformat() in w["en"] for w in rows["4.1"]["warnings"])
    assert report["totals"]["county"] == str(Decimal(total(rows)) / 2)
    _, late = assess("sme_pilot", after)
    assert late["4.1"]["status"] == "not_qualified"
    assert f"expired on {end.isoformat()}" in late["4.1"]["why"]["en"]


def test_assess_cli_json_and_text(capsys):
    path = str(PROFILES / "sme_pilot.json")
    on = "2027-03-15"
    award = estimated("4.1", {"newly_listed": True, "level": "L3", "investment": "80万"}, on)
    assert main(["assess", path, "--on", on, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["entitlements"] == award
    assert main(["assess", path, "--on", on, "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert f"4.1  可能符合  {Money(Decimal(award)).local('zh')}" in out
    assert f"市级合计: {Money(Decimal(award) / 2).local('zh')}" in out


def test_assess_cli_refuses_a_broken_file(tmp_path, capsys):
    broken = tmp_path / "p.json"
    broken.write_text("{not json", "utf-8")
    assert main(["assess", str(broken)]) == 2
    assert "invalid enterprise profile" in capsys.readouterr().err
