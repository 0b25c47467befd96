"""Realistic enterprise profiles through the self-check, with totals checked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import calc
from calc.__main__ import main
from generator.bundle import bundle
from generator.load import load_all

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


def test_ic_design_house():
    # 5.1: 80% × 1.5M + 50% × 2M = 2.2M, capped at 2M; 5.2: 50% × 1M + min(55% × 3M, 1.5M);
    # 6.1: CS3 200,000 + 50% × 100,000; 3.1: 30% × 50,001 = 15,000.30
    report, rows = assess("ic_design_house", "2026-06-01")
    assert qualifying(rows) == {"3.1": "15000.30", "5.1": "2000000.00", "5.2": "2000000.00",
                                "6.1": "250000.00"}
    assert report["totals"] == {"entitlements": "4265000.30", "upper_bounds": "0.00",
                                "city": "2132500.15", "county": "2132500.15"}
    assert rows["6.2"]["status"] == "not_qualified"
    assert rows["7.1"]["why"]["en"].startswith("not applicable")


def test_data_company_growing_past_two_milestones():
    # 1.5 reading A: 8M → 60M pays 100,000 + 300,000; 1.4: A min(30% × 800,000, 200,000) +
    # B highest of provincial/city = 100,000; 1.1: 10% × 5M; 1.3: DCMM level 3 = 50,000
    report, rows = assess("data_company", "2026-06-01")
    assert qualifying(rows) == {"1.1": "500000.00", "1.3": "50000.00", "1.4": "300000.00",
                                "1.5": "400000.00"}
    assert all(rows[m]["upper_bound"] for m in qualifying(rows))
    assert report["totals"] == {"entitlements": "0.00", "upper_bounds": "1250000.00",
                                "city": "625000.00", "county": "625000.00"}


def test_revenue_one_yuan_short_of_the_first_milestone():
    _, rows = assess("data_company", "2026-06-01", operating_revenue="9999999")
    assert rows["1.5"]["status"] == "not_qualified"
    assert "no milestone is reached for the first time" in rows["1.5"]["why"]["en"]


def test_animation_studio_one_yuan_short_of_licensing_threshold():
    report, rows = assess("animation_studio", "2026-06-01")
    assert qualifying(rows) == {"7.1": "450000.00"}  # 300 min × 1,500 on a provincial channel
    assert rows["7.3"]["why"]["zh"] == ("原创形象对外版权授权年收入 2,999,999.00 元 "
                                        "未达到 3,000,000.00 元")
    assert report["totals"]["city"] == "225000.00"
    _, reached = assess("animation_studio", "2026-06-01", character_licensing_revenue="3000000")
    assert reached["7.3"]["award"] == "450000.00" and reached["7.3"]["county"] == "0.00"


def test_sme_pilot_just_before_and_after_the_41_deadline():
    report, rows = assess("sme_pilot", "2027-03-15")
    assert qualifying(rows) == {"4.1": "300000.00"}  # 50% × 800,000 capped at level 3's 300,000
    assert any("2027-03-31" in w["en"] for w in rows["4.1"]["warnings"])
    assert report["totals"]["county"] == "150000.00"
    _, late = assess("sme_pilot", "2027-04-01")
    assert late["4.1"]["status"] == "not_qualified"
    assert "expired on 2027-03-31" in late["4.1"]["why"]["en"]


def test_assess_cli_json_and_text(capsys):
    path = str(PROFILES / "sme_pilot.json")
    assert main(["assess", path, "--on", "2027-03-15", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["totals"]["entitlements"] == "300000.00"
    assert main(["assess", path, "--on", "2027-03-15", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "4.1  可能符合  300,000.00 元" in out and "市级合计: 150,000.00 元" in out


def test_assess_cli_refuses_a_broken_file(tmp_path, capsys):
    broken = tmp_path / "p.json"
    broken.write_text("{not json", "utf-8")
    assert main(["assess", str(broken)]) == 2
    assert "invalid enterprise profile" in capsys.readouterr().err
