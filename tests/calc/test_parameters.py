"""Named parameters in the bundle: rules name them, an estimate binds each to the value in force
on its own date, and a bundle of an unknown format is refused in both languages."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

import calc
from calc import CalcError

from .conftest import DOC, measure, money, run


def _catalog(parameters: dict[str, Any]) -> calc.Catalog:
    rule = {"kind": "cap", "max": {"param": "cap"}, "scope": {"zh": "每家", "en": "per firm"},
            "ref": "c", "of": {"kind": "rate", "base": "base", "rate": {"param": "rate"},
                               "ref": "r"}}
    data = {**measure(rule, [money("base")]), "parameters": parameters}
    return calc.Catalog({"format": 2, "documents": [{"document": DOC, "glossary": {"terms": []},
                                                      "measures": [data]}]})


def test_a_rule_takes_its_figures_from_the_parameters() -> None:
    catalog = _catalog({"cap": {"values": [{"from": None, "value": "300000"}]},
                        "rate": {"values": [{"from": None, "value": "0.3"}]}})
    assert run(catalog, {"base": "200000"}).award == D("60000.00")
    assert run(catalog, {"base": "5000000"}).award == D("300000.00")


def test_an_amendment_applies_from_its_date_and_earlier_estimates_keep_the_old_figure() -> None:
    catalog = _catalog({"cap": {"values": [{"from": None, "value": "300000"},
                                           {"from": "2028-01-01", "value": "400000"}]},
                        "rate": {"values": [{"from": None, "value": "0.3"}]}})
    assert run(catalog, {"base": "5000000"}, on="2027-12-31").award == D("300000.00")
    assert run(catalog, {"base": "5000000"}, on="2028-01-01").award == D("400000.00")
    later = run(catalog, {"base": "5000000"}, on="2029-06-01")
    assert "CNY 400,000.00" in later.steps[-3]["en"]


@pytest.mark.parametrize("found", [calc.FORMAT + 1, "2", None, 0])
def test_a_bundle_of_another_format_is_refused(found: object) -> None:
    with pytest.raises(CalcError) as error:
        calc.Catalog({"format": found, "documents": []})
    assert "不受支持" in error.value.zh and "not supported" in error.value.en
