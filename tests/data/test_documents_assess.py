"""The self-check across documents (issue 23) on the fictional fixtures: one profile, an as-of
date, every measure of every document in force on it, grouped by level, each hit naming its
document; the county supplement combined with its city measure by the stacking rule its text
states; totals by level and by paying finance. Expected figures are worked out here from the
data's own parameters (what an applicant would do by hand), never typed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import calc
from calc.selfcheck import assess_with
from generator.data.bundle import bundle
from generator.data.load import load_all
from tests.documents import AMENDMENT, COUNTY, SUCCESSOR, data_with

REAL = "qz-2025-18"
ON = "2026-06-01"  # the county's measures and the city's are in force; the successor is not


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> calc.Catalog:
    return calc.Catalog(bundle(load_all(data_with(tmp_path_factory.mktemp("data")))))


def figure(catalog: calc.Catalog, key: str, name: str, on: str = ON) -> Decimal:
    """A parameter's value on ``on``, as the data (and its amendments) give it."""
    values = catalog.get(key).parameters[name]
    return Decimal([v for v in values if v.start is None or v.start.isoformat() <= on][-1].value)


def fen(value: Decimal) -> Decimal:
    return calc.to_fen(value)


def rows(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in report["rows"]}


def test_only_documents_in_force_are_checked_grouped_by_level(catalog: calc.Catalog) -> None:
    report = assess_with(catalog, {}, ON)
    assert [d["id"] for d in report["documents"]] == [REAL, COUNTY]
    levels = [row["level"] for row in report["rows"]]
    assert levels == sorted(levels, key=calc.LEVELS.index)  # city first, then county
    assert {row["document"]["id"] for row in report["rows"] if row["level"] == "county"} == {
        COUNTY}
    later = assess_with(catalog, {}, catalog.docs[SUCCESSOR].window.start.isoformat())
    assert [d["id"] for d in later["documents"]] == [SUCCESSOR]  # the successor replaced 18号
    assert AMENDMENT not in {d["id"] for d in later["documents"]}  # it has no measures


def test_a_cumulative_supplement_is_paid_on_top_with_totals_by_level_and_finance(
        catalog: calc.Catalog) -> None:
    fee = Decimal("600000")  # the enterprise's compute fees this year
    report = assess_with(catalog, {"has_compute_rental": "yes", "compute_fee": str(fee)}, ON)
    found = rows(report)
    city = min(fee * figure(catalog, "3.1", "rate"), figure(catalog, "3.1", "annual_cap"))
    county = min(fee * figure(catalog, f"{COUNTY}/1.1", "rate"),
                 figure(catalog, f"{COUNTY}/1.1", "annual_cap"))
    assert Decimal(found["3.1"]["award"]) == fen(city)
    supplement = found[f"{COUNTY}/1.1"]
    assert Decimal(supplement["award"]) == fen(county) and supplement["status"] == "may_qualify"
    assert supplement["document"]["number"] == catalog.docs[COUNTY].number
    assert supplement["stacking"]["rule"] == "cumulative"
    assert supplement["stacking"]["with"] == "3.1"
    assert Decimal(report["by_level"]["city"]["entitlements"]) == fen(city)
    assert Decimal(report["by_level"]["county"]["entitlements"]) == fen(county)
    share = catalog.get("3.1").city_share  # 3.1 is shared; the county's own pays it all
    assert Decimal(report["totals"]["city"]) == fen(city * share)
    assert Decimal(report["totals"]["county"]) == fen(city) - fen(city * share) + fen(county)
    assert Decimal(report["totals"]["entitlements"]) == fen(city) + fen(county)


@pytest.mark.parametrize("higher", ["county", "city"])
def test_highest_only_pays_the_higher_of_the_pair(catalog: calc.Catalog, higher: str) -> None:
    city_rate = figure(catalog, "5.1", "mpw_rate")
    county_rate = figure(catalog, f"{COUNTY}/1.2", "rate")
    county_cap = figure(catalog, f"{COUNTY}/1.2", "annual_cap")
    assert county_rate > city_rate  # the fixture's premise: the county pays more on small costs
    # small costs: the county's rate wins; costs whose city subsidy passes the county cap: the
    # city's (the county's stays at its cap)
    cost = county_cap / county_rate / 2 if higher == "county" else county_cap / city_rate * 2
    report = assess_with(catalog, {"enterprise_types": ["ic_design"], "has_ic_expenses": "yes",
                                   "mpw_direct_cost": str(fen(cost))}, ON)
    found = rows(report)
    city = fen(fen(cost) * city_rate)
    county = fen(min(fen(cost) * county_rate, county_cap))
    paid, unpaid = (f"{COUNTY}/1.2", "5.1") if higher == "county" else ("5.1", f"{COUNTY}/1.2")
    assert Decimal(found[paid]["award"]) == max(city, county)
    assert found[unpaid]["award"] == "0.00" and found[unpaid]["status"] == "not_qualified"
    assert found[paid]["status"] == "may_qualify"
    assert Decimal(report["totals"]["entitlements"]) == max(city, county)
    level = "county" if higher == "county" else "city"
    assert Decimal(report["by_level"][level]["entitlements"]) == max(city, county)


def _pair(stacking: str, cap: str | None = None) -> calc.Catalog:
    """A city measure paying a fixed amount and a county supplement paying another, stacked by
    ``stacking`` (calc's own test bundle: the rules, not the fixtures' figures)."""
    from tests.calc.conftest import DOC, measure, money

    def fixed(param: str) -> dict[str, Any]:
        return {"kind": "require", "input": "go", "ref": "r",
                "then": {"kind": "fixed", "amount": {"param": param}, "ref": "f"}}

    go = {**money("go"), "type": "bool", "unit": None, "profile": {"field": "go"}}
    city = {**measure(fixed("amount"), [go]), "id": "1.1",
            "parameters": {"amount": {"values": [{"from": None, "value": "300"}]}}}
    county = {**measure(fixed("amount"), [go], funding="county_only"), "id": "1.1",
              "parameters": {"amount": {"values": [{"from": None, "value": "200"}]},
                             "cap": {"values": [{"from": None, "value": cap or "0"}]}},
              "supplements": {"document": DOC["id"], "measure": "1.1", "stacking": stacking,
                              "cap": "cap" if cap else None, "ref": "s"}}
    profile = {"sections": [{"id": "s", "title": {"zh": "s", "en": "s"}, "fields": ["go"]}],
               "fields": {"go": go}}
    departments = {"x": {"zh": "部门", "en": "department"}}
    other = {**DOC, "id": "county", "default": False, "level": "county",
             "departments": departments}
    return calc.Catalog({"format": calc.FORMAT, "documents": [
        {"document": {**DOC, "level": "city", "departments": departments},
         "glossary": {"terms": []}, "measures": [city],
         "profile": profile},
        {"document": other, "glossary": {"terms": []}, "measures": [county]}]})


@pytest.mark.parametrize(("stacking", "cap", "county"), [
    ("cumulative", None, lambda city, own, cap: own),
    ("exclusive", None, lambda city, own, cap: Decimal(0)),
    ("highest", None, lambda city, own, cap: own if own > city else Decimal(0)),
    ("combined_cap", "400", lambda city, own, cap: min(own, max(Decimal(0), cap - city))),
    ("combined_cap", "1000", lambda city, own, cap: min(own, max(Decimal(0), cap - city))),
])
def test_each_stacking_rule_is_computed_by_calc(stacking: str, cap: str | None,
                                                county: Any) -> None:
    catalog = _pair(stacking, cap)
    report = assess_with(catalog, {"go": "yes"}, ON)
    found = rows(report)
    city = Decimal(catalog.get("1.1").parameters["amount"][0].value)
    own = Decimal(catalog.get("county/1.1").parameters["amount"][0].value)
    limit = Decimal(cap or "0")
    assert Decimal(found["1.1"]["award"]) == fen(city)
    assert Decimal(found["county/1.1"]["award"]) == fen(county(city, own, limit))
    assert found["county/1.1"]["stacking"]["rule"] == stacking
    assert Decimal(report["totals"]["county"]) == fen(city) - fen(
        city * catalog.get("1.1").city_share) + fen(county(city, own, limit))


def test_a_day_on_which_nothing_is_in_force_still_says_why(catalog: calc.Catalog) -> None:
    before = catalog.docs[REAL].window.start - dt.timedelta(days=1)
    report = assess_with(catalog, {"has_compute_rental": "yes", "compute_fee": "60000"},
                         before.isoformat())
    assert {row["document"]["id"] for row in report["rows"]} == {REAL}
    assert all(row["status"] == "not_qualified" for row in report["rows"])
