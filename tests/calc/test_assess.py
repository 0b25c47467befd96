"""The self-check on a synthetic two-measure bundle: statuses, reasons, totals, gates."""

from __future__ import annotations

import pytest

import calc
from calc import CalcError
from calc.selfcheck import assess_with

from .conftest import DOC, flag, label, measure, money


def _catalog() -> calc.Catalog:
    rate = measure({"kind": "require", "input": "selected", "ref": "q", "then": {
        "kind": "cap", "max": "200000", "less": [], "scope": label("scope"), "ref": "c",
        "of": {"kind": "rate", "base": "investment", "rate": "0.3", "ref": "r"}}},
        [{**flag("selected"), "profile": {"field": "project_selected"}},
         {**money("investment"), "profile": {"field": "project_investment"}}])
    fixed = {**measure({"kind": "require", "input": "is_ic", "ref": "q",
                        "then": {"kind": "fixed", "amount": "300000", "ref": "f"}},
                       [{**flag("is_ic"), "profile": {"field": "types", "contains": "ic"}}],
                       bound="upper"), "id": "9.8"}
    ceiling = {**measure({"kind": "ceiling", "amount": "2000000", "ref": "c"}, [],
                         funding="city_only"), "id": "9.7"}
    document = {**DOC, "departments": {"x": label("dept")}}
    types = {"name": "types", "type": "choices", "label": label("types"), "help": label("t"),
             "choices": [{"value": "ic", "label": label("ic")},
                         {"value": "data", "label": label("data")}]}
    gate = flag("has_project")
    profile = {
        "sections": [
            {"id": "basics", "title": label("basics"), "fields": ["types"]},
            {"id": "projects", "title": label("projects"), "gate": "has_project",
             "fields": ["project_selected", "project_investment"]},
        ],
        "fields": {"types": types, "has_project": gate,
                   "project_selected": flag("project_selected"),
                   "project_investment": money("project_investment")},
    }
    return calc.Catalog({"documents": [{"document": document, "glossary": {"terms": []},
                                        "measures": [rate, fixed, ceiling], "profile": profile}]})


def rows(report):
    return {r["measure"]: r for r in report["rows"]}


def test_qualifying_profile_totals_entitlements_and_upper_bounds_apart():
    report = assess_with(_catalog(), {"types": ["ic"], "has_project": "yes",
                                      "project_selected": "yes", "project_investment": "100万"},
                         on="2026-06-01")
    by = rows(report)
    assert by["9.9"]["status"] == "may_qualify" and by["9.9"]["award"] == "200000.00"
    assert by["9.8"]["status"] == "may_qualify" and by["9.8"]["upper_bound"]
    assert by["9.7"]["status"] == "may_qualify" and not by["9.7"]["formula"]
    assert report["totals"] == {"entitlements": "200000.00", "upper_bounds": "300000.00",
                                "city": "250000.00", "county": "250000.00"}
    assert report["ceilings"] == [{"measure": "9.7", "award": "2000000.00"}]
    assert by["9.9"]["inputs"] == {"selected": "yes", "investment": "1000000"}
    assert by["9.9"]["departments"] == [label("dept")]


def test_reasons_for_each_status():
    by = rows(assess_with(_catalog(), {"types": "data", "has_project": True,
                                       "project_selected": False}, on="2026-06-01"))
    assert by["9.8"]["status"] == "not_qualified"
    assert by["9.8"]["why"]["en"] == "Condition not met: the answer to “is_ic (en)” is “no”"
    assert by["9.9"]["status"] == "not_qualified"
    open_but_empty = rows(assess_with(_catalog(), {"has_project": "yes"}, on="2026-06-01"))
    assert open_but_empty["9.9"]["status"] == "needs_info"
    # the self-check asks its own question, not the measure input's label
    assert open_but_empty["9.9"]["why"]["zh"] == "请回答自测中的“project_selected（中）”"


def test_a_closed_section_means_not_applicable():
    by = rows(assess_with(_catalog(), {"types": "ic"}, on="2026-06-01"))
    assert by["9.9"]["status"] == "not_qualified"
    assert by["9.9"]["why"]["en"] == ("not applicable: you have not said that "
                                      "“projects (en)” applies to you")


def test_expired_window_is_a_reason_not_an_error():
    by = rows(assess_with(_catalog(), {"types": "ic"}, on="2030-01-01"))
    assert by["9.8"]["status"] == "not_qualified"
    assert "expired on 2029-12-31" in by["9.8"]["why"]["en"]


@pytest.mark.parametrize(("profile", "code"), [
    ({"typo": "1"}, "error.unknown_profile_field"),
    ({"project_investment": "-5"}, "error.negative"),
    (["not", "an", "object"], "error.bad_profile"),
])
def test_bad_profiles_are_refused(profile, code):
    with pytest.raises(CalcError) as error:
        assess_with(_catalog(), profile, on="2026-06-01")
    assert error.value.code == code
